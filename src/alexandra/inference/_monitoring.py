"""Stopping early: group-sequential monitoring of a two-arm survival trial with one interim look.

The chapter *Stopping early* computes everything with the functions here; R's ``rpact`` checks
them (``tests/r/rpact_reference.R``).

* **Information and alpha spending**: :func:`information_fraction`, :func:`alpha_spent`
  (Lan–DeMets spending functions of the O'Brien–Fleming and Pocock type).
* **Boundaries**: :func:`group_sequential_design` gives the efficacy boundaries of an interim
  and a final analysis on the z scale and the hazard-ratio scale, with an optional futility
  boundary that is *binding* (the final boundary counts on it) or *non-binding*.
* **Operating characteristics**: :func:`operating_characteristics` gives, for a true hazard
  ratio, the chances of stopping for efficacy or futility at the interim and of success at the
  end: the type I error when the true HR is 1, the power otherwise.
* **Futility rules**: :func:`boundary_conditional_power` (under an assumed HR or the current trend),
  :func:`predictive_power` (a normal prior on log HR), and :func:`futility_z`, which turns any of
  these rules into the interim z below which the trial stops.
* **What the final HR estimates**: :func:`simulate_stopped_treatment` simulates trials in which
  the drug works only while it is given and everyone stops it on one calendar date.

Conventions, as in :mod:`alexandra.inference`: hazard ratios compare atezolizumab with
chemotherapy alone; ``z`` is the log-rank statistic signed to be **positive when atezolizumab
does better**, ``z = −ln(HR) · √(D/4)`` with ``D`` events and 1:1 allocation; ``alpha`` is the
two-sided level, and efficacy is tested on the side of benefit at ``alpha / 2`` (2.5% for 5%).
With two looks the statistics at the interim and the end are bivariate normal with correlation
``√t``, so every probability is a one-dimensional integral (``scipy.integrate.quad``).

>>> plan = group_sequential_design(interim_events=242, planned_events=390)
>>> [round(z, 3) for z in plan.efficacy_z], round(plan.cumulative_alpha[0], 5)
([2.617, 1.984], 0.00444)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import integrate, optimize, special, stats

from alexandra import checks, design
from alexandra.design import BOOK_SEED, Seed, TrialModel
from alexandra.inference import _uncertainty as uncertainty
from alexandra.inference._uncertainty import NormalPrior
from alexandra.published import ARMS

__all__ = [
    "FUTILITY_RULES",
    "SPENDING_FUNCTIONS",
    "Design",
    "OperatingCharacteristics",
    "alpha_spent",
    "boundary_conditional_power",
    "futility_z",
    "group_sequential_design",
    "hr_from_z",
    "information_fraction",
    "operating_characteristics",
    "predictive_power",
    "simulate_stopped_treatment",
    "z_from_hr",
]

#: The Lan–DeMets spending functions, by name, with the names the chapter shows.
SPENDING_FUNCTIONS: dict[str, str] = {"obrien-fleming": "O'Brien–Fleming-type", "pocock": "Pocock-type"}

#: The futility rules :func:`futility_z` knows, with what ``threshold`` means for each.
FUTILITY_RULES: dict[str, str] = {
    "hazard ratio": "stop if the interim HR is above threshold",
    "conditional power": "stop if the conditional power is below threshold",
    "predictive power": "stop if the predictive power is below threshold",
}

_TOLERANCE = 1e-12
_ROOT_TWO_PI = math.sqrt(2 * math.pi)


# --- Information, scales and spending -------------------------------------------------------


def information_fraction(events: float, planned_events: float) -> float:
    """Information time ``t``: the share of the planned events observed so far.

    For a log-rank test the information is about a quarter of the events, so its fraction is the
    fraction of events.

    >>> round(information_fraction(242, 390), 4)
    0.6205
    """
    events = checks.positive("information_fraction", "events", events)
    planned_events = checks.positive("information_fraction", "planned_events", planned_events)
    if events > planned_events:
        checks.fail(f"information_fraction(events={events:g})", f"more than planned_events {planned_events:g}")
    return events / planned_events


def z_from_hr(hr: float, events: float) -> float:
    """The z statistic of an observed hazard ratio with ``events`` events (positive favours atezolizumab).

    >>> z_from_hr(1.0, 242), round(z_from_hr(0.75, 390), 3)
    (0.0, 2.841)
    """
    events = checks.positive("z_from_hr", "events", events)
    return 0.0 - math.log(checks.positive("z_from_hr", "hr", hr)) * math.sqrt(events / 4)


def hr_from_z(z: float, events: float) -> float:
    """The hazard ratio a z statistic stands for with ``events`` events (the inverse of :func:`z_from_hr`).

    >>> round(hr_from_z(1.96, 390), 3)
    0.82
    """
    return math.exp(-float(z) * math.sqrt(4 / checks.positive("hr_from_z", "events", events)))


def _checked_spending(where: str, spending: str) -> str:
    if spending not in SPENDING_FUNCTIONS:
        checks.fail(f"{where}(spending={spending!r})", f"use one of {', '.join(map(repr, SPENDING_FUNCTIONS))}")
    return spending


def alpha_spent(information: float, alpha: float = 0.05, spending: str = "obrien-fleming") -> float:
    """Cumulative one-sided type I error spent by information time ``t`` (Lan and DeMets 1983).

    With one-sided level :math:`a = \\alpha/2`:

    * O'Brien–Fleming type: :math:`a(t) = 2\\,(1 - \\Phi(z_{1-a/2} / \\sqrt{t}))`, almost nothing early;
    * Pocock type: :math:`a(t) = a \\ln(1 + (e - 1)\\,t)`, a lot early.

    Both spend all of :math:`a` at :math:`t = 1`.

    >>> round(alpha_spent(0.62), 5), round(alpha_spent(0.62, spending="pocock"), 5)
    (0.00442, 0.01813)
    >>> alpha_spent(1.0) == alpha_spent(1.0, spending="pocock") == 0.025
    True
    """
    where = "alpha_spent"
    t = checks.positive(where, "information", information)
    if t > 1:
        checks.fail(f"{where}(information={information!r})", "information time cannot exceed 1")
    one_sided = checks.probability(where, "alpha", alpha) / 2
    if _checked_spending(where, spending) == "pocock":
        return one_sided if t == 1 else one_sided * math.log(1 + (math.e - 1) * t)
    return one_sided if t == 1 else float(2 * stats.norm.sf(stats.norm.isf(one_sided / 2) / math.sqrt(t)))


def _probability(drift: float, t: float, first: tuple[float, float], final: tuple[float, float]) -> float:
    """P(Z₁ in ``first`` and Z₂ in ``final``) when the final expected z is ``drift``.

    Z₁ ~ N(drift·√t, 1), Z₂ ~ N(drift, 1), correlation √t: integrate over Z₁ the conditional
    normal probability of Z₂'s interval.
    """
    rho, mean = math.sqrt(t), drift * math.sqrt(t)
    spread = math.sqrt(1 - t)
    low, high = max(first[0], mean - 12), min(first[1], mean + 12)
    if low >= high:
        return 0.0

    def integrand(z1: float) -> float:
        centre = drift + rho * (z1 - mean)
        inside = special.ndtr((final[1] - centre) / spread) - special.ndtr((final[0] - centre) / spread)
        return math.exp(-((z1 - mean) ** 2) / 2) / _ROOT_TWO_PI * float(inside)

    value, _ = integrate.quad(integrand, low, high, epsabs=1e-14, epsrel=1e-12, limit=200)
    return float(value)


# --- Boundaries -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Design:
    """A group-sequential plan with an interim and a final analysis.

    Attributes
    ----------
    interim_events, planned_events : events at the interim and at the final analysis.
    alpha : the two-sided level; efficacy is tested at ``alpha / 2`` on the side of benefit.
    spending : the spending function, a key of :data:`SPENDING_FUNCTIONS`.
    efficacy_z : the interim and final efficacy boundaries (stop or succeed when z is at least this).
    futility_z : the interim futility boundary (stop when z is below it), or None.
    binding : whether the final boundary was computed counting on futility stops.
    """

    interim_events: float
    planned_events: float
    alpha: float
    spending: str
    efficacy_z: tuple[float, float]
    futility_z: float | None
    binding: bool

    @property
    def information_fraction(self) -> float:
        return self.interim_events / self.planned_events

    @property
    def cumulative_alpha(self) -> tuple[float, float]:
        """One-sided type I error spent by the interim and by the end."""
        return alpha_spent(self.information_fraction, self.alpha, self.spending), self.alpha / 2

    @property
    def nominal_levels(self) -> tuple[float, float]:
        """One-sided P value needed at each analysis: 1 − Φ(boundary)."""
        return float(stats.norm.sf(self.efficacy_z[0])), float(stats.norm.sf(self.efficacy_z[1]))

    @property
    def efficacy_hr(self) -> tuple[float, float]:
        """The efficacy boundaries as hazard ratios: succeed when the observed HR is at most these."""
        return hr_from_z(self.efficacy_z[0], self.interim_events), hr_from_z(self.efficacy_z[1], self.planned_events)

    @property
    def futility_hr(self) -> float | None:
        """The futility boundary as a hazard ratio: stop when the observed HR is above it."""
        return None if self.futility_z is None else hr_from_z(self.futility_z, self.interim_events)

    def drift(self, true_hr: float) -> float:
        """Expected final z when the true hazard ratio is ``true_hr``."""
        return z_from_hr(true_hr, self.planned_events)


def group_sequential_design(
    interim_events: float,
    planned_events: float,
    *,
    alpha: float = 0.05,
    spending: str = "obrien-fleming",
    futility_z: float | None = None,
    binding: bool = False,
) -> Design:
    """Efficacy boundaries of a two-look design from a Lan–DeMets spending function.

    The interim boundary spends :func:`alpha_spent` at the interim; the final boundary ``c₂``
    spends the rest: :math:`P_0(Z_1 < c_1, Z_2 \\ge c_2) = \\alpha/2 - a(t)`. A *binding* futility
    boundary ``f`` replaces :math:`Z_1 < c_1` by :math:`f \\le Z_1 < c_1` (the trials that stop for
    futility cannot reject), which lowers ``c₂``; a non-binding one does not change ``c₂``.

    Examples
    --------
    >>> plan = group_sequential_design(242, 390, spending="pocock")
    >>> [round(z, 3) for z in plan.efficacy_z], [round(hr, 3) for hr in plan.efficacy_hr]
    ([2.094, 2.236], [0.764, 0.797])
    >>> binding = group_sequential_design(242, 390, futility_z=0.0, binding=True)
    >>> round(binding.efficacy_z[1], 4) < round(plan.efficacy_z[1], 4)
    True
    """
    where = "group_sequential_design"
    t = information_fraction(interim_events, planned_events)
    if t >= 1:
        checks.fail(f"{where}(interim_events={interim_events:g})", "the interim must come before the planned events")
    alpha = checks.probability(where, "alpha", alpha)
    spent = alpha_spent(t, alpha, _checked_spending(where, spending))
    interim_z = float(stats.norm.isf(spent))
    lower = -math.inf
    if futility_z is not None:
        futility_z = float(futility_z)
        if not (math.isfinite(futility_z) and futility_z < interim_z):
            checks.fail(
                f"{where}(futility_z={futility_z!r})", f"must be a number below the efficacy boundary {interim_z:.3f}"
            )
        lower = futility_z if binding else lower
    remaining = alpha / 2 - spent
    final_z = optimize.brentq(
        lambda c: _probability(0.0, t, (lower, interim_z), (c, math.inf)) - remaining, -10, 10, xtol=_TOLERANCE
    )
    return Design(
        interim_events=float(interim_events),
        planned_events=float(planned_events),
        alpha=alpha,
        spending=spending,
        efficacy_z=(interim_z, float(final_z)),
        futility_z=futility_z,
        binding=bool(binding and futility_z is not None),
    )


# --- Operating characteristics --------------------------------------------------------------


@dataclass(frozen=True)
class OperatingCharacteristics:
    """What a design does when the true hazard ratio is ``true_hr``.

    Attributes
    ----------
    reject_interim, reject_final : chances of success at the interim and at the final analysis.
    stop_futility : chance of stopping for futility at the interim.
    expected_events : events at the analysis where the trial ends, on average.
    reject : chance of success at either analysis: the type I error when ``true_hr`` is 1,
        the power otherwise.
    """

    true_hr: float
    reject_interim: float
    reject_final: float
    stop_futility: float
    expected_events: float

    @property
    def reject(self) -> float:
        return self.reject_interim + self.reject_final


def operating_characteristics(plan: Design, true_hr: float, futility_obeyed: bool = True) -> OperatingCharacteristics:
    """Chances of each way the trial can end, if the true hazard ratio is ``true_hr``.

    ``futility_obeyed=False`` is a trial that ignores its (non-binding) futility boundary.

    Examples
    --------
    With the HR > 1 rule (z below 0) at 242 of 390 events, non-binding:

    >>> plan = group_sequential_design(242, 390, futility_z=0.0)
    >>> null = operating_characteristics(plan, 1.0)
    >>> round(null.reject, 5), round(null.stop_futility, 2)
    (0.02495, 0.5)
    >>> round(operating_characteristics(plan, 1.0, futility_obeyed=False).reject, 6)
    0.025
    >>> round(operating_characteristics(plan, 0.75).reject, 4)
    0.8066
    """
    drift = plan.drift(checks.positive("operating_characteristics", "true_hr", true_hr))
    t = plan.information_fraction
    interim_z, final_z = plan.efficacy_z
    lower = plan.futility_z if plan.futility_z is not None and futility_obeyed else -math.inf
    reject_interim = float(stats.norm.sf(interim_z - drift * math.sqrt(t)))
    stop_futility = 0.0 if lower == -math.inf else float(stats.norm.cdf(lower - drift * math.sqrt(t)))
    reject_final = _probability(drift, t, (lower, interim_z), (final_z, math.inf))
    stopped = reject_interim + stop_futility
    return OperatingCharacteristics(
        true_hr=float(true_hr),
        reject_interim=reject_interim,
        reject_final=reject_final,
        stop_futility=stop_futility,
        expected_events=plan.interim_events * stopped + plan.planned_events * (1 - stopped),
    )


# --- Futility rules -------------------------------------------------------------------------


def boundary_conditional_power(
    plan: Design, observed_hr: float, events: float, assumed_hr: float | None = None
) -> float:
    """Chance that the trial, continued to the planned events, crosses its final efficacy boundary.

    This is :func:`alexandra.inference.conditional_power` with the design's final boundary
    instead of 1.96; ``assumed_hr=None`` assumes the current trend (the observed HR).

    >>> plan = group_sequential_design(239, 390)
    >>> round(boundary_conditional_power(plan, 1.12, 239, assumed_hr=0.75), 4)
    0.0058
    >>> boundary_conditional_power(plan, 1.12, 239) < 1e-6
    True
    """
    assumed = observed_hr if assumed_hr is None else assumed_hr
    final_alpha = 2 * float(stats.norm.sf(plan.efficacy_z[1]))
    result = uncertainty.conditional_power(observed_hr, events, plan.planned_events, assumed, alpha=final_alpha)
    return result.probability


def predictive_power(plan: Design, observed_hr: float, events: float, prior: NormalPrior) -> float:
    """Conditional power averaged over the posterior of the true log HR (normal prior, normal data).

    The posterior comes from :func:`alexandra.inference.normal_posterior`; with mean ``m`` and
    SD ``s`` on log HR, the rest of the trial adds to the B-value ``B(t) = Z(t)√t`` a normal
    increment with mean ``−m·√(D/4)·(1 − t)`` and variance ``(1 − t) + s²·(D/4)·(1 − t)²``.

    >>> plan = group_sequential_design(239, 390)
    >>> flat = NormalPrior(median_hr=1.0, sd=10.0)
    >>> round(100 * predictive_power(plan, 1.12, 239, flat), 4)  # percent
    0.0048
    """
    where = "predictive_power"
    events = checks.positive(where, "events", events)
    t = information_fraction(events, plan.planned_events)
    if t >= 1:
        checks.fail(f"{where}(events={events:g})", "nothing is left to observe")
    posterior = uncertainty.normal_posterior(prior, observed_hr, math.sqrt(4 / events))
    scale = math.sqrt(plan.planned_events / 4)
    b_value = z_from_hr(observed_hr, events) * math.sqrt(t)
    mean = -posterior.mean_log_hr * scale * (1 - t)
    variance = (1 - t) + (posterior.sd * scale * (1 - t)) ** 2
    return float(stats.norm.sf((plan.efficacy_z[1] - b_value - mean) / math.sqrt(variance)))


def futility_z(
    plan: Design, rule: str, threshold: float, *, assumed_hr: float | None = None, prior: NormalPrior | None = None
) -> float:
    """The interim z below which a futility rule stops the trial.

    ``rule`` is a key of :data:`FUTILITY_RULES`. For ``"hazard ratio"`` the boundary is
    :func:`z_from_hr` of ``threshold``; for the power rules, the z at which the conditional power
    (under ``assumed_hr``, or the current trend when it is None) or the predictive power (under
    ``prior``) equals ``threshold``, found by root-finding: both grow with z.

    >>> plan = group_sequential_design(242, 390)
    >>> futility_z(plan, "hazard ratio", 1.0)
    0.0
    >>> z = futility_z(plan, "conditional power", 0.1, assumed_hr=0.75)
    >>> round(z, 3), round(boundary_conditional_power(plan, hr_from_z(z, 242), 242, 0.75), 6)
    (0.148, 0.1)
    """
    where = "futility_z"
    if rule not in FUTILITY_RULES:
        checks.fail(f"{where}(rule={rule!r})", f"use one of {', '.join(map(repr, FUTILITY_RULES))}")
    if rule == "hazard ratio":
        return z_from_hr(threshold, plan.interim_events)
    threshold = checks.probability(where, "threshold", threshold)
    if rule == "predictive power" and prior is None:
        checks.fail(f"{where}(rule='predictive power')", "give the prior")
    events = plan.interim_events

    def power(z: float) -> float:
        observed = hr_from_z(z, events)
        if rule == "conditional power":
            return boundary_conditional_power(plan, observed, events, assumed_hr)
        assert prior is not None
        return predictive_power(plan, observed, events, prior)

    low, high = -10.0, plan.efficacy_z[0]
    if not power(low) < threshold < power(high):
        checks.fail(
            f"{where}(threshold={threshold!r})", f"the {rule} never crosses it between z = {low} and {high:.3f}"
        )
    return float(optimize.brentq(lambda z: power(z) - threshold, low, high, xtol=_TOLERANCE))


# --- What the final hazard ratio estimates --------------------------------------------------


def _inverse_baseline(model: TrialModel, cumulative: Any) -> Any:
    """Months at which the chemotherapy arm's cumulative hazard reaches ``cumulative``."""
    return 36 * (cumulative / -math.log(model.control_event_free_3y)) ** (1 / model.hazard_shape)


