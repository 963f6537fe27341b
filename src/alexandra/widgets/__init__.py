"""The book's widgets: one computation drawn twice, as an Altair chart that works in the HTML
book with no kernel and as live ipywidgets for JupyterLab, Binder and Colab.

The kit (:class:`BookWidget`, :class:`Control`, :class:`Readout`), the widgets of the
uncertainty chapter (:func:`precision`, :func:`reading_the_ci`, :func:`bayesian`,
:func:`conditional_power_widget`, :func:`sampling`, :func:`subgroups`) and of the stopping-early
chapter (:func:`monitoring_chart`, :func:`monitoring_live`), of the reconstruction chapter
(:func:`stratification`: prognostic strata and the stratified hazard ratio) and of the chapter on effects
that change over time (:func:`nonproportional`).
"""

from alexandra.widgets._kit import (
    PLOT_HEIGHT,
    PLOT_WIDTH,
    BookWidget,
    Control,
    Readout,
    interval_readout,
    marker_rules,
    published_hr,
    total_events,
)
from alexandra.widgets._monitoring import (
    MONITORING_BINDING,
    MONITORING_HAZARD_RATIOS,
    monitoring_chart,
    monitoring_futility_rules,
    monitoring_live,
    monitoring_operating_table,
    monitoring_plan,
    monitoring_readout_lines,
)
from alexandra.widgets._nonproportional import (
    NPH_POWER_COLUMNS,
    NPH_SCENARIOS,
    load_nph_power,
    nonproportional,
    nph_power_row,
    nph_scenario_pieces,
)
from alexandra.widgets._simulation import (
    FOREST_DRAWS,
    FOREST_SEED,
    MAX_SUBGROUPS,
    forest_axis,
    sampling,
    subgroups,
)
from alexandra.widgets._stratification import (
    STRATIFICATION_FILE,
    load_stratification,
    stratification,
    stratification_row,
)
from alexandra.widgets._uncertainty import (
    all_widgets,
    bayesian,
    conditional_power_widget,
    precision,
    reading_the_ci,
)

__all__ = [
    "BookWidget",
    "Control",
    "FOREST_DRAWS",
    "FOREST_SEED",
    "MAX_SUBGROUPS",
    "MONITORING_BINDING",
    "MONITORING_HAZARD_RATIOS",
    "NPH_POWER_COLUMNS",
    "NPH_SCENARIOS",
    "PLOT_HEIGHT",
    "PLOT_WIDTH",
    "Readout",
    "STRATIFICATION_FILE",
    "all_widgets",
    "bayesian",
    "conditional_power_widget",
    "forest_axis",
    "interval_readout",
    "load_nph_power",
    "load_stratification",
    "marker_rules",
    "monitoring_chart",
    "monitoring_futility_rules",
    "monitoring_live",
    "monitoring_operating_table",
    "monitoring_plan",
    "monitoring_readout_lines",
    "nonproportional",
    "nph_power_row",
    "nph_scenario_pieces",
    "precision",
    "published_hr",
    "reading_the_ci",
    "sampling",
    "stratification",
    "stratification_row",
    "subgroups",
    "total_events",
]
