"""Self-check questions (``_ext/self_check.py``) in the built book, offline, by keyboard and by mouse.

Every chapter has at least three questions. With the keyboard alone (Tab to the
group, Space, arrow keys, Enter) an arrow key only moves the choice; Enter grades it,
"Right" exactly for the option marked correct and "Not quite — try again" for the
others, with that option's explanation; "Show answer" gives the keyed answer. An
empty number field asks for a number; a number is accepted within its tolerance and
refused outside it without giving the answer away.
"""

from __future__ import annotations

import pytest

from conftest import BOOK_HTML, OfflinePage

pytestmark = pytest.mark.browser

CHAPTERS = sorted(p.relative_to(BOOK_HTML).as_posix() for p in (BOOK_HTML / "book").glob("0*.html"))
MIN_QUESTIONS = 3


def feedback(question: object) -> str:
    return question.locator(".self-check-feedback").inner_text().strip()  # type: ignore[attr-defined]


#: The words of an element without its typeset formulas (MathJax output has no stable text).
PROSE = "el => { const c = el.cloneNode(true); c.querySelectorAll('mjx-container, .math').forEach(m => m.remove()); return c.textContent.split(/\\s+/).join(' ').trim(); }"


def open_chapter(offline_page: OfflinePage, url: str) -> object:
    page = offline_page.page
    page.goto(url, wait_until="load")  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    return page


def test_every_chapter_is_found() -> None:
    assert len(CHAPTERS) >= 6, f"expected the chapters under {BOOK_HTML / 'book'}, found {CHAPTERS}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_choices_answer_by_keyboard(offline_page: OfflinePage, book_url: str, chapter: str) -> None:
    """Arrow keys move the choice without grading it; Enter grades it; a wrong one can be retried."""
    page = open_chapter(offline_page, f"{book_url}/{chapter}")
    questions = page.locator("fieldset.self-check")  # type: ignore[attr-defined]
    assert questions.count() >= MIN_QUESTIONS, f"{chapter}: {questions.count()} self-check questions"
    for index in range(questions.count()):
        question = questions.nth(index)
        if question.get_attribute("data-kind") != "choice":
            continue
        radios = question.locator("input[type=radio]")
        marked = [radios.nth(i).get_attribute("data-correct") == "true" for i in range(radios.count())]
        assert marked.count(True) == 1, f"{chapter} question {index}: exactly one right option"
        assert feedback(question) == "", "no feedback before an answer"
        radios.nth(0).focus()
        page.keyboard.press("Space")  # type: ignore[attr-defined]
        for position, right in enumerate(marked):
            if position:
                page.keyboard.press("ArrowDown")  # type: ignore[attr-defined]
                assert radios.nth(position).is_checked()
                assert feedback(question) == "", f"{chapter} q{index}: an arrow key graded option {position}"
                page.keyboard.press("Enter")  # type: ignore[attr-defined]
            said = feedback(question)
            explanation = question.locator(".self-check-explanation").nth(position).evaluate(PROSE)
            assert said.startswith("Right." if right else "Not quite — try again."), (
                f"{chapter} q{index} option {position}: {said!r}"
            )
            shown = question.locator(".self-check-feedback").evaluate(PROSE)
            assert explanation and explanation in shown, f"{chapter} q{index}: the explanation is shown"
        question.locator(".self-check-reveal").click()
        assert feedback(question).startswith("The answer:")
        assert question.locator(".self-check-key").is_visible()
    assert offline_page.blocked == [] and offline_page.console_errors == []


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_numbers_are_checked_within_tolerance(offline_page: OfflinePage, book_url: str, chapter: str) -> None:
    page = open_chapter(offline_page, f"{book_url}/{chapter}")
    numeric = page.locator("fieldset.self-check[data-kind=number]")  # type: ignore[attr-defined]
    for index in range(numeric.count()):
        question = numeric.nth(index)
        answer = float(question.get_attribute("data-answer"))
        tolerance = float(question.get_attribute("data-tolerance"))
        field = question.locator(".self-check-number input")
        field.press("Enter")  # empty: asks for a number, gives nothing away
        assert feedback(question) == "Type a number first.", f"{chapter} number {index}: empty answer"
        wrong = answer + 2 * tolerance + max(abs(answer), 1) * 0.5
        field.fill(f"{wrong:.4g}")
        field.press("Enter")  # the keyboard path
        assert feedback(question) == "Not quite — try again.", f"{chapter} number {index}: {wrong} refused, no answer"
        field.fill(f"{answer + 0.9 * tolerance:.6f}")
        question.locator(".self-check-check").click()  # the mouse path
        assert feedback(question).startswith("Right."), f"{chapter} number {index}: {answer} accepted"
    assert offline_page.blocked == [] and offline_page.console_errors == []


def test_a_click_chooses_and_check_grades(offline_page: OfflinePage, book_url: str) -> None:
    page = open_chapter(offline_page, f"{book_url}/{CHAPTERS[0]}")
    question = page.locator("fieldset.self-check[data-kind=choice]").first  # type: ignore[attr-defined]
    question.locator(".self-check-check").click()
    assert feedback(question) == "Choose an option first."
    question.locator("input[data-correct=false]").first.locator("xpath=following-sibling::label").click()
    assert feedback(question) == "", "a click chooses, it does not grade"
    question.locator(".self-check-check").click()
    assert feedback(question).startswith("Not quite — try again.")
    question.locator("input[data-correct=true]").locator("xpath=following-sibling::label").click()
    question.locator(".self-check-check").click()
    assert feedback(question).startswith("Right.")


def test_pages_without_questions_do_not_load_the_script(offline_page: OfflinePage, book_url: str) -> None:
    page = open_chapter(offline_page, f"{book_url}/book/appendix/glossary.html")
    assert page.locator("fieldset.self-check").count() == 0  # type: ignore[attr-defined]
    assert page.locator("script[src*='self-check.js']").count() == 0  # type: ignore[attr-defined]
