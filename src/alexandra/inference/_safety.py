"""Harms in two arms: risk differences, their confidence intervals, and the number needed to harm.

ALEXANDRA's abstract reports adverse events as one rounded percentage per arm
(treatment-related grade 3-4 adverse events 54% vs 44%; fatal adverse events
0.8% vs 0.6%) and no denominators. This module turns such numbers into what a
reader can act on:

* :func:`counts_from_percent` — which whole numbers of patients, out of an
  assumed denominator, round to the published percentage;
* :func:`wilson_interval` — the Wilson score interval for one proportion;
* :func:`risk_difference` — the difference of two proportions with the
  Newcombe hybrid score interval (method 10 of Newcombe 1998) or the Wald
  interval (both computed by statsmodels; our tests check them against
  Newcombe's published table);
* :func:`number_needed_to_harm` — the reciprocal of a risk difference, with a
  confidence interval that goes through infinity when the risk difference's
  interval includes zero (Altman 1998);
* :func:`harm_from_percentages` — all of the above from two published
  percentages and two assumed denominators.

Arm *a* is the experimental arm (atezolizumab plus chemotherapy) and arm *b*
the control arm, so a positive risk difference means more harm with the
experimental treatment.

>>> rd = risk_difference(595, 1101, 483, 1098)
>>> round(rd.estimate, 4), round(rd.lower, 4), round(rd.upper, 4)
(0.1005, 0.0588, 0.1418)
>>> number_needed_to_harm(rd).text()
'NNH 10 (95% CI 7 to 17)'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from alexandra import checks

__all__ = [
    "COUNT_CHOICES",
    "RISK_DIFFERENCE_METHODS",
    "CountRange",
    "HarmSummary",
    "Interval",
    "NumberNeededToHarm",
    "counts_from_percent",
    "harm_from_percentages",
    "number_needed_to_harm",
    "risk_difference",
    "wilson_interval",
]

RISK_DIFFERENCE_METHODS = ("newcombe", "wald")
"""Confidence interval methods of :func:`risk_difference`."""

COUNT_CHOICES = ("nearest", "least excess", "most excess")
"""Which counts :func:`harm_from_percentages` takes among those that round to the percentages:
the ones nearest to them, or the pair giving the least or the most excess of harm in arm *a*."""


@dataclass(frozen=True)
class Interval:
    """An estimate with its confidence interval.

    ``estimate``, ``lower`` and ``upper`` are proportions (0.054, not 5.4%).

    >>> wilson_interval(54, 100).text()
    '54.0% (95% CI 44.3% to 63.4%)'
    """

    estimate: float
    lower: float
    upper: float
    level: float
    method: str

    def includes(self, value: float) -> bool:
        """True when ``value`` lies inside the interval (ends included).

        >>> risk_difference(9, 1101, 7, 1098).includes(0.0)
        True
        """
        return self.lower <= value <= self.upper

    def text(self, decimals: int = 1) -> str:
        """The interval in percent, as a reader sees it.

        >>> risk_difference(9, 1101, 7, 1098).text(2)
        '0.18% (95% CI -0.60% to 0.98%)'
        """
        return (
            f"{100 * self.estimate:.{decimals}f}% ({_percent(self.level)} CI "
            f"{100 * self.lower:.{decimals}f}% to {100 * self.upper:.{decimals}f}%)"
        )


@dataclass(frozen=True)
class NumberNeededToHarm:
    """The number needed to harm and its confidence interval (Altman 1998).

    ``estimate`` is ``1 / risk difference``: positive when the experimental arm
    harms more (a number needed to harm, NNH), negative when it harms less (a
    number needed to treat for one patient to be spared the harm, NNTB), and
    infinite when the risk difference is exactly zero.

    The interval is obtained by inverting the ends of the risk difference's
    interval. When that interval includes zero, the interval of the number
    needed to harm is not "between" its two ends: it runs from the NNH at one
    end, through infinity, to the NNTB at the other (see :meth:`text`).

    >>> nnh = number_needed_to_harm(risk_difference(9, 1101, 7, 1098))
    >>> nnh.includes_infinity
    True
    >>> nnh.text()
    'NNH 556 (95% CI NNH 102 to ∞ to NNTB 168)'
    """

    estimate: float
    risk_difference: Interval

    @property
    def includes_infinity(self) -> bool:
        """True when the risk difference's interval includes zero (no difference)."""
        return self.risk_difference.includes(0.0)

    @property
    def harm_bound(self) -> float | None:
        """The smallest number needed to harm the interval allows, or None if it allows no harm.

        It comes from the upper end of the risk difference: the largest
        plausible excess of harm gives the fewest patients per extra harmed one.

        >>> round(number_needed_to_harm(risk_difference(9, 1101, 7, 1098)).harm_bound, 1)
        102.1
        """
        upper = self.risk_difference.upper
        return 1 / upper if upper > 0 else None

    @property
    def benefit_bound(self) -> float | None:
        """The smallest number needed to treat for one patient to be spared, or None if the interval allows no benefit.

        >>> number_needed_to_harm(risk_difference(595, 1101, 483, 1098)).benefit_bound is None
        True
        """
        lower = self.risk_difference.lower
        return -1 / lower if lower < 0 else None

    def text(self) -> str:
        """The number needed to harm as a reader sees it, rounded to whole patients.

        >>> number_needed_to_harm(risk_difference(10, 200, 30, 200)).text()
        'NNTB 10 (95% CI 6 to 24)'
        """
        rd = self.risk_difference
        level = _percent(rd.level)
        if self.estimate == math.inf:
            point = "no difference (NNH infinite)"
        elif self.estimate > 0:
            point = f"NNH {self.estimate:.0f}"
        else:
            point = f"NNTB {-self.estimate:.0f}"
        harm, benefit = self.harm_bound, self.benefit_bound
        if rd.lower > 0:  # harm at both ends: the larger risk difference gives the smaller NNH
            return f"{point} ({level} CI {1 / rd.upper:.0f} to {1 / rd.lower:.0f})"
        if rd.upper < 0:  # benefit at both ends
            return f"{point} ({level} CI {-1 / rd.lower:.0f} to {-1 / rd.upper:.0f})"
        # The interval includes zero: it passes through infinity.
        ends = [
            f"NNH {harm:.0f}" if harm is not None else None,
            "∞",
            f"NNTB {benefit:.0f}" if benefit is not None else None,
        ]
        return f"{point} ({level} CI {' to '.join(end for end in ends if end is not None)})"


