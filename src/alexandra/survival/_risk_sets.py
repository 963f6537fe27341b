"""Risk sets at each distinct event time: what the log-rank, weighted log-rank and Cox fits are built from.

One sort by (block, time) gives, at each event time within a block (a stratum, or one simulated
trial), the deaths and the patients at risk overall and on treatment, and the pooled Kaplan–Meier
estimate just before it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__: list[str] = []


@dataclass(frozen=True)
class _EventTimes:
    """One row per distinct event time within a block (a stratum, or one simulated trial)."""

    block: npt.NDArray[np.int64]
    time: npt.NDArray[np.float64]
    deaths: npt.NDArray[np.float64]
    treated_deaths: npt.NDArray[np.float64]
    at_risk: npt.NDArray[np.float64]
    treated_at_risk: npt.NDArray[np.float64]
    #: The pooled Kaplan-Meier estimate of the block just before the time, S(t-).
    survival_before: npt.NDArray[np.float64]

    @property
    def excess(self) -> npt.NDArray[np.float64]:
        """Treated deaths minus those expected under no difference, d1 - d n1 / n."""
        return self.treated_deaths - self.deaths * self.treated_at_risk / self.at_risk

    @property
    def variance(self) -> npt.NDArray[np.float64]:
        """The hypergeometric variance of the treated deaths (0 when one patient is at risk, as in R)."""
        n, d = self.at_risk, self.deaths
        share = self.treated_at_risk / n
        tie_correction = np.where(n > 1, (n - d) / np.maximum(n - 1, 1), 0.0)
        return np.asarray(d * share * (1 - share) * tie_correction)

    def weights(self, rho: float, gamma: float) -> npt.NDArray[np.float64]:
        """The Fleming-Harrington weight S(t-)^rho (1 - S(t-))^gamma of each event time."""
        return np.asarray(self.survival_before**rho * (1 - self.survival_before) ** gamma)


def _event_times(
    time: npt.NDArray[np.float64],
    event: npt.NDArray[np.int64],
    treated: npt.NDArray[np.bool_],
    block: npt.NDArray[np.int64],
) -> _EventTimes:
    """Deaths and numbers at risk, overall and on treatment, at each event time of each block.

    One sort by (block, time) turns every per-time quantity into a sum over a run of equal
    keys, so the cost is that of the sort, with no loop over patients, times or blocks.
    """
    order = np.lexsort((time, block))
    time, block, event = time[order], block[order], event[order]
    treated_int = treated[order].astype(np.int64)

    new_cell = np.ones(time.size, dtype=bool)
    new_cell[1:] = (time[1:] != time[:-1]) | (block[1:] != block[:-1])
    start = np.flatnonzero(new_cell)
    deaths = np.add.reduceat(event, start).astype(np.float64)
    treated_deaths = np.add.reduceat(event * treated_int, start).astype(np.float64)
    # At risk at a cell: the patients of its block from the cell's first row to the block's end.
    block_end = np.searchsorted(block, block[start], side="right")
    at_risk = (block_end - start).astype(np.float64)
    treated_before = np.concatenate(([0], np.cumsum(treated_int)))
    treated_at_risk = (treated_before[block_end] - treated_before[start]).astype(np.float64)

    # Pooled Kaplan-Meier just before each cell: the product of (1 - d/n) over the earlier cells
    # of its block, as a sum of logs. Only a block's last cell can have d == n (nobody is left
    # after it), and it never enters an earlier cell's product, so its factor is dropped.
    cell_block = block[start]
    with np.errstate(divide="ignore"):
        log_factor = np.log1p(-deaths / at_risk)
    log_factor[deaths == at_risk] = 0.0
    through = np.cumsum(log_factor)
    first_of_block = np.searchsorted(cell_block, cell_block, side="left")
    before = through - log_factor - (through[first_of_block] - log_factor[first_of_block])
    has_deaths = deaths > 0
    return _EventTimes(
        block=cell_block[has_deaths],
        time=time[start][has_deaths],
        deaths=deaths[has_deaths],
        treated_deaths=treated_deaths[has_deaths],
        at_risk=at_risk[has_deaths],
        treated_at_risk=treated_at_risk[has_deaths],
        survival_before=np.exp(before[has_deaths]),
    )
