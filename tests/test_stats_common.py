"""Tests of alexandra.stats_common: the one normal quantile of the book's intervals."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from scipy import stats

from alexandra.errors import DataError
from alexandra.stats_common import Z_95, z_for

ROOT = Path(__file__).resolve().parents[1]
#: Ways of writing the 95% quantile by hand that the package and the chapters must not use.
HAND_MADE = re.compile(r"(?<![\d.])1\.96(?!\d)|norm\.ppf\(0\.975\)|norm\.isf\(0\.025\)|inv_cdf\(0\.975\)")


def test_z_95_is_r_qnorm() -> None:
    # R: sprintf("%.17g", qnorm(0.975)) gives 1.9599639845400540.
    assert Z_95 == 1.959963984540054
    assert z_for(0.99) == pytest.approx(2.5758293035489004, rel=1e-15)
    for level in (0.5, 0.8, 0.9, 0.95, 0.999):
        z = z_for(level)
        assert stats.norm.cdf(z) - stats.norm.cdf(-z) == pytest.approx(level, rel=1e-12)


@pytest.mark.parametrize("level", [0, 1, 95, -0.5, float("nan"), "0.95"])
def test_a_level_outside_0_1_names_the_caller(level: object) -> None:
    with pytest.raises(DataError, match=r"^kaplan_meier\(level="):
        z_for(level, "kaplan_meier")  # type: ignore[arg-type]


def _code_without_docstrings(path: Path) -> str:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
        ):
            body[0].value.value = ""
    return ast.unparse(tree)


def test_no_hand_made_1_96_in_the_package_or_the_chapters() -> None:
    """Every 95% interval uses Z_95 (or z_for): one constant, not a literal here and there."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "src" / "alexandra").glob("*.py"))
        if HAND_MADE.search(_code_without_docstrings(path))
    ]
    notebooks = sorted((ROOT / "book").glob("*.ipynb")) + sorted((ROOT / "book" / "appendix").glob("*.ipynb"))
    assert notebooks
    for notebook in notebooks:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            code = "".join(cell["source"]) if cell["cell_type"] == "code" else ""
            # Comments may say "1.96" to the reader; the code may not compute with it.
            if HAND_MADE.search("\n".join(line.split("#")[0] for line in code.splitlines())):
                offenders.append(f"{notebook.relative_to(ROOT)}: {code.splitlines()[0]}")
    assert offenders == []
