"""ALEXANDRA's pseudo-individual data: generated once, shipped as a table, read by every chapter.

:func:`alexandra.trial.alexandra_pseudo_ipd` calibrates a model to the
published aggregates and draws patients from it. The calibration fits
step-shaped targets (follow-up quartiles of drawn patients) and tunes the
hazard ratio by bisection, so the last-bit differences in floating point
between processors (numpy's AVX2 and AVX-512 code paths are not bit-identical)
can move a few patients and, with them, the fourth decimal of a P value. So
the book does not recompute it on every reader's machine: the data are made
once (``make data`` runs ``scripts/alexandra_pseudo_ipd.py``), committed in
``data/reconstructed/`` with the command that made them, and :func:`load_pseudo_ipd`
reads them back exactly (times are written with 17 significant digits, which
round-trip a float bit for bit). What readers see is then the same everywhere.

Regenerating on another machine gives *equivalent* data, not identical data:
:func:`regeneration_check` compares a fresh reconstruction with the committed
one on the quantities the book reports, each within a stated scientific
tolerance (:data:`REGENERATION_TOLERANCES`).

These are RECONSTRUCTED data, simulated from published aggregates: they are not
ALEXANDRA trial data.

>>> pseudo = load_pseudo_ipd()
>>> pseudo.data.groupby("arm").event.sum().to_dict()
{'atezolizumab': 141, 'chemotherapy': 125}
>>> pseudo.seed
2025
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from alexandra import survival
from alexandra.design import reported_followup
from alexandra.errors import DataError
from alexandra.published import ARMS, REFERENCE_ARM, find_data_dir
from alexandra.reconstruction._aggregates import SIMULATED_STRATA, PseudoIPD

__all__ = [
    "PSEUDO_IPD_FILES",
    "REGENERATION_TOLERANCES",
    "pseudo_ipd_path",
    "load_pseudo_ipd",
    "load_pseudo_ipd_parameters",
    "regeneration_check",
    "write_pseudo_ipd",
]

PSEUDO_IPD_FILES = {
    "data": "alexandra_pseudo_ipd.csv",
    "constraints": "alexandra_pseudo_ipd_constraints.csv",
    "parameters": "alexandra_pseudo_ipd_parameters.csv",
}
"""The three committed tables: patients, the constraints they were built to meet, the model behind them."""

REGENERATION_TOLERANCES: dict[str, float] = {
    "events": 0.0,
    "hazard_ratio": 0.001,
    "hazard_ratio_limit": 0.002,
    "stratified_hazard_ratio": 0.005,
    "logrank_p": 0.005,
    "followup_months": 0.25,
    "at_risk_share": 0.03,
    "km_gap": 0.01,
    "stratum_count": 0.0,
}
"""How far a fresh reconstruction may lie from the committed one (absolute differences).

