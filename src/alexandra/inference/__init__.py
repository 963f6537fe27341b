"""Reading a result: a hazard ratio's uncertainty, group-sequential monitoring, and harms.

- uncertainty: precision for a number of events, priors and posteriors, conditional power,
  subgroups (:func:`precision_for_events`, :func:`normal_posterior`, :func:`conditional_power`, …);
- monitoring: group-sequential designs, spending functions and futility rules
  (:func:`group_sequential_design`, :func:`boundary_conditional_power`, …);
- safety: risk differences and their intervals (:func:`risk_difference`, …).

>>> from alexandra import inference
>>> round(inference.precision_for_events(266, true_hr=0.75).ci_ratio, 2)
1.62
"""

from alexandra.inference._monitoring import (
    FUTILITY_RULES,
    SPENDING_FUNCTIONS,
    Design,
    OperatingCharacteristics,
    alpha_spent,
    boundary_conditional_power,
    futility_z,
    group_sequential_design,
    hr_from_z,
    information_fraction,
    operating_characteristics,
    predictive_power,
    simulate_stopped_treatment,
    z_from_hr,
)
from alexandra.inference._safety import (
    COUNT_CHOICES,
    RISK_DIFFERENCE_METHODS,
    CountRange,
    HarmSummary,
    Interval,
    NumberNeededToHarm,
    counts_from_percent,
    harm_from_percentages,
    number_needed_to_harm,
    risk_difference,
    wilson_interval,
)
from alexandra.inference._subgroups import (
    SubgroupMultiplicity,
    forest_draws,
    forest_extent,
    simulated_forest,
    subgroup_multiplicity,
)
from alexandra.inference._uncertainty import (
    SAMPLING_FILES,
    BenefitCheck,
    ConditionalPower,
    NormalPrior,
    Posterior,
    Precision,
    check_benefit,
    conditional_power,
    load_sampling,
    normal_posterior,
    precision_for_events,
    prior_presets,
    probability_observed_at_least,
    sampling_distribution,
    sampling_row,
)

__all__ = [
    "BenefitCheck",
    "COUNT_CHOICES",
    "ConditionalPower",
    "CountRange",
    "Design",
    "FUTILITY_RULES",
    "HarmSummary",
    "Interval",
    "NormalPrior",
    "NumberNeededToHarm",
    "OperatingCharacteristics",
    "Posterior",
    "Precision",
    "RISK_DIFFERENCE_METHODS",
    "SAMPLING_FILES",
    "SPENDING_FUNCTIONS",
    "SubgroupMultiplicity",
    "alpha_spent",
    "boundary_conditional_power",
    "check_benefit",
    "conditional_power",
    "counts_from_percent",
    "forest_draws",
    "forest_extent",
    "futility_z",
    "group_sequential_design",
    "harm_from_percentages",
    "hr_from_z",
    "information_fraction",
    "load_sampling",
    "normal_posterior",
    "number_needed_to_harm",
    "operating_characteristics",
    "precision_for_events",
    "predictive_power",
    "prior_presets",
    "probability_observed_at_least",
    "risk_difference",
    "sampling_distribution",
    "sampling_row",
    "simulate_stopped_treatment",
    "simulated_forest",
    "subgroup_multiplicity",
    "wilson_interval",
    "z_from_hr",
]
