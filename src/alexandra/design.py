"""Designing ALEXANDRA: how many events, how to randomise, when events come, when to stop.

Four ideas of the trial's design, each small enough to compute in a notebook:

* **Schoenfeld's formula** (:func:`schoenfeld_events`, :func:`detectable_hazard_ratio`):
  how many events a log-rank test needs to detect a hazard ratio, and back.
* **Stratified permuted-block randomisation** (:func:`randomise`,
  :func:`simulate_balance`): the balance between arms it buys over simple
  randomisation.
* **Accrual and events in calendar time** (:class:`Accrual`, :class:`TrialModel`):
  patients enrolled slowly at first, events drawn from an assumed survival curve,
  and the date by which a number of events is expected.
* **The interim futility rule** (:func:`futility_stop_probability`,
  :func:`simulate_interim`): the chance that an observed hazard ratio above 1
  stops the trial, for a given true hazard ratio.

Everything here is a model of the design, not trial data: the counts per
stratum, the accrual curve and the event times of ALEXANDRA are not in the abstract and
figure legends this book uses.

>>> round(detectable_hazard_ratio(390), 2), round(detectable_hazard_ratio(390, power=0.9), 2)
(0.75, 0.72)
>>> round(futility_stop_probability(hazard_ratio=1.0, events=242), 2)
0.5
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from itertools import product

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize, stats

from alexandra import checks, published
from alexandra.errors import DataError
from alexandra.published import ARMS, DAYS_PER_MONTH, months_between

__all__ = [
    "ASSUMED_STRATUM_SHARES",
    "RANDOMISATION_METHODS",
    "STRATIFICATION_FACTORS",
    "Accrual",
    "TrialModel",
    "alexandra_interim_events",
    "alexandra_trial_model",
    "arm_differences",
    "detectable_hazard_ratio",
    "events_by_month",
    "futility_stop_probability",
    "interim_snapshot",
    "randomise",
    "schoenfeld_events",
    "simulate_balance",
    "simulate_interim",
    "simulate_strata",
    "stratum_names",
]

Seed = int | np.random.Generator | None


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
    n_patients: int, shares: Mapping[str, Sequence[float]] = ASSUMED_STRATUM_SHARES, seed: Seed = None
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
    strata: Sequence[Hashable], method: str = "permuted_block", block_size: int = 4, seed: Seed = None
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
    seed: Seed = None,
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


# --- Accrual and events in calendar time --------------------------------------------------


@dataclass(frozen=True)
class Accrual:
    """Patients enrolled between two dates, slowly at first when ``shape`` > 1.

    By a fraction :math:`f` of the enrolment window, a share :math:`f^{k}` of the
    patients is enrolled (:math:`k` = ``shape``). With :math:`k = 1` the rate is
    constant; with :math:`k > 1` it starts low and grows as :math:`f^{k-1}`, as
    when centres open one after another; :math:`k = 2` enrols a quarter of the
    patients in the first half of the window.

    Parameters
    ----------
    start, end
        The enrolment window.
    patients
        Patients per arm, keys ``"atezolizumab"`` and ``"chemotherapy"``.
    shape
        The acceleration :math:`k` (> 0).

    Examples
    --------
    >>> accrual = Accrual(date(2018, 8, 2), date(2022, 11, 11), {"atezolizumab": 1101, "chemotherapy": 1098}, 2.0)
    >>> float(accrual.share_enrolled(accrual.window_months / 2))
    0.25
    >>> accrual.date_at(accrual.window_months)
    datetime.date(2022, 11, 11)
    """

    start: date
    end: date
    patients: Mapping[str, int]
    shape: float = 1.0
    n_patients: int = field(init=False)

    def __post_init__(self) -> None:
        if not (isinstance(self.start, date) and isinstance(self.end, date)) or self.end <= self.start:
            raise DataError(f"Accrual(start={self.start!r}, end={self.end!r}): end must be a date after start")
        if sorted(self.patients) != sorted(ARMS):
            raise DataError(
                f"Accrual(patients={dict(self.patients)!r}): give the patients of each arm, {', '.join(ARMS)}"
            )
        for arm in ARMS:
            checks.whole("Accrual", f"patients[{arm!r}]", self.patients[arm], minimum=1)
        checks.positive("Accrual", "shape", self.shape)
        object.__setattr__(self, "n_patients", int(sum(self.patients[arm] for arm in ARMS)))

    @classmethod
    def matching_median_followup(
        cls, start: date, end: date, patients: Mapping[str, int], cutoff: date, median_followup_months: float
    ) -> Accrual:
        """The accrual whose median potential follow-up at ``cutoff`` is ``median_followup_months``.

        The median patient enrols when half the patients are in, at
        :math:`T\\,0.5^{1/k}` months; their follow-up to the cut-off :math:`C` is
        the median, so :math:`k = \\ln 0.5 / \\ln((C - m)/T)`. Uniform accrual
        (:math:`k = 1`) gives :math:`m = C - T/2`; a shorter median means a later,
        accelerating enrolment. Dropout is ignored.

        >>> uniform = Accrual(date(2020, 1, 1), date(2022, 1, 1), {"atezolizumab": 50, "chemotherapy": 50})
        >>> halfway = uniform.months_since_start(date(2023, 1, 1)) - uniform.window_months / 2
        >>> Accrual.matching_median_followup(uniform.start, uniform.end, uniform.patients, date(2023, 1, 1), halfway).shape
        1.0
        """
        where = "Accrual.matching_median_followup"
        window = months_between(start, end)
        to_cutoff = months_between(start, cutoff)
        median = checks.positive(where, "median_followup_months", median_followup_months)
        if not to_cutoff - window < median < to_cutoff:
            raise DataError(
                f"{where}(median_followup_months={median_followup_months!r}): with enrolment from {start} to {end} "
                f"and a cut-off on {cutoff}, the median follow-up must lie between {to_cutoff - window:.1f} "
                f"and {to_cutoff:.1f} months"
            )
        shape = math.log(0.5) / math.log((to_cutoff - median) / window)
        return cls(start, end, patients, round(shape, 12))

    @property
    def window_months(self) -> float:
        """Length of the enrolment window, in months."""
        return months_between(self.start, self.end)

    def months_since_start(self, day: date) -> float:
        """Months from the first day of enrolment to ``day``."""
        return months_between(self.start, day)

    def date_at(self, months: float) -> date:
        """The calendar date ``months`` months after the first day of enrolment."""
        return self.start + timedelta(days=round(float(months) * DAYS_PER_MONTH))

    def share_enrolled(self, months: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Share of the patients enrolled ``months`` months after the start."""
        fraction = np.clip(np.asarray(months, dtype=float) / self.window_months, 0, 1)
        return np.asarray(fraction**self.shape)

    def entry_months(self, share: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """When a given share of patients has been enrolled (the inverse of :meth:`share_enrolled`)."""
        return np.asarray(self.window_months * np.asarray(share, dtype=float) ** (1 / self.shape))


_QUADRATURE_NODES, _QUADRATURE_WEIGHTS = np.polynomial.legendre.leggauss(400)


@dataclass(frozen=True)
class TrialModel:
    """Accrual plus an assumed survival curve: when do a trial's events happen?

    The chemotherapy-alone arm is free of events at :math:`t` months with
    probability :math:`S(t) = \\exp(-H\\,(t/36)^{\\gamma})`, where
    :math:`H = -\\ln` ``control_event_free_3y``; :math:`\\gamma` = ``hazard_shape``
    is 1 for a constant hazard and below 1 for a hazard that falls with time (as
    recurrences of triple-negative breast cancer do). The atezolizumab arm has
    hazards ``hazard_ratio`` times higher (proportional hazards). No dropout:
    every patient is followed until the event or the analysis.

    Examples
    --------
    >>> accrual = Accrual(date(2018, 8, 2), date(2022, 11, 11), {"atezolizumab": 1101, "chemotherapy": 1098})
    >>> model = TrialModel(accrual, control_event_free_3y=0.85)
    >>> float(model.event_free(36, "chemotherapy"))
    0.85
    >>> model.expected_events([0.0, 1e5]).round()
    array([   0., 2199.])
    """

    accrual: Accrual
    control_event_free_3y: float
    hazard_ratio: float = 1.0
    hazard_shape: float = 1.0

    def __post_init__(self) -> None:
        checks.probability("TrialModel", "control_event_free_3y", self.control_event_free_3y)
        checks.positive("TrialModel", "hazard_ratio", self.hazard_ratio)
        checks.positive("TrialModel", "hazard_shape", self.hazard_shape)

    @classmethod
    def calibrated(
        cls, accrual: Accrual, events: float, by: date, hazard_ratio: float = 1.0, hazard_shape: float = 1.0
    ) -> TrialModel:
        """The model whose expected number of events by the date ``by`` is ``events``.

        Only the chemotherapy-alone arm's 3-year event-free share is solved for;
        the hazard ratio and the hazard's shape are assumptions.

        >>> accrual = Accrual(date(2018, 8, 2), date(2022, 11, 11), {"atezolizumab": 1101, "chemotherapy": 1098})
        >>> model = TrialModel.calibrated(accrual, events=266, by=date(2023, 8, 18))
        >>> round(float(model.expected_events(accrual.months_since_start(date(2023, 8, 18)))[0]), 6)
        266.0
        """
        where = "TrialModel.calibrated"
        events = checks.positive(where, "events", events)
        months = accrual.months_since_start(by)
        enrolled = float(accrual.n_patients * accrual.share_enrolled(months))
        if events >= enrolled:
            raise DataError(
                f"{where}(events={events:g}, by={by}): only {enrolled:.0f} patients are enrolled by then, "
                "so fewer events than that are possible"
            )

        def excess(log_cumulative_hazard: float) -> float:
            share = math.exp(-math.exp(log_cumulative_hazard))
            model = cls(accrual, share, hazard_ratio, hazard_shape)
            return float(model.expected_events(months)[0]) - events

        # Solve on the log of the 3-year cumulative hazard: it spans many orders of magnitude.
        root = optimize.brentq(excess, -30.0, 5.0, xtol=1e-12)
        return cls(accrual, math.exp(-math.exp(root)), hazard_ratio, hazard_shape)

    def _hazard_multiplier(self, arm: str) -> float:
        if arm not in ARMS:
            raise DataError(f"TrialModel(arm={arm!r}): arm must be one of {', '.join(ARMS)}")
        return self.hazard_ratio if arm == ARMS[0] else 1.0

    def event_free(self, months: npt.ArrayLike, arm: str) -> npt.NDArray[np.float64]:
        """Share of ``arm`` free of events ``months`` months after randomisation."""
        cumulative = -math.log(self.control_event_free_3y) * self._hazard_multiplier(arm)
        t = np.clip(np.asarray(months, dtype=float), 0, None)
        return np.asarray(np.exp(-cumulative * (t / 36) ** self.hazard_shape))

    def expected_events(self, months: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Expected events, both arms, by ``months`` months after the start of enrolment.

        The sum over arms of :math:`n \\int_0^{F(t)} [1 - S(t - s(u))]\\,du`, where
        :math:`s(u)` is when a share :math:`u` of patients is enrolled, computed
        with Gauss–Legendre quadrature.
        """
        calendar = np.atleast_1d(np.asarray(months, dtype=float))
        enrolled = self.accrual.share_enrolled(calendar)
        # Quadrature nodes on [0, F(t)] for every calendar time (rows).
        share = enrolled[:, None] * (_QUADRATURE_NODES[None, :] + 1) / 2
        followup = calendar[:, None] - self.accrual.entry_months(share)
        total = np.zeros_like(calendar)
        for arm in ARMS:
            with_event = 1 - self.event_free(followup, arm)
            total += self.accrual.patients[arm] * enrolled / 2 * (with_event @ _QUADRATURE_WEIGHTS)
        return total

    def month_expected_to_reach(self, events: float) -> float:
        """Months after the start of enrolment when the expected events reach ``events``.

        >>> accrual = Accrual(date(2018, 8, 2), date(2022, 11, 11), {"atezolizumab": 1101, "chemotherapy": 1098})
        >>> model = TrialModel(accrual, control_event_free_3y=0.85)
        >>> month = model.month_expected_to_reach(242)
        >>> round(float(model.expected_events(month)[0]), 6)
        242.0
        """
        where = "TrialModel.month_expected_to_reach"
        events = checks.positive(where, "events", events)
        if events >= self.accrual.n_patients:
            raise DataError(f"{where}(events={events:g}): there are only {self.accrual.n_patients} patients")
        horizon = 1200.0
        if self.expected_events(horizon)[0] < events:
            raise DataError(f"{where}(events={events:g}): not expected within {horizon / 12:.0f} years")
        return float(optimize.brentq(lambda month: self.expected_events(month)[0] - events, 0.0, horizon, xtol=1e-9))

    def _draw(self, n_trials: int, rng: np.random.Generator) -> _SimulatedPatients:
        """Entry and event times of the patients of ``n_trials`` simulated trials."""
        n = self.accrual.n_patients
        is_atezolizumab = np.arange(n) < self.accrual.patients[ARMS[0]]
        entry = self.accrual.entry_months(rng.random((n_trials, n)))
        cumulative = -math.log(self.control_event_free_3y) * np.where(is_atezolizumab, self.hazard_ratio, 1.0)
        # Inverse of S(t): t = 36 (-ln U / H)^(1/shape).
        time_to_event = 36 * (rng.exponential(size=(n_trials, n)) / cumulative) ** (1 / self.hazard_shape)
        return _SimulatedPatients(entry, time_to_event, is_atezolizumab)

    def simulate_event_months(self, n_trials: int, seed: Seed = None) -> npt.NDArray[np.float64]:
        """Calendar months (since the start of enrolment) of every event, sorted, one row per trial."""
        n_trials = checks.whole("TrialModel.simulate_event_months", "n_trials", n_trials, minimum=1)
        patients = self._draw(n_trials, np.random.default_rng(seed))
        return np.sort(patients.entry + patients.time_to_event, axis=1)


@dataclass(frozen=True)
class _SimulatedPatients:
    entry: npt.NDArray[np.float64]  # months after the start of enrolment, (trials, patients)
    time_to_event: npt.NDArray[np.float64]  # months after randomisation, (trials, patients)
    is_atezolizumab: npt.NDArray[np.bool_]  # (patients,)


def events_by_month(model: TrialModel, months: npt.ArrayLike, n_trials: int = 1000, seed: Seed = None) -> pd.DataFrame:
    """Expected and simulated cumulative events at each of ``months`` (since the start of enrolment).

    Returns
    -------
    pandas.DataFrame
        ``month``, ``date``, ``expected`` (the model's expectation) and the
        simulated ``median``, ``lower`` (2.5th percentile) and ``upper``
        (97.5th percentile) over ``n_trials`` trials.

    Examples
    --------
    >>> accrual = Accrual(date(2018, 8, 2), date(2022, 11, 11), {"atezolizumab": 1101, "chemotherapy": 1098})
    >>> table = events_by_month(TrialModel(accrual, 0.85), [12, 60], n_trials=50, seed=1)
    >>> list(table.columns)
    ['month', 'date', 'expected', 'median', 'lower', 'upper']
    """
    calendar = np.asarray(months, dtype=float)
    sorted_events = model.simulate_event_months(n_trials, seed)
    counts = np.array([np.searchsorted(row, calendar, side="right") for row in sorted_events])
    lower, median, upper = np.percentile(counts, [2.5, 50, 97.5], axis=0)
    return pd.DataFrame(
        {
            "month": calendar,
            "date": [model.accrual.date_at(month) for month in calendar],
            "expected": model.expected_events(calendar),
            "median": median,
            "lower": lower,
            "upper": upper,
        }
    )


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


@dataclass(frozen=True)
class _Interim:
    """Simulated trials cut when their ``interim_events``-th event happens (one row per trial)."""

    month: npt.NDArray[np.float64]  # calendar month of the interim, (trials,)
    entered: npt.NDArray[np.bool_]  # enrolled before the interim, (trials, patients)
    had_event: npt.NDArray[np.bool_]  # event on or before the interim
    followup: npt.NDArray[np.float64]  # months from randomisation to the event or the interim


def _cut_at_interim(patients: _SimulatedPatients, interim_events: int) -> _Interim:
    calendar = patients.entry + patients.time_to_event
    month = np.partition(calendar, interim_events - 1, axis=1)[:, interim_events - 1]
    had_event = calendar <= month[:, None]
    return _Interim(
        month=month,
        entered=patients.entry < month[:, None],
        had_event=had_event,
        followup=np.where(had_event, patients.time_to_event, month[:, None] - patients.entry),
    )


def _at_interim(patients: _SimulatedPatients, interim_events: int) -> tuple[npt.NDArray[np.float64], ...]:
    """Risk sets of every simulated trial at its interim analysis.

    Returns the interim month of each trial, and for each event (one row per
    trial, ``interim_events`` columns, in time order since randomisation):
    whether it was on atezolizumab, and how many patients of each arm were at risk.
    """
    cut = _cut_at_interim(patients, interim_events)
    # Sort by follow-up; patients not yet enrolled go first and are never at risk.
    order = np.argsort(np.where(cut.entered, cut.followup, -np.inf), axis=1)
    entered = np.take_along_axis(cut.entered, order, axis=1)
    had_event = np.take_along_axis(cut.had_event, order, axis=1)
    on_atezolizumab = patients.is_atezolizumab[order]
    # At risk at a time: enrolled patients whose follow-up is at least that long.
    at_risk = np.cumsum(entered[:, ::-1], axis=1)[:, ::-1]
    at_risk_atezolizumab = np.cumsum((entered & on_atezolizumab)[:, ::-1], axis=1)[:, ::-1]
    shape = (cut.month.size, interim_events)
    return (
        cut.month,
        on_atezolizumab[had_event].reshape(shape).astype(float),
        at_risk_atezolizumab[had_event].reshape(shape).astype(float),
        (at_risk - at_risk_atezolizumab)[had_event].reshape(shape).astype(float),
    )


def _cox_log_hazard_ratio(
    atezolizumab_event: npt.NDArray[np.float64],
    at_risk_atezolizumab: npt.NDArray[np.float64],
    at_risk_chemotherapy: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Cox estimate of the log hazard ratio per trial (rows), and the log-rank z.

    With one binary covariate and no tied times the partial-likelihood score is
    :math:`U(\\beta) = \\sum (x - a e^\\beta / (a e^\\beta + c))`; :math:`U(0)` is
    the log-rank O − E and the information at 0 its variance. The partial
    likelihood is concave, so the estimate is above 0 exactly when O − E is.
    """

    def score_and_information(beta: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], ...]:
        weighted = at_risk_atezolizumab * np.exp(beta)[:, None]
        total = weighted + at_risk_chemotherapy
        score = (atezolizumab_event - weighted / total).sum(axis=1)
        information = (weighted * at_risk_chemotherapy / total**2).sum(axis=1)
        return score, information

    observed_minus_expected, variance = score_and_information(np.zeros(atezolizumab_event.shape[0]))
    beta = observed_minus_expected / variance  # Peto's one-step estimate: a close start for Newton.
    for _ in range(50):
        score, information = score_and_information(beta)
        step = score / information
        beta = beta + step
        if np.abs(step).max() < 1e-10:
            break
    return beta, observed_minus_expected / np.sqrt(variance)


def _checked_interim_events(where: str, model: TrialModel, interim_events: int) -> int:
    interim_events = checks.whole(where, "interim_events", interim_events, minimum=1)
    if interim_events > model.accrual.n_patients:
        raise DataError(f"{where}(interim_events={interim_events}): there are only {model.accrual.n_patients} patients")
    return interim_events


def simulate_interim(
    model: TrialModel,
    interim_events: int,
    n_trials: int = 1000,
    boundary_hr: float = 1.0,
    seed: Seed = None,
    batch_size: int = 500,
) -> pd.DataFrame:
    """Simulate trials up to their interim analysis and apply the futility rule.

    Each trial is analysed when its ``interim_events``-th event happens (in
    calendar time) with an unstratified Cox model; it stops for futility when
    the estimated hazard ratio exceeds ``boundary_hr``.

    Returns
    -------
    pandas.DataFrame
        One row per trial: ``trial``, ``interim_month`` (since the start of
        enrolment), ``atezolizumab_events``, ``chemotherapy_events``,
        ``observed_hr`` (Cox), ``logrank_z`` (negative favours atezolizumab)
        and ``stopped``.

    Examples
    --------
    >>> accrual = Accrual(date(2018, 8, 2), date(2022, 11, 11), {"atezolizumab": 1101, "chemotherapy": 1098})
    >>> trials = simulate_interim(TrialModel(accrual, 0.85), interim_events=242, n_trials=20, seed=1)
    >>> bool((trials.atezolizumab_events + trials.chemotherapy_events == 242).all())
    True
    >>> bool((trials.stopped == (trials.logrank_z > 0)).all())
    True
    """
    where = "simulate_interim"
    interim_events = _checked_interim_events(where, model, interim_events)
    n_trials = checks.whole(where, "n_trials", n_trials, minimum=1)
    boundary_hr = checks.positive(where, "boundary_hr", boundary_hr)
    batch_size = checks.whole(where, "batch_size", batch_size, minimum=1)
    rng = np.random.default_rng(seed)
    batches = []
    for first in range(0, n_trials, batch_size):
        interim, atezolizumab_event, at_risk_atezolizumab, at_risk_chemotherapy = _at_interim(
            model._draw(min(batch_size, n_trials - first), rng), interim_events
        )
        log_hr, z = _cox_log_hazard_ratio(atezolizumab_event, at_risk_atezolizumab, at_risk_chemotherapy)
        atezolizumab_events = atezolizumab_event.sum(axis=1).astype(int)
        batches.append(
            pd.DataFrame(
                {
                    "interim_month": interim,
                    "atezolizumab_events": atezolizumab_events,
                    "chemotherapy_events": interim_events - atezolizumab_events,
                    "observed_hr": np.exp(log_hr),
                    "logrank_z": z,
                    "stopped": log_hr > math.log(boundary_hr),
                }
            )
        )
    trials = pd.concat(batches, ignore_index=True)
    trials.insert(0, "trial", np.arange(n_trials))
    return trials


def interim_snapshot(model: TrialModel, interim_events: int, seed: Seed = None) -> pd.DataFrame:
    """One simulated trial as its interim analysis sees it: one row per enrolled patient.

    It is the first trial that :func:`simulate_interim` draws with the same
    seed, so a Cox model fitted to it gives that trial's ``observed_hr``.

    Returns
    -------
    pandas.DataFrame
        ``arm``, ``entry_month`` (since the start of enrolment), ``months``
        (follow-up at the interim) and ``event`` (1 or 0).

    Examples
    --------
    >>> accrual = Accrual(date(2018, 8, 2), date(2022, 11, 11), {"atezolizumab": 1101, "chemotherapy": 1098})
    >>> snapshot = interim_snapshot(TrialModel(accrual, 0.85), interim_events=242, seed=1)
    >>> int(snapshot.event.sum())
    242
    """
    interim_events = _checked_interim_events("interim_snapshot", model, interim_events)
    patients = model._draw(1, np.random.default_rng(seed))
    cut = _cut_at_interim(patients, interim_events)
    snapshot = pd.DataFrame(
        {
            "arm": np.where(patients.is_atezolizumab, ARMS[0], ARMS[1]),
            "entry_month": patients.entry[0],
            "months": cut.followup[0],
            "event": cut.had_event[0].astype(int),
        }
    )
    return snapshot[cut.entered[0]].reset_index(drop=True)


# --- ALEXANDRA's numbers ------------------------------------------------------------------


def alexandra_interim_events() -> int:
    """Events at the amended interim analysis: the published fraction of the planned events.

    Both numbers are secondary (SABCS 2023 abstract GS01-03).

    >>> alexandra_interim_events()
    242
    """
    fraction = published.get("interim_information_fraction").number
    return round(fraction * published.get("idfs_events_planned").number)


def alexandra_trial_model(hazard_shape: float = 1.0, hazard_ratio: float | None = None) -> TrialModel:
    """A calendar-time model of ALEXANDRA built from its published numbers.

    * Accrual: the enrolment window and the patients randomised per arm, with
      the acceleration that makes the median potential follow-up at the data
      cut-off equal the published median follow-up (dropout ignored).
    * Events: the chemotherapy-alone arm's survival curve, of the given
      ``hazard_shape``, scaled so that the expected events by the data cut-off
      equal the published total, with the published stratified hazard ratio
      between the arms (or ``hazard_ratio`` when given).

    >>> model = alexandra_trial_model()
    >>> model.accrual.n_patients, round(model.accrual.shape, 2), round(model.control_event_free_3y, 3)
    (2199, 1.18, 0.873)
    """
    cutoff = published.get("data_cutoff").when
    accrual = Accrual.matching_median_followup(
        start=published.get("enrolment_start").when,
        end=published.get("enrolment_end").when,
        patients={arm: int(published.get("n_randomized", arm=arm).number) for arm in ARMS},
        cutoff=cutoff,
        median_followup_months=published.get("median_followup_overall_months").number,
    )
    events = sum(published.get("idfs_events", arm=arm).number for arm in ARMS)
    model = TrialModel.calibrated(
        accrual, events, by=cutoff, hazard_ratio=published.get("idfs_hr_stratified").number, hazard_shape=hazard_shape
    )
    return (
        model
        if hazard_ratio is None
        else replace(model, hazard_ratio=checks.positive("alexandra_trial_model", "hazard_ratio", hazard_ratio))
    )
