"""How uncertain is a hazard ratio? The computations behind the chapter's six widgets.

Each widget of chapter 5 has one function here; the browser (Altair/Vega) and live
(ipywidgets) front ends in :mod:`alexandra.widgets` show what these functions return.

1. :func:`precision_for_events` — events → standard error, width of the 95% CI, P value, power.
2. :func:`check_benefit` — what a published HR and CI rule out about a given benefit.
3. :func:`normal_posterior` — a normal prior on log HR combined with the trial (conjugate).
4. :func:`conditional_power` — the chance that continuing to the planned events ends significant.
5. :func:`sampling_distribution` — observed HRs of simulated trials like ALEXANDRA (with the
   trial model of :mod:`alexandra.design`); :func:`load_sampling` reads the precomputed tables.
6. many subgroups, one true effect: in :mod:`alexandra.inference._subgroups`.

Conventions: hazard ratios compare atezolizumab with chemotherapy alone (below 1 favours
atezolizumab); with 1:1 allocation the log-rank information is about a quarter of the events,
so the standard error of log HR from ``D`` events is ``sqrt(4 / D)`` (Schoenfeld 1983;
Tierney et al. 2007). Intervals have confidence ``level`` (0.95, as everywhere in the package);
the functions that only count significant results take the two-sided significance level ``alpha``
of the test, as a trial design does (0.05; a test at ``alpha`` rejects exactly when the
``1 − alpha`` interval excludes HR 1).

>>> round(precision_for_events(266, true_hr=1.0).se_log_hr, 3)
0.123
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from alexandra import checks, design
from alexandra.published import find_data_dir
from alexandra.stats_common import Z_95, z_for

__all__ = [
    "SAMPLING_FILES",
    "BenefitCheck",
    "ConditionalPower",
    "NormalPrior",
    "Posterior",
    "Precision",
    "check_benefit",
    "conditional_power",
    "load_sampling",
    "normal_posterior",
    "precision_for_events",
    "prior_presets",
    "probability_observed_at_least",
    "sampling_distribution",
    "sampling_row",
]


def _z_test(function: str, alpha: float) -> float:
    """Critical value of a two-sided test at significance level ``alpha`` (1.96 for 0.05)."""
    return z_for(1 - checks.probability(function, "alpha", alpha), function)


def _se_from_events(function: str, events: float, name: str = "events") -> float:
    return math.sqrt(4 / checks.positive(function, name, events))


# --------------------------------------------------------------------------------------------
# 1. Events and precision
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Precision:
    """What ``events`` events can tell about a true hazard ratio.

    Attributes
    ----------
    events, true_hr : the inputs.
    se_log_hr : standard error of log HR, ``sqrt(4 / events)``.
    ci_ratio : upper / lower limit of the CI (95% by default) — the same for any observed HR.
    lower, upper : the CI if the trial observed exactly the true HR.
    p_value : the two-sided P value in that case (the median P value of such trials).
    power : probability that the trial ends significant in either direction.
    """

    events: float
    true_hr: float
    se_log_hr: float
    ci_ratio: float
    lower: float
    upper: float
    p_value: float
    power: float


def precision_for_events(events: float, true_hr: float, level: float = 0.95) -> Precision:
    """Precision and power of a 1:1 trial that analyses ``events`` events.

    The interval has confidence ``level``; the power is that of the two-sided test at
    ``1 − level`` (significant exactly when that interval excludes HR 1).

    Examples
    --------
    ALEXANDRA's 266 events, if the true HR were 0.75:

    >>> result = precision_for_events(266, true_hr=0.75)
    >>> round(result.ci_ratio, 2), round(result.lower, 2), round(result.upper, 2)
    (1.62, 0.59, 0.95)
    >>> round(result.p_value, 3), round(result.power, 2)
    (0.019, 0.65)
    """
    se = _se_from_events("precision_for_events", events)
    log_hr = math.log(checks.positive("precision_for_events", "true_hr", true_hr))
    z = z_for(level, "precision_for_events")
    drift = abs(log_hr) / se
    return Precision(
        events=float(events),
        true_hr=float(true_hr),
        se_log_hr=se,
        ci_ratio=math.exp(2 * z * se),
        lower=math.exp(log_hr - z * se),
        upper=math.exp(log_hr + z * se),
        p_value=float(2 * stats.norm.sf(drift)),
        power=float(stats.norm.sf(z - drift) + stats.norm.sf(z + drift)),
    )


# --------------------------------------------------------------------------------------------
# 2. Reading a confidence interval
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenefitCheck:
    """What an estimate says about one clinically meaningful benefit.

    Attributes
    ----------
    benefit_hr : the benefit asked about (a hazard ratio below 1).
    lower, upper : the CI of the estimate at confidence ``level`` (95% by default).
    inside_ci : whether ``benefit_hr`` lies in that interval (is compatible with the data).
    p_value : one-sided P value against "the true HR is ``benefit_hr`` or lower": the
        probability of an estimate at least as high as the one observed if the benefit
        were exactly ``benefit_hr``. Below ``(1 − level) / 2`` the data rule that benefit out.
    relative_likelihood : likelihood of ``benefit_hr`` relative to the best-supported HR.
    """

    benefit_hr: float
    lower: float
    upper: float
    inside_ci: bool
    p_value: float
    relative_likelihood: float


def check_benefit(hr: float, se: float, benefit_hr: float, level: float = 0.95) -> BenefitCheck:
    """Is a benefit of ``benefit_hr`` compatible with an estimate ``hr`` (SE ``se`` on log HR)?

    The estimate is read as a normal likelihood on log HR (Altman and Bland 1995: a wide
    interval that includes 1 is absence of evidence, not evidence of absence).

    Examples
    --------
    ALEXANDRA (HR 1.11, SE 0.125 from the CI 0.87–1.42): does it rule out HR 0.80?

    >>> check = check_benefit(1.11, 0.125, benefit_hr=0.80)
    >>> check.inside_ci, round(check.p_value, 4), round(check.relative_likelihood, 3)
    (False, 0.0044, 0.032)
    >>> check_benefit(1.11, 0.125, benefit_hr=0.90).inside_ci
    True
    """
    log_hr = math.log(checks.positive("check_benefit", "hr", hr))
    se = checks.positive("check_benefit", "se", se)
    z = z_for(level, "check_benefit")
    lower, upper = math.exp(log_hr - z * se), math.exp(log_hr + z * se)
    distance = (log_hr - math.log(checks.positive("check_benefit", "benefit_hr", benefit_hr))) / se
    return BenefitCheck(
        benefit_hr=float(benefit_hr),
        lower=lower,
        upper=upper,
        inside_ci=bool(lower <= benefit_hr <= upper),
        p_value=float(stats.norm.sf(distance)),
        relative_likelihood=math.exp(-(distance**2) / 2),
    )


# --------------------------------------------------------------------------------------------
# 3. Bayesian reanalysis with a normal prior
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NormalPrior:
    """A normal prior on log HR: ``median_hr`` is ``exp(mean)``, ``sd`` is on the log scale."""

    median_hr: float
    sd: float

    @property
    def mean_log_hr(self) -> float:
        return math.log(self.median_hr)


def prior_presets(design_hr: float, tail: float = 0.05) -> dict[str, NormalPrior]:
    """The three reference priors of Spiegelhalter et al. (2004), used by Wijeysundera et al. (2009).

    * ``"non-informative"``: centred on no effect, SD 10 on log HR (flat over any plausible HR);
    * ``"sceptical"``: centred on no effect, with only ``tail`` (5%) prior probability that the
      benefit is at least the design alternative ``design_hr``;
    * ``"enthusiastic"``: centred on ``design_hr``, same SD, so ``tail`` probability of no benefit.

    Examples
    --------
    >>> presets = prior_presets(0.75)
    >>> sorted(presets)
    ['enthusiastic', 'non-informative', 'sceptical']
    >>> round(presets["sceptical"].sd, 3), presets["enthusiastic"].median_hr
    (0.175, 0.75)
    """
    design_hr = checks.positive("prior_presets", "design_hr", design_hr)
    if design_hr >= 1:
        checks.fail(
            checks.call("prior_presets", "design_hr", design_hr),
            "design_hr must be below 1 (a design alternative is a benefit)",
        )
    sd = -math.log(design_hr) / float(stats.norm.isf(checks.probability("prior_presets", "tail", tail)))
    return {
        "non-informative": NormalPrior(median_hr=1.0, sd=10.0),
        "sceptical": NormalPrior(median_hr=1.0, sd=sd),
        "enthusiastic": NormalPrior(median_hr=design_hr, sd=sd),
    }


@dataclass(frozen=True)
class Posterior:
    """A normal posterior on log HR, summarised on the HR scale.

    Attributes
    ----------
    mean_log_hr, sd : the posterior normal distribution of log HR.
    median_hr : ``exp(mean_log_hr)``.
    lower, upper : the 95% credible interval of the HR.
    p_below_1 : posterior probability of any benefit, P(HR < 1).
    p_below_0_9 : posterior probability of a benefit of at least 10%, P(HR < 0.9).
    """

    mean_log_hr: float
    sd: float
    median_hr: float
    lower: float
    upper: float
    p_below_1: float
    p_below_0_9: float

    def probability_below(self, hr: float) -> float:
        """Posterior probability that the true HR is below ``hr``."""
        return _normal_below(hr, self.mean_log_hr, self.sd)


def _normal_below(hr: float, mean_log_hr: float, sd: float) -> float:
    return float(
        stats.norm.cdf((math.log(checks.positive("Posterior.probability_below", "hr", hr)) - mean_log_hr) / sd)
    )


def normal_posterior(prior: NormalPrior, hr: float, se: float) -> Posterior:
    """Combine a normal prior on log HR with an estimate ``hr`` (SE ``se`` on log HR).

    Conjugate normal updating: precisions add, and the posterior mean is the
    precision-weighted mean of the prior mean and the estimate.

    Examples
    --------
    A sceptical prior pulls ALEXANDRA's HR 1.11 towards 1:

    >>> posterior = normal_posterior(NormalPrior(1.0, 0.175), hr=1.11, se=0.125)
    >>> round(posterior.median_hr, 3), round(posterior.lower, 2), round(posterior.upper, 2)
    (1.072, 0.88, 1.31)
    >>> round(posterior.p_below_1, 2), round(posterior.p_below_0_9, 3)
    (0.25, 0.043)
    """
    prior_sd = checks.positive("normal_posterior", "prior.sd", prior.sd)
    checks.positive("normal_posterior", "prior.median_hr", prior.median_hr)
    data_precision = 1 / checks.positive("normal_posterior", "se", se) ** 2
    prior_precision = 1 / prior_sd**2
    precision = prior_precision + data_precision
    mean = (
        prior_precision * prior.mean_log_hr + data_precision * math.log(checks.positive("normal_posterior", "hr", hr))
    ) / precision
    sd = math.sqrt(1 / precision)
    z = Z_95
    return Posterior(
        mean_log_hr=mean,
        sd=sd,
        median_hr=math.exp(mean),
        lower=math.exp(mean - z * sd),
        upper=math.exp(mean + z * sd),
        p_below_1=_normal_below(1.0, mean, sd),
        p_below_0_9=_normal_below(0.9, mean, sd),
    )


# --------------------------------------------------------------------------------------------
# 4. Conditional power
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionalPower:
    """Where a trial stands and where it could end, on the Brownian-motion scale.

    Attributes
    ----------
    information_fraction : ``t``, events so far over events planned.
    z_now : the log-rank statistic so far, positive when the experimental arm does better.
    b_value : ``z_now · √t``, the Brownian motion's current position.
    drift : ``θ``, the expected final statistic if the true HR is the assumed one.
    probability : the conditional power, P(final statistic ≥ the critical value | data so far).
    """

    information_fraction: float
    z_now: float
    b_value: float
    drift: float
    probability: float


def conditional_power(
    observed_hr: float, events: float, planned_events: float, assumed_hr: float, alpha: float = 0.05
) -> ConditionalPower:
    """Probability that a trial continued to ``planned_events`` ends with significant benefit.

    The log-rank statistic, signed so that it is positive when the experimental arm does better,
    behaves like a Brownian motion in the information fraction ``t = events / planned_events``
    (Lachin 2005). With ``Z(t)`` the statistic so far (from the observed HR and ``V = events/4``)
    and drift ``θ = −ln(assumed_hr) · √(planned_events / 4)``::

        CP = 1 − Φ((z_{1−α/2} − Z(t)·√t − θ·(1 − t)) / √(1 − t))

    ``assumed_hr = observed_hr`` is "the current trend"; ``assumed_hr = 1`` is "no effect".

    Examples
    --------
    ALEXANDRA: HR 1.11 at 266 of 390 planned events.

    >>> result = conditional_power(1.11, 266, 390, assumed_hr=0.75)
    >>> round(result.information_fraction, 3), round(result.b_value, 3), round(result.probability, 4)
    (0.682, -0.703, 0.0009)
    >>> conditional_power(1.11, 266, 390, assumed_hr=1.11).probability < 1e-6
    True
    >>> from alexandra.design import detectable_hazard_ratio
    >>> round(conditional_power(1.0, 1e-9, 390, assumed_hr=detectable_hazard_ratio(390)).probability, 3)  # t≈0: power
    0.8
    """
    events = checks.positive("conditional_power", "events", events)
    planned_events = checks.positive("conditional_power", "planned_events", planned_events)
    if events >= planned_events:
        checks.fail(
            checks.call("conditional_power", "events", events),
            f"events must be below planned_events={planned_events:g}; nothing is left to observe",
        )
    t = events / planned_events
    z_now = -math.log(checks.positive("conditional_power", "observed_hr", observed_hr)) / _se_from_events(
        "conditional_power", events
    )
    drift = -math.log(checks.positive("conditional_power", "assumed_hr", assumed_hr)) / _se_from_events(
        "conditional_power", planned_events
    )
    shortfall = _z_test("conditional_power", alpha) - z_now * math.sqrt(t) - drift * (1 - t)
    return ConditionalPower(
        information_fraction=t,
        z_now=z_now,
        b_value=z_now * math.sqrt(t),
        drift=drift,
        probability=float(stats.norm.sf(shortfall / math.sqrt(1 - t))),
    )


# --------------------------------------------------------------------------------------------
# 5. Sampling variability: simulated trials like ALEXANDRA
# --------------------------------------------------------------------------------------------


def probability_observed_at_least(threshold_hr: float, true_hr: float, events: float) -> float:
    """Normal approximation: chance that a trial with ``events`` events observes HR ≥ ``threshold_hr``.

    >>> round(probability_observed_at_least(1.11, true_hr=0.85, events=266), 3)
    0.015
    """
    distance = math.log(checks.positive("probability_observed_at_least", "threshold_hr", threshold_hr)) - math.log(
        checks.positive("probability_observed_at_least", "true_hr", true_hr)
    )
    return float(stats.norm.sf(distance / _se_from_events("probability_observed_at_least", events)))


#: The two tables of precomputed simulations, in ``data/simulated/``.
SAMPLING_FILES = {"histogram": "sampling_histogram.csv", "summary": "sampling_summary.csv"}


def sampling_distribution(
    model: design.TrialModel,
    true_hrs: list[float],
    n_trials: int,
    seed: int,
    published_hr: float,
    events: int,
    bin_width: float = 0.02,
    alpha: float = 0.05,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate ``n_trials`` trials like ``model`` per true HR, summarised into two small tables.

    The trials come from a calendar-time trial model (:class:`~alexandra.design.TrialModel`;
    the book uses ALEXANDRA's, :func:`~alexandra.trial.alexandra_trial_model`), with each
    true HR in place of the model's. Each is analysed at its ``events``-th event
    with a Cox model (:func:`~alexandra.design.simulate_interim`). Histogram bins of the
    observed HR have width ``bin_width`` and an edge at ``published_hr``, so that bars at or
    above the published estimate are whole bars. Each true HR has its own random stream,
    seeded by ``(seed, round(1000 · true_hr))``: one row can be regenerated without the others.

    Returns
    -------
    histogram : columns ``true_hr, bin_lower, bin_upper, trials`` (non-empty bins only).
    summary : one row per true HR: ``true_hr, trials, median_observed_hr,
        share_at_least_published, share_significant_benefit, share_significant_harm``.

    Examples
    --------
    >>> from alexandra.trial import alexandra_trial_model
    >>> histogram, summary = sampling_distribution(alexandra_trial_model(), [0.85, 1.0], n_trials=50, seed=7, published_hr=1.11, events=266)
    >>> summary["trials"].tolist(), histogram.groupby("true_hr")["trials"].sum().tolist()
    ([50, 50], [50, 50])
    """
    published_hr = checks.positive("sampling_distribution", "published_hr", published_hr)
    bin_width = checks.positive("sampling_distribution", "bin_width", bin_width)
    z = _z_test("sampling_distribution", alpha)
    histograms, rows = [], []
    for true_hr in true_hrs:
        rng = np.random.default_rng([seed, round(1000 * true_hr)])
        with_true_hr = replace(model, hazard_ratio=checks.positive("sampling_distribution", "true_hrs", true_hr))
        trials = design.simulate_interim(with_true_hr, events, n_trials=n_trials, seed=rng)
        observed = trials["observed_hr"].to_numpy()
        lowest = math.floor((observed.min() - published_hr) / bin_width)
        highest = math.floor((observed.max() - published_hr) / bin_width) + 1
        edges = published_hr + bin_width * np.arange(lowest, highest + 1)
        counts, _ = np.histogram(observed, bins=edges)
        kept = counts > 0
        histograms.append(
            pd.DataFrame(
                {
                    "true_hr": true_hr,
                    "bin_lower": edges[:-1][kept].round(6),
                    "bin_upper": edges[1:][kept].round(6),
                    "trials": counts[kept],
                }
            )
        )
        logrank_z = trials["logrank_z"].to_numpy()  # negative favours atezolizumab
        rows.append(
            {
                "true_hr": true_hr,
                "trials": n_trials,
                "median_observed_hr": float(np.median(observed)),
                "share_at_least_published": float(np.mean(observed >= published_hr)),
                "share_significant_benefit": float(np.mean(logrank_z < -z)),
                "share_significant_harm": float(np.mean(logrank_z > z)),
            }
        )
    return pd.concat(histograms, ignore_index=True), pd.DataFrame(rows)


