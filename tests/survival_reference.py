"""What the survival tests share: R's reference numbers and the data sets they come from.

tests/r/reference.R writes tests/r/reference.json from the data sets in tests/r/fixtures/;
tests/test_survival_curves.py and tests/test_two_arms.py compare alexandra's numbers with it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

R_DIR = Path(__file__).parent / "r"
REFERENCE = json.loads((R_DIR / "reference.json").read_text())
FIXTURES = sorted(REFERENCE["fixtures"])
ARMS = [(name, arm) for name in FIXTURES for arm in REFERENCE["fixtures"][name]["kaplan_meier"]]


def fixture(name: str) -> pd.DataFrame:
    return pd.read_csv(R_DIR / "fixtures" / f"{name}.csv")


#: A small data set for the bad-input tests.
TIME = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
EVENT = [1, 0, 1, 1, 0, 1]
GROUP = ["a", "a", "a", "b", "b", "b"]
