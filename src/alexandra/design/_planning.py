"""Designing ALEXANDRA: how many events, how to randomise, when to stop.

Three ideas of the trial's design, each small enough to compute in a notebook:

* **Schoenfeld's formula** (:func:`schoenfeld_events`, :func:`detectable_hazard_ratio`):
  how many events a log-rank test needs to detect a hazard ratio, and back.
* **Stratified permuted-block randomisation** (:func:`randomise`,
  :func:`simulate_balance`): the balance between arms it buys over simple
  randomisation.
* **The interim futility rule** (:func:`futility_stop_probability`,
  :func:`alexandra.trial.alexandra_interim_events`): the chance that an observed hazard ratio above 1
  stops the trial, for a given true hazard ratio, at ALEXANDRA's interim analysis.

When the events come, in calendar time, and the simulated trials that check the
futility rule's chance, are in the trial model of the same package (:class:`Accrual`,
:class:`TrialModel`, :func:`events_by_month`, :func:`simulate_interim`,
:func:`interim_snapshot`).

Everything here is a model of the design, not trial data: the counts per
stratum of ALEXANDRA are not in the abstract and figure legends this book uses.

>>> round(detectable_hazard_ratio(390), 2), round(detectable_hazard_ratio(390, power=0.9), 2)
(0.75, 0.72)
>>> round(futility_stop_probability(hazard_ratio=1.0, events=242), 2)
0.5
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from itertools import product

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

from alexandra import checks
from alexandra.design._trial_model import BOOK_SEED, Seed
from alexandra.errors import DataError
from alexandra.published import ARMS

__all__ = [
    "ASSUMED_STRATUM_SHARES",
    "RANDOMISATION_METHODS",
    "STRATIFICATION_FACTORS",
    "arm_differences",
    "detectable_hazard_ratio",
    "futility_stop_probability",
    "randomise",
    "schoenfeld_events",
    "simulate_balance",
    "simulate_strata",
    "stratum_names",
]


# --- Schoenfeld's formula -----------------------------------------------------------------


def _z_total(where: str, alpha: float, power: float) -> float:
    """z of the two-sided test plus z of the power: the distance, in standard errors, to detect."""
    alpha = checks.probability(where, "alpha", alpha)
    power = checks.probability(where, "power", power)
    if power <= alpha / 2:
        raise DataError(f"{where}(power={power!r}): power must exceed alpha/2 = {alpha / 2:g}")
    return float(stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power))


def schoenfeld_events(hazard_ratio: float, alpha: float = 0.05, power: float = 0.8, allocation: float = 0.5) -> float:
    """Events a log-rank test needs to detect ``hazard_ratio`` (Schoenfeld 1983).

    .. math:: D = \\frac{(z_{1-\\alpha/2} + z_{\\text{power}})^2}{p(1-p)\\,(\\ln \\mathrm{HR})^2}

    Parameters
    ----------
    hazard_ratio
        The true hazard ratio the trial should detect (any positive value but 1;
        a benefit of 0.75 and a harm of 1/0.75 need the same events).
    alpha
        Two-sided significance level.
    power
        Probability of a significant result when ``hazard_ratio`` is true.
    allocation
        Share of patients randomised to the experimental arm (0.5 for 1:1).

    Returns
    -------
    float
        The number of events, not rounded: a protocol rounds it up.

    Raises
    ------
    DataError
        For a hazard ratio that is not positive or equals 1, or an alpha, power or
        allocation outside (0, 1).

    Examples
    --------
    >>> math.ceil(schoenfeld_events(0.75))
    380
    >>> math.ceil(schoenfeld_events(0.75, power=0.9))
    508
    >>> schoenfeld_events(1.0)
    Traceback (most recent call last):
    ...
    alexandra.errors.DataError: schoenfeld_events(hazard_ratio=1.0): a hazard ratio of 1 (no difference) cannot be detected with any number of events
    """
    where = "schoenfeld_events"
    hazard_ratio = checks.positive(where, "hazard_ratio", hazard_ratio)
    if hazard_ratio == 1:
        raise DataError(
            f"{where}(hazard_ratio={hazard_ratio!r}): a hazard ratio of 1 (no difference) "
            "cannot be detected with any number of events"
        )
    z = _z_total(where, alpha, power)
    allocation = checks.probability(where, "allocation", allocation)
    return z**2 / (allocation * (1 - allocation) * math.log(hazard_ratio) ** 2)


def detectable_hazard_ratio(events: float, alpha: float = 0.05, power: float = 0.8, allocation: float = 0.5) -> float:
    """The benefit (hazard ratio below 1) that ``events`` events detect: Schoenfeld's formula inverted.

    .. math:: \\mathrm{HR} = \\exp\\!\\left(-\\frac{z_{1-\\alpha/2} + z_{\\text{power}}}{\\sqrt{p(1-p)\\,D}}\\right)

    The same events detect a harm of ``1 / detectable_hazard_ratio(events)``.
    Parameters are those of :func:`schoenfeld_events`, with ``events`` (> 0)
    in place of the hazard ratio.

    Examples
    --------
    >>> round(detectable_hazard_ratio(390), 3)
    0.753
    >>> round(detectable_hazard_ratio(schoenfeld_events(0.8)), 6)
    0.8
    >>> detectable_hazard_ratio(0)
    Traceback (most recent call last):
    ...
    alexandra.errors.DataError: detectable_hazard_ratio(events=0): events must be a number greater than 0
    """
    where = "detectable_hazard_ratio"
    events = checks.positive(where, "events", events)
    z = _z_total(where, alpha, power)
    allocation = checks.probability(where, "allocation", allocation)
    return math.exp(-z / math.sqrt(allocation * (1 - allocation) * events))


# --- Stratified randomisation -------------------------------------------------------------

STRATIFICATION_FACTORS: dict[str, tuple[str, ...]] = {
    "surgery": ("breast-conserving surgery", "mastectomy"),
    "nodal status": ("node-negative", "1–3 nodes", "≥4 nodes"),
    "PD-L1": ("PD-L1 IC 0", "PD-L1 IC ≥1%"),
}
"""ALEXANDRA's stratification factors and their levels.

