"""Self-check questions that work in the static book: no kernel, no network.

Two kinds, written as an admonition with the class ``self-check`` in a markdown cell::

    :::{admonition} Which arm had more IDFS events?
    :class: self-check dropdown
    :answer: 2

    - The atezolizumab arm.

      Explanation shown when a reader picks this option.
    - The chemotherapy arm.

      Explanation shown when a reader picks this one (the right answer).
    :::

    :::{admonition} How many IDFS events did the final analysis count?
    :class: self-check dropdown
    :number: design_events_final
    :tolerance: 0.5

    Explanation shown after any answer.
    :::

Why an admonition: JupyterLab (jupyterlab-myst) renders only the directives MyST
itself knows, and shows an admonition with the class ``dropdown`` as a collapsed
box titled with the question, its options and explanations inside — an
instructor's answer key. In the book this extension replaces the ``admonition``
directive with one that builds the question when the class ``self-check`` is
given and is the ordinary admonition otherwise.

Options are radio buttons: arrow keys move between them without grading; Enter or
Space on an option, or the Check button, grades the chosen one. A number is typed
into a field and checked on Enter or with the button (an empty field asks for a
number). A wrong answer says "Not quite — try again" and the reader may retry;
the "Show answer" button gives the keyed answer and its explanation. The feedback
is announced (``role="status"``) and says "Right" or "Not quite" in words, not
colour alone. Each question carries its keyed answer (``.self-check-key``, hidden
on screen until asked for), so that a printed page, and the PDF, show it. ``:number:`` is a glue key of the
same notebook (so a published number is never typed) or a literal number;
``:tolerance:`` is absolute, or relative with a ``%`` sign. The page gets
``self-check.js`` and ``self-check.css`` (from ``book/_static``) only when it has
a question. An option list that is malformed fails the build.

Why not an extension from PyPI: teachbooks-questions loads MathLive and its
compute engine from CDNs on every page and its options are not focusable;
jupyterquiz needs a code cell, falls back to a CDN MathJax and its options are
clickable labels without keyboard access; sphinx-yaq offers choices as plain
text (no glued numbers, no per-option explanation).
"""

from __future__ import annotations

import html
import json
import math
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.parsers.rst.directives.admonitions import Admonition
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


