"""The one Cox model of the book: a binary covariate, Efron's ties, strata, many trials at once.

With one binary covariate (treatment or not) the Cox partial likelihood depends on the data only
through, at each distinct event time of each stratum, the events and the patients at risk in each
arm. :func:`cox_from_risk_sets` fits it from those counts, for one trial or for thousands at once
(one row per trial), by Newton's method with step halving, as R's ``coxph`` does.

Efron's approximation for ``d`` tied events at a time, ``d1`` of them treated, with ``n1`` treated
and ``n0`` untreated patients at risk, takes the denominators, for ``k = 0 … d − 1``,

    A_k(β) = n1·e^β + n0 − (k/d)·(d1·e^β + d0),

so that the log partial likelihood is ``Σ [d1·β − Σ_k log A_k(β)]``, its score
``Σ [d1 − Σ_k p_k]`` and its information ``Σ Σ_k p_k (1 − p_k)`` with
``p_k = e^β (n1 − (k/d)·d1) / A_k(β)``. At ``β = 0`` with no ties the score is the log-rank
O − E and the information its variance.

>>> fit = cox_from_risk_sets([[0.0, 1.0]], [[1.0, 0.0]], [[2.0, 1.0]], [[2.0, 2.0]])
>>> round(float(fit.log_hr[0]), 6) == round(float(np.log(2)) / 2, 6)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["CoxFit", "cox_from_risk_sets"]

_MAX_ITERATIONS = 60
_TOLERANCE = 1e-12
_LARGEST_LOG_HR = 20.0  # a hazard ratio beyond e^±20 is a separated data set, not an estimate


@dataclass(frozen=True)
class CoxFit:
    """Cox fits of a binary covariate, one per row of the counts.

    Attributes
    ----------
    log_hr : the maximum partial likelihood estimate of the log hazard ratio.
    information : the observed information at it (``1 / information`` is the variance).
    score_at_zero, information_at_zero : score and information at ``β = 0``: the score test,
        which is the log-rank test when no times are tied.
    converged : whether Newton's steps fell below 1e-12 for that row at a finite estimate
        (``|log_hr| < 20``; beyond, the estimate runs off to infinity, as when one arm has no events).
    """

    log_hr: npt.NDArray[np.float64]
    information: npt.NDArray[np.float64]
    score_at_zero: npt.NDArray[np.float64]
    information_at_zero: npt.NDArray[np.float64]
    converged: npt.NDArray[np.bool_]


def _as_rows(values: Any) -> npt.NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    return array[None, :] if array.ndim == 1 else array


def _efron_terms(
    beta: npt.NDArray[np.float64],
    treated_events: npt.NDArray[np.float64],
    control_events: npt.NDArray[np.float64],
    treated_at_risk: npt.NDArray[np.float64],
    control_at_risk: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Log partial likelihood, score and information per row at ``beta``."""
    weight = np.exp(beta)[:, None]
    events = treated_events + control_events
    log_likelihood = (treated_events * beta[:, None]).sum(axis=1)
    score = treated_events.sum(axis=1)
    information = np.zeros(beta.shape)
    most_tied = int(events.max()) if events.size else 0
    for k in range(most_tied):
        active = events > k
        fraction = np.where(active, k / np.maximum(events, 1.0), 0.0)
        treated_part = weight * (treated_at_risk - fraction * treated_events)
        denominator = treated_part + control_at_risk - fraction * control_events
        safe = np.where(active, denominator, 1.0)
        share = np.where(active, treated_part / safe, 0.0)
        log_likelihood -= np.where(active, np.log(safe), 0.0).sum(axis=1)
        score -= share.sum(axis=1)
        information += (share * (1.0 - share)).sum(axis=1)
    return log_likelihood, score, information


def cox_from_risk_sets(treated_events: Any, control_events: Any, treated_at_risk: Any, control_at_risk: Any) -> CoxFit:
    """Fit the Cox model of a binary covariate from its risk sets, one trial per row.

    Each argument is an array of shape ``(trials, cells)`` (or ``(cells,)`` for one trial): a
    cell is one distinct event time in one stratum; rows may be padded with cells of no events.
    A stratified model needs nothing more: each stratum's cells carry its own patients at risk.

    Returns
    -------
    CoxFit
        The estimate and information per row; an arm without events has no finite estimate
        (``converged`` is False there).

    Examples
    --------
    Two trials of two event times each (no ties):

    >>> fit = cox_from_risk_sets([[1, 0], [0, 1]], [[0, 1], [1, 0]], [[3, 2], [3, 2]], [[3, 2], [3, 2]])
    >>> np.round(fit.log_hr, 4).tolist(), fit.converged.tolist()
    ([0.0, 0.0], [True, True])

    Events in one arm only: the estimate runs off to minus infinity and is not converged.

    >>> bool(cox_from_risk_sets([0, 0], [1, 1], [3, 2], [3, 2]).converged[0])
    False
    """
    treated, control = _as_rows(treated_events), _as_rows(control_events)
    n_treated, n_control = _as_rows(treated_at_risk), _as_rows(control_at_risk)
    start = np.zeros(treated.shape[0])
    _, score_at_zero, information_at_zero = _efron_terms(start, treated, control, n_treated, n_control)
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = np.where(information_at_zero > 0, score_at_zero / information_at_zero, 0.0)  # Peto's one step
    log_likelihood, score, information = _efron_terms(beta, treated, control, n_treated, n_control)
    converged = np.zeros(beta.shape, dtype=bool)
    for _ in range(_MAX_ITERATIONS):
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.where(converged | (information <= 0), 0.0, score / information)
        step = np.clip(step, -5.0, 5.0)
        candidate = beta + step
        new_log_likelihood, new_score, new_information = _efron_terms(candidate, treated, control, n_treated, n_control)
        # The partial likelihood is concave: a step that lowers it overshot; halve it (as coxph does).
        worse = new_log_likelihood < log_likelihood - 1e-12 * np.abs(log_likelihood)
        for _ in range(30):
            if not worse.any():
                break
            step = np.where(worse, step / 2, step)
            candidate = beta + step
            new_log_likelihood, new_score, new_information = _efron_terms(
                candidate, treated, control, n_treated, n_control
            )
            worse = new_log_likelihood < log_likelihood - 1e-12 * np.abs(log_likelihood)
        beta, log_likelihood, score, information = candidate, new_log_likelihood, new_score, new_information
        converged |= np.abs(step) < _TOLERANCE
        if converged.all():
            break
    return CoxFit(
        log_hr=beta,
        information=information,
        score_at_zero=score_at_zero,
        information_at_zero=information_at_zero,
        converged=converged & (np.abs(beta) < _LARGEST_LOG_HR) & (information > 0),
    )
