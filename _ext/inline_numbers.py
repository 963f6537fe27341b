"""Keep each inline expression's result in its markdown cell, where JupyterLab looks for it.

The chapters show computed numbers in their prose with ``{eval}`glued["key:spec"]```
(see ``alexandra.glue``). The build executes each chapter inline and myst-nb
evaluates every expression in the kernel as it renders the page. This extension
also records what each expression returned and writes it into the markdown cell's
``user_expressions`` metadata of the executed notebook (``_build/jupyter_execute``),
in the form jupyterlab-myst stores after running a cell. ``make nb`` copies it
into the committed notebook, so that an instructor who opens a chapter in
JupyterLab reads numbers, not expressions, before running anything; running the
chapter evaluates them again from the kernel.

Before a markdown cell is rendered, every cell above it is executed: myst-nb's
inline client otherwise runs cells only when it renders a code cell, so a hidden
(``remove-cell``) cell would not have run when the prose after it is evaluated.
It also clears the committed outputs before the chapter runs: myst-nb's inline
client reads the glue data of the outputs it is given and would report every key
glued again by the run as a duplicate (an error with ``-W``).

Last, myst-nb merges a cell's stream outputs for the page by appending the later ones'
text to the first output *in place*, so the executed notebook it writes would hold the
first output with every line and the later outputs again: a printed line duplicated
whenever the kernel happened to send a cell's prints as several messages (it does
under load). The merge is given a copy.

myst-nb has no hook for these: the inline client's ``start_client``,
``eval_variable`` and ``finalise_client``, the renderer's
``render_nb_cell_markdown`` and its ``coalesce_streams`` are wrapped (myst-nb is pinned in requirements.txt).
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict, deque
from typing import Any

from sphinx.application import Sphinx

EVAL_ROLE = re.compile(r"\{eval\}`([^`]+)`")


def attach_results(notebook: Any, results: list[tuple[str, list[dict[str, Any]]]]) -> None:
    """Give each markdown cell the results of its ``{eval}`` expressions, in document order.

    >>> cell = {"cell_type": "markdown", "source": "HR {eval}`x`.", "metadata": {}}
    >>> attach_results({"cells": [cell]}, [("x", [{"data": {"text/plain": "1.11"}, "metadata": {}}])])
    >>> cell["metadata"]["user_expressions"][0]["result"]["data"]
    {'text/plain': '1.11'}
    """
    pending: dict[str, deque[list[dict[str, Any]]]] = defaultdict(deque)
    for expression, outputs in results:
        pending[expression].append(outputs)
    for cell in notebook["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        expressions = EVAL_ROLE.findall(cell["source"])
        stored = []
        for expression in expressions:
            if not pending[expression]:
                continue  # not rendered (inside a removed cell or a failed build)
            outputs = pending[expression].popleft()
            result = next((o for o in outputs if o.get("output_type") == "execute_result"), outputs[-1])
            stored.append(
                {
                    "expression": expression,
                    "result": {
                        "status": "ok",
                        "data": dict(result.get("data", {})),
                        "metadata": dict(result.get("metadata", {})),
                    },
                }
            )
        if stored:
            cell["metadata"]["user_expressions"] = stored
        else:
            cell["metadata"].pop("user_expressions", None)


def setup(app: Sphinx) -> dict[str, Any]:
    from myst_nb.core import render
    from myst_nb.core.execute.inline import NotebookClientInline
    from myst_nb.core.render import MditRenderMixin

    start, evaluate, finalise = (
        NotebookClientInline.start_client,
        NotebookClientInline.eval_variable,
        NotebookClientInline.finalise_client,
    )

    def start_client(self: Any) -> None:
        for cell in self.notebook.cells:
            if cell.cell_type == "code":
                cell.outputs = []
        start(self)

    def eval_variable(self: Any, name: str) -> Any:
        outputs = evaluate(self, name)
        self.__dict__.setdefault("_inline_results", []).append((name, outputs))
        return outputs

    def finalise_client(self: Any) -> None:
        attach_results(self.notebook, self.__dict__.get("_inline_results", []))
        finalise(self)

    render_markdown = MditRenderMixin.render_nb_cell_markdown

    def render_nb_cell_markdown(self: Any, token: Any) -> None:
        if isinstance(self.nb_client, NotebookClientInline):
            self.nb_client.code_cell_outputs(token.meta["index"])  # runs every cell above this one
        render_markdown(self, token)

    MditRenderMixin.render_nb_cell_markdown = render_nb_cell_markdown
    merge = render.coalesce_streams
    render.coalesce_streams = lambda outputs: merge(copy.deepcopy(outputs))
    NotebookClientInline.start_client = start_client
    NotebookClientInline.eval_variable = eval_variable
    NotebookClientInline.finalise_client = finalise_client
    return {"parallel_read_safe": True, "parallel_write_safe": True}