@dataclass(frozen=True)
class CountRange:
    """The whole numbers of patients, out of ``denominator``, that round to a published percentage.

    >>> counts_from_percent(54, 1101, decimals=0)
    CountRange(percent=54.0, denominator=1101, decimals=0, lowest=590, highest=600, nearest=595)
    """

    percent: float
    denominator: int
    decimals: int
    lowest: int
    highest: int
    nearest: int


@dataclass(frozen=True)
class HarmSummary:
    """One harm compared between two arms: counts, risk difference and number needed to harm.

    Built by :func:`harm_from_percentages`; ``events_a`` and ``events_b`` are the
    counts it used (see :data:`COUNT_CHOICES`), and :meth:`as_row` gives one flat
    dictionary per scenario, for a table.
    """

    counts_a: CountRange
    counts_b: CountRange
    events_a: int
    events_b: int
    risk_difference: Interval
    number_needed_to_harm: NumberNeededToHarm

    def as_row(self) -> dict[str, float | int | str]:
        """A flat record of the comparison (proportions in percent).

        >>> row = harm_from_percentages(0.8, 1101, 0.6, 1098, decimals=1).as_row()
        >>> row["events_a"], row["events_b"], row["nnh"]
        (9, 7, 'NNH 556 (95% CI NNH 102 to ∞ to NNTB 168)')
        """
        rd = self.risk_difference
        return {
            "n_a": self.counts_a.denominator,
            "events_a": self.events_a,
            "n_b": self.counts_b.denominator,
            "events_b": self.events_b,
            "risk_difference_pct": 100 * rd.estimate,
            "lower_pct": 100 * rd.lower,
            "upper_pct": 100 * rd.upper,
            "method": rd.method,
            "nnh": self.number_needed_to_harm.text(),
        }


