// Self-check questions (see _ext/self_check.py): instant feedback without a kernel.
// Choices are radio buttons, so the keyboard works as for any form (Tab, arrow keys);
// a number is checked on Enter or with the button. Feedback says so in words.
document.addEventListener("DOMContentLoaded", () => {
  const say = (question, right, explanation) => {
    const feedback = question.querySelector(".self-check-feedback");
    feedback.replaceChildren();
    const verdict = document.createElement("strong");
    verdict.textContent = right ? "Right. " : "Not quite. ";
    feedback.append(verdict);
    if (explanation) feedback.append(...explanation.cloneNode(true).childNodes);
    feedback.classList.toggle("is-right", right);
    feedback.classList.toggle("is-wrong", !right);
  };
  for (const question of document.querySelectorAll("fieldset.self-check")) {
    if (question.dataset.kind === "choice") {
      question.addEventListener("change", (event) => {
        const input = event.target;
        question.querySelectorAll(".self-check-option").forEach((o) => o.classList.remove("is-chosen"));
        const option = input.closest(".self-check-option");
        option.classList.add("is-chosen");
        say(question, input.dataset.correct === "true", option.querySelector(".self-check-explanation"));
      });
    } else {
      const input = question.querySelector(".self-check-number input");
      const check = () => {
        const value = Number.parseFloat(input.value.replace(",", ".").replace(/[^0-9eE+\-.]/g, ""));
        const answer = Number(question.dataset.answer);
        const right = Number.isFinite(value) && Math.abs(value - answer) <= Number(question.dataset.tolerance) + 1e-12;
        say(question, right, question.querySelector(".self-check-explanation"));
      };
      question.querySelector(".self-check-number button").addEventListener("click", check);
      input.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); check(); } });
    }
  }
});
