"""The normal quantile behind every two-sided interval of the book: one constant, one function.

A confidence level is written ``level=0.95`` throughout the package (R's convention). The
interval ``estimate ± z · SE`` then uses ``z = z_for(level)``, the standard normal quantile
at ``(1 + level) / 2``; :data:`Z_95` is its value for 95%, the "1.96" of the chapters.

>>> round(Z_95, 6)
1.959964
>>> z_for(0.95) == Z_95
True
>>> round(z_for(0.90), 4)
1.6449
>>> z_for(95)
Traceback (most recent call last):
...
alexandra.errors.DataError: z_for(level=95): level must be a number strictly between 0 and 1 (0.95 for a 95% interval)
"""

from __future__ import annotations

from scipy import stats

from alexandra import checks

__all__ = ["Z_95", "z_for"]


def z_for(level: float, function: str = "z_for") -> float:
    """The standard normal quantile of a two-sided ``level`` interval (1.96 for 0.95).

    ``function`` names the caller in the message when ``level`` is not strictly between 0 and 1.
    """
    return float(stats.norm.ppf((1 + checks.level(function, level)) / 2))


#: ``z_for(0.95)`` = 1.959963984540054, the "1.96" of every 95% interval.
Z_95 = z_for(0.95)