def counts_from_percent(percent: float, denominator: int, *, decimals: int) -> CountRange:
    """Which event counts out of ``denominator`` round to ``percent`` at ``decimals`` decimals.

    A percentage printed as 0.8% could be any count whose exact percentage
    lies within half a unit of the last printed digit (0.75% to 0.85%); the
    ends are included because papers round halves either way.

    Parameters
    ----------
    percent
        The published percentage (54 for 54%).
    denominator
        The assumed number of patients it is a percentage of.
    decimals
        How many decimals the source printed (0 for 54%, 1 for 0.8%).

    Returns
    -------
    CountRange
        The lowest and highest consistent counts, and the one nearest to
        ``percent × denominator / 100``.

    Raises
    ------
    DataError
        For a percentage outside 0-100, a denominator below 1, negative
        decimals, or when no whole count rounds to the percentage.

    Examples
    --------
    >>> counts_from_percent(0.8, 1101, decimals=1).nearest
    9
    >>> counts_from_percent(50, 3, decimals=0)
    Traceback (most recent call last):
    ...
    alexandra.errors.DataError: counts_from_percent(percent=50, denominator=3, decimals=0): no whole number of events out of 3 rounds to 50% (the nearest are 1/3 = 33.3% and 2/3 = 66.7%)
    """
    call = f"counts_from_percent(percent={percent!r}, denominator={denominator!r}, decimals={decimals!r})"
    percent = checks.number("counts_from_percent", "percent", percent, low=0, high=100)
    denominator = checks.whole("counts_from_percent", "denominator", denominator, minimum=1)
    decimals = checks.whole("counts_from_percent", "decimals", decimals, minimum=0)
    half_unit = 0.5 * 10.0**-decimals
    # A small tolerance keeps exact halves (e.g. 0.75% of 1200 = 9) inside despite binary floats.
    tolerance = 1e-9
    lowest = max(0, math.ceil((percent - half_unit) * denominator / 100 - tolerance))
    highest = min(denominator, math.floor((percent + half_unit) * denominator / 100 + tolerance))
    if lowest > highest:
        below, above = highest, lowest
        checks.fail(
            call,
            f"no whole number of events out of {denominator} rounds to {percent:g}% "
            f"(the nearest are {below}/{denominator} = {100 * below / denominator:.{decimals + 1}f}% and "
            f"{above}/{denominator} = {100 * above / denominator:.{decimals + 1}f}%)",
        )
    nearest = min(max(round(percent * denominator / 100), lowest), highest)
    return CountRange(float(percent), denominator, decimals, lowest, highest, nearest)


def wilson_interval(events: int, n: int, *, level: float = 0.95) -> Interval:
    """The Wilson score interval for a proportion ``events / n``.

    Unlike the Wald interval it never leaves 0-1 and does not collapse to a
    point when there are no events — which matters for rare harms such as
    fatal adverse events.

    Raises
    ------
    DataError
        For counts that are not whole, negative, or larger than ``n``, or a
        ``level`` outside (0, 1).

    Examples
    --------
    >>> interval = wilson_interval(0, 10)
    >>> round(interval.lower, 4), round(interval.upper, 4)
    (0.0, 0.2775)
    >>> wilson_interval(11, 10)
    Traceback (most recent call last):
    ...
    alexandra.errors.DataError: wilson_interval(events=11): events must be a whole number between 0 and n=10
    """
    events, n = _counts("wilson_interval", events, n, "events", "n")
    level = checks.level("wilson_interval", level)
    lower, upper = proportion_confint(events, n, alpha=1 - level, method="wilson")
    return Interval(events / n, float(lower), float(upper), level, "Wilson")


def risk_difference(
    events_a: int,
    n_a: int,
    events_b: int,
    n_b: int,
    *,
    method: str = "newcombe",
    level: float = 0.95,
) -> Interval:
    """The risk difference ``events_a / n_a − events_b / n_b`` with a confidence interval.

    Parameters
    ----------
    events_a, n_a
        Patients with the harm, and patients, in the experimental arm.
    events_b, n_b
        The same in the control arm.
    method
        ``"newcombe"`` (default): the hybrid score interval, method 10 of
        Newcombe (1998), which combines the Wilson intervals of the two
        proportions; it behaves well for rare events. ``"wald"``: the familiar
        estimate ± z × standard error, shown for comparison.
    level
        The confidence level (0.95 for a 95% interval).

    Raises
    ------
    DataError
        For invalid counts, an unknown method or a ``level`` outside (0, 1).

    Examples
    --------
    Newcombe's own first example (56/70 vs 48/80; his Table II gives 0.0524 to 0.3339):

    >>> rd = risk_difference(56, 70, 48, 80)
    >>> round(rd.lower, 4), round(rd.upper, 4)
    (0.0524, 0.3339)
    >>> rd = risk_difference(56, 70, 48, 80, method="wald")
    >>> round(rd.lower, 4), round(rd.upper, 4)
    (0.0575, 0.3425)
    """
    events_a, n_a = _counts("risk_difference", events_a, n_a, "events_a", "n_a")
    events_b, n_b = _counts("risk_difference", events_b, n_b, "events_b", "n_b")
    level = checks.level("risk_difference", level)
    checks.one_of("risk_difference", "method", method, RISK_DIFFERENCE_METHODS)
    # Newcombe's method 10 combines the two Wilson intervals: statsmodels calls it "newcomb".
    lower, upper = confint_proportions_2indep(
        events_a,
        n_a,
        events_b,
        n_b,
        method={"newcombe": "newcomb", "wald": "wald"}[method],
        compare="diff",
        alpha=1 - level,
    )
    label = {"newcombe": "Newcombe hybrid score", "wald": "Wald"}[method]
    return Interval(events_a / n_a - events_b / n_b, float(lower), float(upper), level, label)