Events are exact by construction, and so are the simulated stratum counts per
arm. The hazard ratio is forced by a bisection that stops within 0.0002 of the
target; 0.001 leaves room for the Cox-versus-Peto step. Its limits follow the
data's standard error (0.002). The log-rank P moves by about 0.0005 between
processors (0.3950 against 0.3955): 0.005 is ten times that and still below the
0.01 at which the book would print a different two-decimal P. Follow-up
quartiles are calibrated to within half a month; 0.25 months is half of that.
Numbers at risk may differ by 3% (the calibration's own scale). Kaplan–Meier
curves of each arm, read at every month up to 48 (where the published figure
stops; past it a few patients make large steps), may differ by 0.01. Analyses
stratified by the SIMULATED strata get 0.005 on the hazard ratio: the strata
are dealt to patients in time order, so two patients whose times swap also
swap labels.
"""


def pseudo_ipd_path() -> Path:
    """Where the committed patient table lives: ``data/reconstructed/alexandra_pseudo_ipd.csv``."""
    return find_data_dir() / "reconstructed" / PSEUDO_IPD_FILES["data"]


def _sibling(path: Path, table: str) -> Path:
    return (
        path.with_name(PSEUDO_IPD_FILES[table])
        if path.name == PSEUDO_IPD_FILES["data"]
        else path.with_name(f"{path.stem}_{table}.csv")
    )


def write_pseudo_ipd(pseudo: PseudoIPD, path: str | os.PathLike[str], command: str) -> list[Path]:
    """Write the patients, constraints and parameters of ``pseudo`` next to each other.

    Each file starts with ``# made by: {command}``. Floats are written with 17
    significant digits, so that :func:`load_pseudo_ipd` gives back the same numbers bit
    for bit; the constraints and parameters tables hold 17 too.

    Returns
    -------
    list of Path
        The three files written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for table, frame in (("data", pseudo.data), ("constraints", pseudo.constraints), ("parameters", pseudo.parameters)):
        target = path if table == "data" else _sibling(path, table)
        csv = frame.to_csv(index=False, float_format="%.17g", lineterminator="\n")
        target.write_text(f"# made by: {command}\n{csv}", encoding="utf-8")
        written.append(target)
    return written


def _read(path: Path, columns: tuple[str, ...], as_text: bool = False) -> pd.DataFrame:
    if not path.is_file():
        raise DataError(f"{path}: file not found (make data writes it: python scripts/alexandra_pseudo_ipd.py)")
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    if not first.startswith("# made by: "):
        raise DataError(f"{path}, line 1: expected '# made by: <command>', found {first[:60]!r}")
    # Stratum labels such as "0" are text, not numbers; patients are checked as the file spells them.
    # round_trip: pandas' default float parser can miss the last bit of a 17-digit number.
    dtype = str if as_text else dict.fromkeys(SIMULATED_STRATA, str)
    frame = pd.read_csv(path, comment="#", dtype=dtype, float_precision="round_trip")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise DataError(f"{path}: missing column {missing[0]!r} (columns: {', '.join(frame.columns)})")
    return frame


def _as_float(text: str) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):
        return math.nan


