// Self-check questions (see _ext/self_check.py): instant feedback without a kernel, one try at a time.
// * Choices are radio buttons: Tab reaches the group, arrow keys move the choice without grading it;
//   Enter or Space on an option, or the Check button, grades the chosen option.
// * A number is checked on Enter or with the Check button; an empty field (or no number) asks for one.
// * A wrong answer says "Not quite — try again" (with the chosen option's explanation) and keeps the
//   answer open; "Show answer" gives the keyed answer and its explanation. Feedback is in words.
document.addEventListener("DOMContentLoaded", () => {
  const say = (question, verdict, kind, ...parts) => {
    const feedback = question.querySelector(".self-check-feedback");
    feedback.replaceChildren();
    const strong = document.createElement("strong");
    strong.textContent = verdict;
    feedback.append(strong);
    for (const part of parts) {
      if (typeof part === "string") feedback.append(" ", part);
      else if (part) feedback.append(" ", ...part.cloneNode(true).childNodes);
    }
    feedback.classList.toggle("is-right", kind === "right");
    feedback.classList.toggle("is-wrong", kind === "wrong");
  };
  const explanationOf = (element) => element && element.querySelector(".self-check-explanation");
  const TRY_AGAIN = "Not quite — try again.";

  for (const question of document.querySelectorAll("fieldset.self-check")) {
    const key = question.querySelector(".self-check-key");
    const reveal = () => {
      if (key) key.hidden = false;
      if (question.dataset.kind === "choice") {
        const right = question.querySelector("input[data-correct=true]");
        question.querySelectorAll(".self-check-option").forEach((o) => o.classList.remove("is-answer"));
        right.closest(".self-check-option").classList.add("is-answer");
        say(question, "The answer:", "answer", right.nextElementSibling, explanationOf(right.closest(".self-check-option")));
      } else {
        const text = key ? key.lastChild.textContent.trim() : question.dataset.answer;
        say(question, "The answer:", "answer", text + ".", explanationOf(question));
      }
    };
    question.querySelector(".self-check-reveal")?.addEventListener("click", reveal);

    if (question.dataset.kind === "choice") {
      const grade = () => {
        const input = question.querySelector("input[type=radio]:checked");
        if (!input) {
          say(question, "Choose an option first.", "ask");
          return;
        }
        const option = input.closest(".self-check-option");
        question.querySelectorAll(".self-check-option").forEach((o) => o.classList.remove("is-chosen"));
        option.classList.add("is-chosen");
        const right = input.dataset.correct === "true";
        say(question, right ? "Right." : TRY_AGAIN, right ? "right" : "wrong", explanationOf(option));
      };
      // A new choice clears the verdict on the previous one, and grades nothing — unless it was made
      // with Space, which chooses (on keyup, the browser's own action) and grades.
      let spaced = false;
      question.addEventListener("change", () => {
        question.querySelectorAll(".self-check-option").forEach((o) => o.classList.remove("is-chosen"));
        say(question, "", "none");
        if (spaced) {
          spaced = false;
          grade();
        }
      });
      question.addEventListener("keydown", (event) => {
        if (event.target.type !== "radio") return;
        if (event.key === " ") spaced = true;
        if (event.key === "Enter") {
          event.preventDefault();
          if (!event.target.checked) event.target.checked = true;
          grade();
        }
      });
      question.addEventListener("keyup", (event) => {
        if (event.target.type === "radio" && event.key === " " && event.target.checked && spaced) {
          spaced = false; // already chosen: no change event comes
          grade();
        }
      });
      question.querySelector(".self-check-check").addEventListener("click", grade);
    } else {
      const input = question.querySelector(".self-check-number input");
      const check = () => {
        const typed = input.value.trim().replace(",", ".").replace(/[^0-9eE+\-.]/g, "");
        const value = typed === "" ? NaN : Number(typed);
        if (!Number.isFinite(value)) {
          say(question, "Type a number first.", "ask");
          return;
        }
        const answer = Number(question.dataset.answer);
        const right = Math.abs(value - answer) <= Number(question.dataset.tolerance) + 1e-12;
        if (right) say(question, "Right.", "right", explanationOf(question));
        else say(question, TRY_AGAIN, "wrong");
      };
      question.querySelector(".self-check-check").addEventListener("click", check);
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          check();
        }
      });
    }
  }
});
