"""alexandra.glue: the glue helper turns numpy scalars into plain numbers and rejects the rest."""

from __future__ import annotations

import numpy as np
import pytest

from alexandra.errors import DataError
from alexandra.glue import glue_numbers, plain


def test_numpy_scalars_become_plain_numbers() -> None:
    glued = glue_numbers(hr=np.float64(1.11), events=np.int64(266), flag=True, text="August 2023")
    assert glued == {"hr": 1.11, "events": 266, "flag": 1, "text": "August 2023"}
    assert [type(value) for value in glued.values()] == [float, int, int, str]


def test_glue_is_called_once_per_number_without_display(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, object, bool]] = []
    import myst_nb

    monkeypatch.setattr(myst_nb, "glue", lambda key, value, display=True: calls.append((key, value, display)))
    glue_numbers(a=1.5, b=np.float32(2.0))
    assert calls == [("a", 1.5, False), ("b", 2.0, False)]


@pytest.mark.parametrize("value", [[1, 2], None, np.array([1.0, 2.0]), {"x": 1}])
def test_anything_else_is_a_data_error_naming_the_key(value: object) -> None:
    with pytest.raises(DataError, match=r"glue_numbers\(bad=\.\.\.\)"):
        plain("bad", value)