class self_check(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """A whole question; attributes ``kind``, ``answer``, ``tolerance``."""


class self_check_part(nodes.General, nodes.Element):  # noqa: N801
    """A part of a question rendered as one HTML element (``role`` attribute)."""


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a number") from error


QUESTION_OPTIONS = {
    "answer": directives.positive_int,
    "number": directives.unchanged_required,
    "tolerance": directives.unchanged_required,
}


class AdmonitionOrSelfCheck(SphinxDirective):
    """``{admonition}``: a self-check question with the class ``self-check`` (see the module docstring)."""

    has_content = True
    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {**Admonition.option_spec, **QUESTION_OPTIONS}

    def _glued_or_literal(self, text: str) -> float:
        try:
            return _number(text)
        except ValueError:
            pass
        from myst_nb.ext.glue.utils import RetrievalError, retrieve_glue_data

        try:
            data = retrieve_glue_data(self.state.document, text).data
        except RetrievalError as error:
            raise self.error(f"self-check: :number: {text!r} is neither a number nor a glue key ({error})") from error
        return _number(str(data.get("text/plain", "")).strip("'\""))

    def run(self) -> list[nodes.Node]:
        if "self-check" not in self.options.get("class", []):
            given = sorted(set(self.options) & set(QUESTION_OPTIONS))
            if given:
                raise self.error(f"admonition: {', '.join(given)} need(s) the class self-check")
            admonition = Admonition(
                self.name,
                self.arguments,
                self.options,
                self.content,
                self.lineno,
                self.content_offset,
                self.block_text,
                self.state,
                self.state_machine,
            )
            return admonition.run()
        return self._question()

    def _question(self) -> list[nodes.Node]:
        serial = self.env.new_serialno("self-check")
        qid = f"self-check-{self.env.docname.replace('/', '-')}-{serial}"
        question = self_check(ids=[qid], classes=["self-check"])
        self.set_source_info(question)
        legend = self_check_part(role="legend")
        legend += self.state.inline_text(self.arguments[0], self.lineno)[0]
        question += legend
        body = nodes.container()
        self.state.nested_parse(self.content, self.content_offset, body)

        if "number" in self.options:
            return self._numeric(question, body)
        return self._choice(question, body, qid)

    def _numeric(self, question: self_check, body: nodes.container) -> list[nodes.Node]:
        answer = self._glued_or_literal(self.options["number"])
        tolerance_text = self.options.get("tolerance", "0")
        relative = tolerance_text.endswith("%")
        tolerance = _number(tolerance_text.rstrip("%"))
        question["kind"] = "number"
        question["answer"] = answer
        question["tolerance"] = abs(answer) * tolerance / 100 if relative else tolerance
        question += self_check_part(role="number")
        key = self_check_part(role="key")
        key += nodes.Text(answer_text(answer, question["tolerance"]))
        question += key
        explanation = self_check_part(role="explanation")
        explanation += body.children
        question += explanation
        question += self_check_part(role="feedback")
        return [question]

    def _choice(self, question: self_check, body: nodes.container, qid: str) -> list[nodes.Node]:
        lists = [child for child in body.children if isinstance(child, (nodes.bullet_list, nodes.enumerated_list))]
        if len(lists) != 1 or body.children[-1] is not lists[0]:
            raise self.error("self-check: end the question with one list of options (or give :number:)")
        items = list(lists[0].children)
        answer = self.options.get("answer")
        if answer is None or not 1 <= answer <= len(items):
            raise self.error(f"self-check: :answer: must name one of the {len(items)} options (1 = the first)")
        for extra in body.children[:-1]:
            question += extra
        question["kind"] = "choice"
        options = self_check_part(role="options")
        key = self_check_part(role="key")
        for position, item in enumerate(items, start=1):
            parts = list(item.children)
            if len(parts) < 2 or not isinstance(parts[0], nodes.paragraph):
                raise self.error(
                    f"self-check: option {position} needs its text, a blank line, then a one-line explanation"
                )
            option = self_check_part(role="option", correct=position == answer, inputid=f"{qid}-{position}", name=qid)
            label = self_check_part(role="label", inputid=f"{qid}-{position}")
            label += parts[0].children
            if position == answer:
                key += [child.deepcopy() for child in parts[0].children]
            option += label
            explanation = self_check_part(role="explanation")
            explanation += parts[1:]
            option += explanation
            options += option
        question += options
        question += self_check_part(role="actions")
        question += key
        question += self_check_part(role="feedback")
        return [question]


def answer_text(answer: float, tolerance: float) -> str:
    """The keyed number as a reader would type it: as many decimals as the tolerance makes count.

    >>> answer_text(0.62051, 0.002), answer_text(266.0, 0.5), answer_text(1.1, 0.0), answer_text(2199.0, 1.0)
    ('0.621', '266', '1.1', '2199')
    """
    if tolerance <= 0:
        return f"{answer:.6g}"
    decimals = max(0, math.ceil(-math.log10(tolerance)))
    text = f"{answer:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def visit_self_check(self: Any, node: self_check) -> None:
    data = {"data-kind": node["kind"]}
    if node["kind"] == "number":
        data["data-answer"] = json.dumps(node["answer"])
        data["data-tolerance"] = json.dumps(node["tolerance"])
    self.body.append(self.starttag(node, "fieldset", **data))


def depart_self_check(self: Any, node: self_check) -> None:
    self.body.append("</fieldset>\n")


#: role -> (opening HTML, closing HTML); ``{id}``/``{name}`` filled from the node.
_PARTS = {
    "legend": (
        '<legend class="self-check-question"><span class="self-check-badge">Check yourself</span> ',
        "</legend>",
    ),
    "options": ('<div class="self-check-options">', "</div>"),
    "option": (
        '<div class="self-check-option"><input type="radio" id="{id}" name="{name}" data-correct="{correct}">',
        "</div>",
    ),
    "label": ('<label for="{id}">', "</label>"),
    "explanation": ('<div class="self-check-explanation" hidden>', "</div>"),
    "number": (
        '<div class="self-check-number"><label>Your answer <input type="text" inputmode="decimal" '
        'autocomplete="off" size="10"></label> <button type="button" class="self-check-check">Check</button> '
        '<button type="button" class="self-check-reveal">Show answer</button></div>',
        "",
    ),
    "actions": (
        '<div class="self-check-actions"><button type="button" class="self-check-check">Check</button> '
        '<button type="button" class="self-check-reveal">Show answer</button></div>',
        "",
    ),
    "key": ('<p class="self-check-key" hidden><strong>Answer:</strong> ', "</p>"),
    "feedback": ('<p class="self-check-feedback" role="status" aria-live="polite"></p>', ""),
}


def visit_part(self: Any, node: self_check_part) -> None:
    opening, _ = _PARTS[node["role"]]
    self.body.append(
        opening.format(
            id=html.escape(node.get("inputid", "")),
            name=html.escape(node.get("name", "")),
            correct="true" if node.get("correct") else "false",
        )
    )
    if node["role"] in ("number", "actions", "feedback"):
        raise nodes.SkipNode


def depart_part(self: Any, node: self_check_part) -> None:
    self.body.append(_PARTS[node["role"]][1])


def _add_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: nodes.document | None) -> None:
    if doctree is not None and next(iter(doctree.findall(self_check)), None) is not None:
        app.add_js_file("self-check.js")
        app.add_css_file("self-check.css")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(self_check, html=(visit_self_check, depart_self_check))
    app.add_node(self_check_part, html=(visit_part, depart_part))
    app.add_directive("admonition", AdmonitionOrSelfCheck, override=True)
    app.connect("html-page-context", _add_assets)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
