# Numbers from R's rpact that tests/test_monitoring.py compares alexandra.inference (monitoring) with.
#
# Run from the repository root:  Rscript tests/r/rpact_reference.R
# Needs rpact and jsonlite (Debian: r-cran-rpact r-cran-jsonlite); writes tests/r/rpact_reference.json.
#
# The design of the chapter "Stopping early": an interim analysis at 242 of 390 events (62%),
# efficacy tested one-sided at 2.5% (a two-sided 5% level on the side of benefit), Lan-DeMets
# spending of O'Brien-Fleming type ("asOF") or Pocock type ("asP"), and a futility boundary at
# z = 0 (interim hazard ratio above 1) that is absent, non-binding or binding. Hazard ratios are
# atezolizumab vs chemotherapy, so benefit is a hazard ratio below 1 (directionUpper = FALSE).

suppressPackageStartupMessages({
  library(rpact)
  library(jsonlite)
})

output_file <- file.path("tests", "r", "rpact_reference.json")
planned_events <- 390
interim_events <- 242
alpha_one_sided <- 0.025
hazard_ratios <- c(1, 0.9, 0.75)
spending <- c("obrien-fleming" = "asOF", "pocock" = "asP")
futility <- list(none = NULL, "non-binding" = 0, binding = 0)

make_design <- function(type, information, futility_name) {
  arguments <- list(kMax = 2, alpha = alpha_one_sided, beta = 0.2, sided = 1, typeOfDesign = type,
                    informationRates = information)
  if (!is.null(futility[[futility_name]])) {
    arguments$futilityBounds <- futility[[futility_name]]
    arguments$bindingFutility <- futility_name == "binding"
  }
  do.call(getDesignGroupSequential, arguments)
}

# Power depends on the events only (Schoenfeld); the accrual and the control hazard below are
# required arguments of getPowerSurvival that do not change any number written here.
power_of <- function(design) {
  getPowerSurvival(design, hazardRatio = hazard_ratios, directionUpper = FALSE,
                   maxNumberOfEvents = planned_events, maxNumberOfSubjects = 2199,
                   lambda2 = log(2) / 100, accrualTime = c(0, 52))
}

designs <- list()
for (name in names(spending)) {
  for (futility_name in names(futility)) {
    design <- make_design(spending[[name]], c(interim_events / planned_events, 1), futility_name)
    power <- power_of(design)
    has_futility <- !is.null(futility[[futility_name]])
    designs[[length(designs) + 1]] <- list(
      spending = name,
      futility = futility_name,
      futility_z = if (has_futility) futility[[futility_name]] else NA,
      critical_values = design$criticalValues,
      alpha_spent = design$alphaSpent,
      stage_levels = design$stageLevels,
      critical_values_hr = as.vector(power$criticalValuesEffectScale),
      futility_hr = if (has_futility) as.vector(power$futilityBoundsEffectScale) else NA,
      overall_reject = as.vector(power$overallReject),
      reject_interim = as.vector(power$rejectPerStage[1, ]),
      reject_final = as.vector(power$rejectPerStage[2, ]),
      futility_stop = if (has_futility) as.vector(power$futilityStop) else rep(0, length(hazard_ratios)),
      expected_events = as.vector(power$expectedNumberOfEvents)
    )
  }
}

# Conditional power at the interim that took place: 127 vs 112 events (239), HR 1.12 (SABCS 2023
# abstract, a secondary source). Lan-DeMets spending recomputes the boundaries at 239/390.
observed_events <- 239
observed_hr <- 1.12
conditional <- list()
for (name in names(spending)) {
  design <- make_design(spending[[name]], c(observed_events / planned_events, 1), "none")
  # rpact's log-rank statistic is positive when the hazard ratio is above 1.
  data <- getDataset(overallEvents = observed_events,
                     overallLogRanks = log(observed_hr) * sqrt(observed_events) / 2,
                     overallAllocationRatios = 1)
  stage <- getStageResults(design, data, directionUpper = FALSE)
  remaining <- planned_events - observed_events
  conditional[[length(conditional) + 1]] <- list(
    spending = name,
    critical_values = design$criticalValues,
    design_hr = 0.75,
    under_design_hr = getConditionalPower(stage, nPlanned = remaining, thetaH1 = 0.75)$conditionalPower[2],
    under_current_trend = getConditionalPower(stage, nPlanned = remaining)$conditionalPower[2]
  )
}

reference <- list(
  generated_by = "Rscript tests/r/rpact_reference.R",
  r_version = R.version.string,
  rpact_version = as.character(packageVersion("rpact")),
  planned_events = planned_events,
  interim_events = interim_events,
  alpha_one_sided = alpha_one_sided,
  hazard_ratios = hazard_ratios,
  designs = designs,
  observed = list(events = observed_events, hazard_ratio = observed_hr),
  conditional_power = conditional
)
write_json(reference, output_file, auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null")
cat("wrote", output_file, "\n")