def load_sampling(folder: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The precomputed histogram and summary tables (``scripts/precompute_sampling.py``).

    ``folder`` defaults to ``data/simulated`` of the book. Each file's first line is a
    comment naming the command that made it.

    >>> histogram, summary = load_sampling()
    >>> bool((histogram.groupby("true_hr")["trials"].sum() == summary.set_index("true_hr")["trials"]).all())
    True
    """
    folder = Path(folder) if folder is not None else find_data_dir() / "simulated"
    tables = []
    for name in ("histogram", "summary"):
        path = folder / SAMPLING_FILES[name]
        if not path.is_file():
            checks.fail(str(path), "missing; run `python scripts/precompute_sampling.py` to make it")
        table = pd.read_csv(path, comment="#")
        if table.empty or table.isna().any().any():
            checks.fail(str(path), "empty or with missing values; regenerate it with scripts/precompute_sampling.py")
        tables.append(table)
    histogram, summary = tables
    totals = histogram.groupby("true_hr")["trials"].sum()
    for row in summary.itertuples():
        if totals.get(row.true_hr) != row.trials:
            checks.fail(
                str(folder / SAMPLING_FILES["histogram"]),
                f"{totals.get(row.true_hr, 0)} in all, but the summary says {row.trials}",
                row=f"true_hr {row.true_hr}",
                field="trials",
            )
    return histogram, summary


def sampling_row(summary: pd.DataFrame, true_hr: float) -> pd.Series:
    """The row of the precomputed summary for one simulated true HR.

    >>> row = sampling_row(load_sampling()[1], 0.85)
    >>> int(row["trials"])
    1000
    """
    matches = summary[np.isclose(summary["true_hr"], true_hr, rtol=0, atol=1e-9)]
    if len(matches) != 1:
        simulated = ", ".join(f"{hr:g}" for hr in summary["true_hr"])
        checks.fail(
            checks.call("sampling_row", "true_hr", true_hr), f"true_hr was not simulated; the summary has {simulated}"
        )
    return matches.iloc[0]
