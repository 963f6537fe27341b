"""ALEXANDRA's published numbers and how they are read: the data layer of the book.

Every published number lives in ``data/published/alexandra.csv`` with its source and
location; :func:`get` gives one as an :class:`Estimate`. Also here: the table's schema
and checks, where the data files are (:func:`find_data_dir`, :func:`read_table` for the
generated tables of ``data/simulated`` and ``data/reconstructed``), context facts, and
dates in prose.

>>> from alexandra import published
>>> published.get("idfs_hr_stratified").text()
'1.11 (95% CI 0.87–1.42)'
"""

from alexandra.published._dates import (
    DAYS_PER_MONTH,
    date_text,
    months_between,
)
from alexandra.published._estimate import (
    ARMS,
    COLUMNS,
    PRIMARY_SOURCE,
    REFERENCE_ARM,
    TIERS,
    Estimate,
    Quantity,
)
from alexandra.published._files import (
    DATA_ENV_VAR,
    DEFAULT_BIBLIOGRAPHY,
    DEFAULT_PATH,
    bibliography_keys,
    context_fact,
    find_data_dir,
)
from alexandra.published._published import (
    QUANTITIES,
    get,
    keys,
    load,
    provenance,
)
from alexandra.published._table_checks import (
    UNITS,
)

__all__ = [
    "ARMS",
    "COLUMNS",
    "DATA_ENV_VAR",
    "DAYS_PER_MONTH",
    "DEFAULT_BIBLIOGRAPHY",
    "DEFAULT_PATH",
    "Estimate",
    "PRIMARY_SOURCE",
    "QUANTITIES",
    "Quantity",
    "REFERENCE_ARM",
    "TIERS",
    "UNITS",
    "bibliography_keys",
    "context_fact",
    "date_text",
    "find_data_dir",
    "get",
    "keys",
    "load",
    "months_between",
    "provenance",
]