Secondary: the JAMA paper names the three factors; their levels come from the
SABCS 2023 abstract GS01-03 (``ignatiadis2023sabcs``).
"""

ASSUMED_STRATUM_SHARES: dict[str, tuple[float, ...]] = {
    "surgery": (0.6, 0.4),
    "nodal status": (0.5, 0.35, 0.15),
    "PD-L1": (0.55, 0.45),
}
"""Shares of patients at each level of :data:`STRATIFICATION_FACTORS`: **our guesses**.

The baseline table and the counts per stratum are not in the abstract and figure
legends this book uses. These shares
only make some strata small, as in any real trial; the factors are drawn
independently of each other.
"""

RANDOMISATION_METHODS = ("permuted_block", "simple")
"""``permuted_block``: within each stratum, blocks with equal numbers of both arms in a
random order. ``simple``: a fair coin for every patient, whatever the stratum."""


def stratum_names(factors: Mapping[str, Sequence[str]] = STRATIFICATION_FACTORS) -> list[str]:
    """Every combination of the factors' levels, the first factor varying slowest.

    >>> names = stratum_names()
    >>> len(names), names[0]
    (12, 'breast-conserving surgery / node-negative / PD-L1 IC 0')
    """
    return [" / ".join(levels) for levels in product(*factors.values())]


def _stratum_codes(
    n_patients: int, shares: Mapping[str, npt.NDArray[np.float64]], rng: np.random.Generator
) -> npt.NDArray[np.intp]:
    """Stratum number (index into :func:`stratum_names`) of each patient, factors independent."""
    levels = [rng.choice(len(share), size=n_patients, p=share) for share in shares.values()]
    return np.ravel_multi_index(levels, [len(share) for share in shares.values()])


def _checked_shares(where: str, shares: Mapping[str, Sequence[float]]) -> dict[str, npt.NDArray[np.float64]]:
    if list(shares) != list(STRATIFICATION_FACTORS):
        raise DataError(
            f"{where}(shares=...): the factors are {list(shares)}, expected {list(STRATIFICATION_FACTORS)} in that order"
        )
    checked = {}
    for factor, share in shares.items():
        levels = STRATIFICATION_FACTORS[factor]
        values = np.array([checks.number(where, f"shares[{factor!r}]", value) for value in share])
        if len(values) != len(levels) or (values < 0).any() or not math.isclose(values.sum(), 1, abs_tol=1e-9):
            raise DataError(
                f"{where}(shares[{factor!r}]={tuple(share)!r}): give {len(levels)} non-negative shares "
                f"summing to 1, one for each of {levels}"
            )
        checked[factor] = values
    return checked


def simulate_strata(
    n_patients: int, shares: Mapping[str, Sequence[float]] = ASSUMED_STRATUM_SHARES, seed: Seed = BOOK_SEED
) -> npt.NDArray[np.str_]:
    """The stratum of each of ``n_patients`` simulated patients, in order of enrolment.

    Each factor's level is drawn from ``shares`` (by default the guesses of
    :data:`ASSUMED_STRATUM_SHARES`), independently of the other factors.

    >>> strata = simulate_strata(5, seed=1)
    >>> len(strata), set(strata) <= set(stratum_names())
    (5, True)
    """
    where = "simulate_strata"
    n_patients = checks.whole(where, "n_patients", n_patients, minimum=1)
    codes = _stratum_codes(n_patients, _checked_shares(where, shares), np.random.default_rng(seed))
    return np.array(stratum_names())[codes]


def _assign_atezolizumab(
    codes: npt.NDArray[np.intp], n_strata: int, method: str, block_size: int, rng: np.random.Generator
) -> npt.NDArray[np.bool_]:
    """True for patients randomised to atezolizumab, given each patient's stratum number."""
    if method == "simple":
        return rng.random(codes.size) < 0.5
    assigned = np.empty(codes.size, dtype=bool)
    for stratum in range(n_strata):
        patients = np.flatnonzero(codes == stratum)
        n_blocks = -(-patients.size // block_size)
        # A random permutation of each block: the half of its slots with the lowest
        # random ranks go to atezolizumab, so every complete block is balanced.
        blocks = rng.random((n_blocks, block_size)).argsort(axis=1) < block_size // 2
        assigned[patients] = blocks.ravel()[: patients.size]
    return assigned


def _checked_method(where: str, method: str, block_size: int) -> int:
    if method not in RANDOMISATION_METHODS:
        raise DataError(f"{where}(method={method!r}): method must be one of {', '.join(RANDOMISATION_METHODS)}")
    block_size = checks.whole(where, "block_size", block_size, minimum=1)
    if block_size % 2:
        raise DataError(
            f"{where}(block_size={block_size!r}): a 1:1 block needs an even size, so that it holds as many "
            "patients of each arm"
        )
    return block_size


def randomise(
    strata: Sequence[Hashable], method: str = "permuted_block", block_size: int = 4, seed: Seed = BOOK_SEED
) -> npt.NDArray[np.str_]:
    """Randomise patients 1:1, in order of enrolment, to ``"atezolizumab"`` or ``"chemotherapy"``.

    Parameters
    ----------
    strata
        The stratum of each patient, in the order they are randomised (any
        hashable labels, e.g. from :func:`simulate_strata`).
    method
        ``"permuted_block"``: blocks of ``block_size`` patients within each stratum,
        half to each arm in a random order; ``"simple"``: a fair coin per patient.
    block_size
        An even number; ignored by simple randomisation.
    seed
        Seed or generator for reproducible draws.

    Returns
    -------
    numpy.ndarray
        The arm of each patient.

    Examples
    --------
    >>> arms = randomise(["a"] * 8, block_size=4, seed=3)
    >>> (arms[:4] == "atezolizumab").sum(), (arms[4:] == "atezolizumab").sum()
    (np.int64(2), np.int64(2))
    >>> randomise(["a", "b"], method="minimisation")
    Traceback (most recent call last):
    ...
    alexandra.errors.DataError: randomise(method='minimisation'): method must be one of permuted_block, simple
    """
    where = "randomise"
    block_size = _checked_method(where, method, block_size)
    labels = pd.Series(list(strata), dtype=object)
    if labels.empty:
        raise DataError(f"{where}(strata=[]): there are no patients to randomise")
    if labels.isna().any():
        raise DataError(f"{where}(strata): patient {int(labels.isna().idxmax())} (0-based) has no stratum")
    codes, uniques = pd.factorize(labels)
    assigned = _assign_atezolizumab(codes, len(uniques), method, block_size, np.random.default_rng(seed))
    return np.where(assigned, ARMS[0], ARMS[1])


def arm_differences(strata: Sequence[Hashable], arms: Sequence[str]) -> pd.DataFrame:
    """Patients per arm in each stratum, and the difference atezolizumab − chemotherapy.

    >>> table = arm_differences(["a", "a", "b"], ["atezolizumab", "chemotherapy", "atezolizumab"])
    >>> list(table.columns), table.loc["a"].tolist(), table.loc["b"].tolist()
    (['atezolizumab', 'chemotherapy', 'difference'], [1, 1, 0], [1, 0, 1])
    """
    where = "arm_differences"
    table = pd.DataFrame({"stratum": list(strata)})
    arm_list = list(arms)
    if len(arm_list) != len(table):
        raise DataError(f"{where}: {len(table)} strata but {len(arm_list)} arms; give one of each per patient")
    table["arm"] = arm_list
    unknown = table.index[~table["arm"].isin(ARMS)]
    if len(unknown):
        first = unknown[0]
        raise DataError(
            f"{where}(arms): patient {first} (0-based) has arm {table['arm'][first]!r}; arms are {', '.join(ARMS)}"
        )
    counts = pd.crosstab(table["stratum"], pd.Categorical(table["arm"], categories=ARMS)).reindex(
        columns=list(ARMS), fill_value=0
    )
    counts.columns.name = None
    counts["difference"] = counts[ARMS[0]] - counts[ARMS[1]]
    return counts


def simulate_balance(
    n_patients: int,
    n_trials: int = 1000,
    block_size: int = 4,
    shares: Mapping[str, Sequence[float]] = ASSUMED_STRATUM_SHARES,
    seed: Seed = BOOK_SEED,
) -> pd.DataFrame:
    """How unequal the arms end up, over many simulated trials, with each method.

    Each trial draws the strata of ``n_patients`` patients (see
    :func:`simulate_strata`) and randomises the same patients both ways.

    Returns
    -------
    pandas.DataFrame
        One row per trial and method: ``trial``, ``method``,
        ``overall_imbalance`` (absolute difference between the arms' sizes) and
        ``largest_stratum_imbalance`` (the largest absolute difference within a stratum).

    Examples
    --------
    >>> balance = simulate_balance(500, n_trials=200, seed=7)
    >>> balance.groupby("method")["largest_stratum_imbalance"].max()["permuted_block"]
    np.int64(2)
    """
    where = "simulate_balance"
    n_patients = checks.whole(where, "n_patients", n_patients, minimum=1)
    n_trials = checks.whole(where, "n_trials", n_trials, minimum=1)
    block_size = _checked_method(where, "permuted_block", block_size)
    checked = _checked_shares(where, shares)
    n_strata = math.prod(len(share) for share in checked.values())
    rng = np.random.default_rng(seed)
    rows = []
    for trial in range(n_trials):
        codes = _stratum_codes(n_patients, checked, rng)
        for method in RANDOMISATION_METHODS:
            assigned = _assign_atezolizumab(codes, n_strata, method, block_size, rng)
            difference = np.bincount(codes, weights=np.where(assigned, 1, -1), minlength=n_strata)
            rows.append((trial, method, abs(int(difference.sum())), int(np.abs(difference).max())))
    return pd.DataFrame(rows, columns=["trial", "method", "overall_imbalance", "largest_stratum_imbalance"])


# --- The interim futility rule ------------------------------------------------------------


def futility_stop_probability(
    hazard_ratio: float, events: float, boundary_hr: float = 1.0, allocation: float = 0.5
) -> float:
    """Chance that the observed hazard ratio exceeds ``boundary_hr`` at an analysis with ``events`` events.

    The estimated log hazard ratio is about normal, with mean
    :math:`\\ln \\mathrm{HR}` and variance :math:`1 / (p(1-p) D)` (:math:`4/D`
    for 1:1), so :math:`P(\\widehat{\\mathrm{HR}} > b) =
    \\Phi\\big((\\ln \\mathrm{HR} - \\ln b)\\sqrt{p(1-p) D}\\big)`.

    >>> round(futility_stop_probability(0.9, 242), 3)
    0.206
    >>> round(futility_stop_probability(0.75, 242), 4)
    0.0126
    """
    where = "futility_stop_probability"
    hazard_ratio = checks.positive(where, "hazard_ratio", hazard_ratio)
    events = checks.positive(where, "events", events)
    boundary_hr = checks.positive(where, "boundary_hr", boundary_hr)
    allocation = checks.probability(where, "allocation", allocation)
    standard_error = 1 / math.sqrt(allocation * (1 - allocation) * events)
    return float(stats.norm.cdf((math.log(hazard_ratio) - math.log(boundary_hr)) / standard_error))