def simulate_stopped_treatment(
    model: TrialModel,
    on_treatment_hr: float,
    analysis_events: int,
    *,
    treatment_months: float,
    stop_month: float | None = None,
    after_hr: float = 1.0,
    n_trials: int = 1000,
    seed: Seed = BOOK_SEED,
    batch_size: int = 500,
) -> pd.DataFrame:
    """SIMULATED trials in which atezolizumab works only while it is given (a piecewise hazard ratio).

    Patients enrol as in ``model``; the chemotherapy arm has the model's hazard. A patient on
    atezolizumab has hazard ratio ``on_treatment_hr`` for her first ``w`` months and ``after_hr``
    afterwards, where ``w`` is ``treatment_months``, cut short at ``stop_month`` (months since the
    start of enrolment) when everyone stops the drug. Each trial is analysed at its
    ``analysis_events``-th event with a Cox model (:func:`alexandra.design.simulate_interim`'s).

    Returns
    -------
    pandas.DataFrame
        One row per trial: ``trial``, ``analysis_month``, ``observed_hr``, ``logrank_z``
        (negative favours atezolizumab) and ``mean_treatment_months``, the months of
        atezolizumab the atezolizumab arm could receive, on average.

    >>> from alexandra.trial import alexandra_trial_model
    >>> model = alexandra_trial_model()
    >>> always = simulate_stopped_treatment(model, 0.75, 266, treatment_months=12, after_hr=0.75, n_trials=20, seed=1)
    >>> stopped = simulate_stopped_treatment(model, 0.75, 266, treatment_months=12, stop_month=55.4, n_trials=20, seed=1)
    >>> bool(always.observed_hr.median() < stopped.observed_hr.median())
    True
    """
    where = "simulate_stopped_treatment"
    on_hr = checks.positive(where, "on_treatment_hr", on_treatment_hr)
    after = checks.positive(where, "after_hr", after_hr)
    months = checks.positive(where, "treatment_months", treatment_months)
    analysis_events = checks.whole(where, "analysis_events", analysis_events, minimum=1)
    if analysis_events > model.accrual.n_patients:
        checks.fail(
            f"{where}(analysis_events={analysis_events})", f"there are only {model.accrual.n_patients} patients"
        )
    n_trials, batch_size = (
        checks.whole(where, "n_trials", n_trials, minimum=1),
        checks.whole(where, "batch_size", batch_size, minimum=1),
    )
    rng = np.random.default_rng(seed)
    n = model.accrual.n_patients
    is_atezolizumab = np.arange(n) < model.accrual.patients[ARMS[0]]
    baseline = -math.log(model.control_event_free_3y)
    batches = []
    for first in range(0, n_trials, batch_size):
        size = min(batch_size, n_trials - first)
        entry, loss = model.accrual.draw(rng, (size, n))
        unit = rng.exponential(size=(size, n))
        window = (
            np.full_like(entry, months)
            if stop_month is None
            else np.clip(np.minimum(months, stop_month - entry), 0, None)
        )
        # Cumulative hazard on atezolizumab: on_hr·H₀(t) up to the window, then after·(H₀(t) − H₀(w)).
        reached = on_hr * baseline * (window / 36) ** model.hazard_shape
        on_drug = _inverse_baseline(model, unit / on_hr)
        after_drug = _inverse_baseline(model, reached / on_hr + (unit - reached) / after)
        time = np.where(is_atezolizumab, np.where(unit <= reached, on_drug, after_drug), _inverse_baseline(model, unit))
        patients = design.SimulatedPatients(entry, time, is_atezolizumab, loss, model.accrual.followup)
        month, events, at_risk_atezolizumab, at_risk_chemotherapy = design.risk_sets_at_analysis(
            patients, analysis_events
        )
        log_hr, z = design.cox_log_hazard_ratio(events, at_risk_atezolizumab, at_risk_chemotherapy)
        batches.append(
            pd.DataFrame(
                {
                    "analysis_month": month,
                    "observed_hr": np.exp(log_hr),
                    "logrank_z": z,
                    "mean_treatment_months": window[:, is_atezolizumab].mean(axis=1),
                }
            )
        )
    trials = pd.concat(batches, ignore_index=True)
    trials.insert(0, "trial", np.arange(n_trials))
    return trials