def number_needed_to_harm(risk_difference: Interval) -> NumberNeededToHarm:
    """The number needed to harm, ``1 / risk difference``, with its interval (Altman 1998).

    >>> nnh = number_needed_to_harm(Interval(0.10, 0.05, 0.15, 0.95, "example"))
    >>> round(nnh.estimate, 1), nnh.text()
    (10.0, 'NNH 10 (95% CI 7 to 20)')
    >>> number_needed_to_harm(Interval(0.0, -0.01, 0.01, 0.95, "example")).text()
    'no difference (NNH infinite) (95% CI NNH 100 to ∞ to NNTB 100)'
    """
    estimate = math.inf if risk_difference.estimate == 0 else 1 / risk_difference.estimate
    return NumberNeededToHarm(estimate, risk_difference)


def harm_from_percentages(
    percent_a: float,
    n_a: int,
    percent_b: float,
    n_b: int,
    *,
    decimals: int,
    counts: str = "nearest",
    method: str = "newcombe",
    level: float = 0.95,
) -> HarmSummary:
    """Compare a harm published as two rounded percentages, under assumed denominators.

    Several event counts round to a published percentage
    (:func:`counts_from_percent`). By default the counts nearest to
    ``percent × n / 100`` are used; ``counts="least excess"`` takes the
    lowest count in arm *a* and the highest in arm *b*, ``"most excess"`` the
    reverse — the two ends of what the rounding allows.

    Raises
    ------
    DataError
        For a ``counts`` choice not in :data:`COUNT_CHOICES`, and as
        :func:`counts_from_percent` and :func:`risk_difference`.

    Examples
    --------
    >>> summary = harm_from_percentages(54, 1101, 44, 1098, decimals=0)
    >>> summary.events_a, summary.events_b
    (595, 483)
    >>> summary.risk_difference.text()
    '10.1% (95% CI 5.9% to 14.2%)'
    >>> least = harm_from_percentages(54, 1101, 44, 1098, decimals=0, counts="least excess")
    >>> least.events_a, least.events_b
    (590, 488)
    """
    found_a = counts_from_percent(percent_a, n_a, decimals=decimals)
    found_b = counts_from_percent(percent_b, n_b, decimals=decimals)
    chosen = {
        "nearest": (found_a.nearest, found_b.nearest),
        "least excess": (found_a.lowest, found_b.highest),
        "most excess": (found_a.highest, found_b.lowest),
    }
    events_a, events_b = chosen[checks.one_of("harm_from_percentages", "counts", counts, COUNT_CHOICES)]
    rd = risk_difference(events_a, found_a.denominator, events_b, found_b.denominator, method=method, level=level)
    return HarmSummary(found_a, found_b, events_a, events_b, rd, number_needed_to_harm(rd))


def _counts(function: str, events: object, n: object, events_name: str, n_name: str) -> tuple[int, int]:
    whole_n = checks.whole(function, n_name, n, minimum=1)
    whole_events = checks.whole(function, events_name, events, minimum=0)
    if whole_events > whole_n:
        checks.fail(
            checks.call(function, events_name, events),
            f"{events_name} must be a whole number between 0 and {n_name}={whole_n}",
        )
    return whole_events, whole_n


def _percent(level: float) -> str:
    return f"{100 * level:g}%"
