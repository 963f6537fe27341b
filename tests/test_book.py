"""alexandra.glue: numbers glued for the prose, formatted by ``glued["key:spec"]``."""

from __future__ import annotations

import numpy as np
import pytest

from alexandra.errors import DataError
from alexandra.glue import Glued, glue_numbers, glued, plain


def test_numpy_scalars_become_plain_numbers() -> None:
    glued = {
        key: plain(key, value) for key, value in {"hr": np.float64(1.11), "events": np.int64(266), "flag": True}.items()
    }
    assert glued == {"hr": 1.11, "events": 266, "flag": 1}
    assert [type(value) for value in glued.values()] == [float, int, int]
    assert plain("text", "August 2023") == "August 2023"


def test_gluing_shows_nothing_in_the_cell() -> None:
    """The cell that glues ends without a raw dictionary for the reader (issue 21)."""
    assert glue_numbers(hr=1.11) is None


def test_glue_is_called_once_per_number_without_display(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, object, bool]] = []
    import myst_nb

    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: calls.append((key, value, display)))
    glue_numbers(a=1.5, b=np.float32(2.0))
    assert calls == [("a", 1.5, False), ("b", 2.0, False)]
    assert glued["a:.2f"] == "1.50" and glued["b"] == "2.0"


def test_prose_text_prints_without_quotes_and_a_new_value_replaces_the_old() -> None:
    numbers = Glued()
    numbers["events"] = np.int64(2199)
    assert repr(numbers["events:,"]) == "2,199"
    numbers["events"] = 2200  # an instructor changes a cell and runs it again
    assert numbers["events:,"] == "2,200"


def test_a_number_shown_before_it_is_glued_names_the_fix() -> None:
    with pytest.raises(KeyError, match="run the code cell that computes it"):
        Glued()["missing:.2f"]


def test_a_format_that_does_not_fit_names_the_expression() -> None:
    numbers = Glued()
    numbers["when"] = "May 2023"
    with pytest.raises(DataError, match=r'glued\["when:\.2f"\]'):
        numbers["when:.2f"]


@pytest.mark.parametrize("value", [[1, 2], None, np.array([1.0, 2.0]), {"x": 1}])
def test_anything_else_is_a_data_error_naming_the_key(value: object) -> None:
    with pytest.raises(DataError, match=r"glue\('bad', \.\.\.\)"):
        plain("bad", value)