def _checked_patients(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Patients with times ≥ 0, events 0/1 and known arms; the error names the file, row and field."""

    def refuse(bad: npt.NDArray[np.bool_], field: str, why: str) -> None:
        if bad.any():
            row = int(np.argmax(bad))
            # Rows as a reader counts them: line 1 of the file is the comment, line 2 the header.
            raise DataError(f"{path}, row {row + 1} (line {row + 3}), field {field}: '{frame[field].iloc[row]}' {why}")

    time = frame.time.map(_as_float).to_numpy()  # Python's float() reads a 17-digit number back bit for bit
    refuse(~np.isfinite(time) | (time < 0), "time", "is not a time in months ≥ 0")
    contact = frame.last_contact.map(_as_float).to_numpy()
    refuse(~np.isfinite(contact) | (contact < time), "last_contact", "is not a time in months ≥ the row's time")
    refuse(~frame.event.isin(["0", "1"]).to_numpy(), "event", "is not 0 (censored) or 1 (event)")
    refuse(~frame.arm.isin(ARMS).to_numpy(), "arm", f"is not one of {', '.join(ARMS)}")
    data = frame.assign(time=time, event=frame.event.astype(np.int64), last_contact=contact)
    for column, shares in SIMULATED_STRATA.items():
        if column in data:
            refuse(~data[column].isin(list(shares)).to_numpy(), column, f"is not one of {', '.join(shares)}")
            data[column] = pd.Categorical(data[column], categories=list(shares))
    return data


def load_pseudo_ipd_parameters(path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """The committed model behind the pseudo-data: ``parameter``, ``value``, ``unit``, ``how``.

    ``path`` is the patient table, as for :func:`load_pseudo_ipd`; the parameters sit beside it.

    >>> load_pseudo_ipd_parameters().set_index("parameter").loc["seed", "value"]
    np.float64(2025.0)
    """
    path = Path(path) if path is not None else pseudo_ipd_path()
    parameters = _read(_sibling(path, "parameters"), ("parameter", "value", "unit", "how"))
    parameters["unit"] = parameters.unit.fillna("")  # the seed has no unit
    return parameters


def load_pseudo_ipd(path: str | os.PathLike[str] | None = None) -> PseudoIPD:
    """Read the committed pseudo-individual data (default: :func:`pseudo_ipd_path`).

    Returns
    -------
    PseudoIPD
        As :func:`alexandra.trial.alexandra_pseudo_ipd` returned it when
        it was made, bit for bit.

    Raises
    ------
    DataError
        A missing file or column, or a row with a bad time, event, arm or
        stratum (the message names the file, row and field).
    """
    path = Path(path) if path is not None else pseudo_ipd_path()
    data = _checked_patients(_read(path, ("time", "event", "arm", "last_contact"), as_text=True), path)
    constraints = _read(_sibling(path, "constraints"), ("constraint", "target", "achieved", "difference", "role"))
    parameters = load_pseudo_ipd_parameters(path)
    seed_rows = parameters.loc[parameters.parameter == "seed", "value"]
    if len(seed_rows) != 1:
        raise DataError(f"{_sibling(path, 'parameters')}: expected one row 'seed', found {len(seed_rows)}")
    simulated = tuple(column for column in SIMULATED_STRATA if column in data)
    return PseudoIPD(
        data=data,
        constraints=constraints,
        parameters=parameters,
        simulated_columns=simulated,
        seed=int(seed_rows.iloc[0]),
    )


def _summary(pseudo: PseudoIPD) -> dict[str, tuple[float, str]]:
    """What the book reports of the pseudo-data, each with the kind of tolerance it gets."""
    data = pseudo.data
    comparison = survival.compare_arms(data, reference=REFERENCE_ARM)
    cox, logrank = comparison.hazard_ratio, comparison.logrank
    rows: dict[str, tuple[float, str]] = {
        "hazard ratio": (cox.hr, "hazard_ratio"),
        "hazard ratio, lower 95% limit": (cox.lower, "hazard_ratio_limit"),
        "hazard ratio, upper 95% limit": (cox.upper, "hazard_ratio_limit"),
        "log-rank P": (logrank.p_value, "logrank_p"),
        "at risk at 48 months, both arms": (
            float(survival.number_at_risk(data.time, data.event, [48.0])[0]),
            "at_risk_share",
        ),
    }
    for arm, patients in data.groupby("arm", observed=True):
        rows[f"events, {arm}"] = (float(patients.event.sum()), "events")
        followup = reported_followup(patients)  # to the last contact: assessments would make it jump
        for name, value in (("median", followup.median), ("Q1", followup.q1), ("Q3", followup.q3)):
            rows[f"follow-up {name} (months), {arm}"] = (value, "followup_months")
        for column in pseudo.simulated_columns:
            for level, count in patients[column].value_counts(sort=False).items():
                rows[f"{column} = {level}, {arm}"] = (float(count), "stratum_count")
    return rows


KM_MONTHS = np.arange(1.0, 49.0)
"""Where the curves are compared: every month up to 48, where the published Kaplan–Meier figure stops."""


def _largest_km_gap(committed: pd.DataFrame, fresh: pd.DataFrame, arm: str) -> float:
    """The largest difference between the two Kaplan–Meier curves of one arm, read at every month to 48."""
    return survival.km_gap(committed[committed.arm == arm], fresh[fresh.arm == arm], at=KM_MONTHS).largest


def regeneration_check(committed: PseudoIPD, fresh: PseudoIPD) -> pd.DataFrame:
    """Compare a fresh reconstruction with the committed one, quantity by quantity.

    Returns
    -------
    pandas.DataFrame
        ``quantity``, ``committed``, ``fresh``, ``difference`` (fresh − committed,
        or the largest curve gap), ``tolerance`` and ``within_tolerance``.

    Examples
    --------
    >>> committed = load_pseudo_ipd()
    >>> check = regeneration_check(committed, committed)
    >>> bool(check.within_tolerance.all()), float(check.difference.abs().max())
    (True, 0.0)
    """
    before, after = _summary(committed), _summary(fresh)
    rows = []
    for quantity, (value, kind) in before.items():
        other = after.get(quantity, (math.nan, kind))[0]
        tolerance = REGENERATION_TOLERANCES[kind] * (value if kind == "at_risk_share" else 1.0)
        rows.append((quantity, value, other, other - value, tolerance))
    for arm in sorted(set(committed.data.arm)):
        gap = _largest_km_gap(committed.data, fresh.data, arm)
        rows.append((f"largest Kaplan–Meier gap, {arm}", 0.0, gap, gap, REGENERATION_TOLERANCES["km_gap"]))
    table = pd.DataFrame(rows, columns=["quantity", "committed", "fresh", "difference", "tolerance"])
    # 1e-9: slack for a difference that sits exactly on its tolerance in binary.
    table["within_tolerance"] = table.difference.abs() <= table.tolerance + 1e-9
    return table
