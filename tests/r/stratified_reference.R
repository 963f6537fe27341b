# Numbers from R's survival package that tests/test_stratified.py compares alexandra.survival with:
# the stratified Cox model and log-rank test, and the test of interaction (subgroups).
#
# Run from the repository root:  Rscript tests/r/stratified_reference.R
# Reads tests/r/fixtures/*.csv (made by tests/r/make_fixtures.R) and writes
# tests/r/stratified_reference.json. Needs the survival and jsonlite packages
# (Debian: r-base-core r-cran-survival r-cran-jsonlite).
#
# For each fixture and each stratification (none, one factor, every combination of factors):
#   coxph(Surv(time, event) ~ treated + strata(...))     coefficient, SE, maximised log likelihood
#   survdiff(Surv(time, event) ~ treated + strata(...))  chi-square, O - E and V of the treated arm
# and for each factor the test of interaction,
#   coxph(Surv(time, event) ~ treated + treated:factor + strata(factor)),
# read as one log hazard ratio per level (the level's contrast of the coefficients) with its SE, and
# the Wald test that the interaction coefficients are all 0 (k - 1 degrees of freedom).

suppressPackageStartupMessages({
  library(survival)
  library(jsonlite)
})

fixture_dir <- file.path("tests", "r", "fixtures")
output_file <- file.path("tests", "r", "stratified_reference.json")
tight <- coxph.control(eps = 1e-11, iter.max = 50)

settings <- list(
  prognostic = list(reference = "control", factors = c("nodes", "surgery")),
  trial = list(reference = "chemotherapy", factors = c("stratum"))
)

cox_numbers <- function(formula, data) {
  fit <- coxph(formula, data = data, ties = "efron", control = tight)
  list(coef = unname(coef(fit)[["treated"]]), se = unname(sqrt(vcov(fit)["treated", "treated"])),
       loglik = fit$loglik[2])
}

logrank_numbers <- function(formula, data) {
  fit <- survdiff(formula, data = data)
  observed <- if (is.matrix(fit$obs)) rowSums(fit$obs) else fit$obs
  expected <- if (is.matrix(fit$exp)) rowSums(fit$exp) else fit$exp
  # Groups in the order of the factor treated = 0, 1: the treated arm is the second.
  list(chisq = fit$chisq, o_minus_e = observed[[2]] - expected[[2]], variance = fit$var[2, 2])
}

interaction_numbers <- function(data, factor_name) {
  data$factor <- factor(data[[factor_name]])
  levels_found <- levels(data$factor)
  fit <- coxph(Surv(time, event) ~ treated + treated:factor + strata(factor), data = data,
               ties = "efron", control = tight)
  beta <- coef(fit)
  covariance <- vcov(fit)
  # The log hazard ratio in level j is treated + treated:factor<j> (the first level: treated alone).
  per_level <- lapply(seq_along(levels_found), function(j) {
    contrast <- numeric(length(beta))
    contrast[1] <- 1
    if (j > 1) contrast[j] <- 1
    list(level = levels_found[j], log_hr = sum(contrast * beta),
         se = sqrt(drop(t(contrast) %*% covariance %*% contrast)))
  })
  interaction <- beta[-1]
  statistic <- drop(t(interaction) %*% solve(covariance[-1, -1, drop = FALSE]) %*% interaction)
  df <- length(interaction)
  list(factor = factor_name, levels = per_level, statistic = statistic, df = df,
       p_value = pchisq(statistic, df = df, lower.tail = FALSE))
}

analyse <- function(name, setting) {
  path <- file.path(fixture_dir, paste0(name, ".csv"))
  data <- read.csv(path, stringsAsFactors = FALSE, check.names = FALSE)
  data$treated <- as.integer(data$arm != setting$reference)
  stratifications <- c(list(none = character(0)), setNames(as.list(setting$factors), setting$factors))
  if (length(setting$factors) > 1) {
    stratifications[[paste(setting$factors, collapse = "+")]] <- setting$factors
  }
  analyses <- lapply(names(stratifications), function(label) {
    columns <- stratifications[[label]]
    right <- if (length(columns) == 0) "treated" else
      paste0("treated + strata(", paste(columns, collapse = ", "), ")")
    formula <- as.formula(paste("Surv(time, event) ~", right))
    list(strata = as.list(columns), cox = cox_numbers(formula, data),
         logrank = logrank_numbers(formula, data))
  })
  names(analyses) <- names(stratifications)
  list(
    md5 = unname(tools::md5sum(path)),
    reference = setting$reference,
    analyses = analyses,
    interactions = setNames(lapply(setting$factors, interaction_numbers, data = data), setting$factors)
  )
}

reference <- list(
  generated_by = "Rscript tests/r/stratified_reference.R",
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  fixtures = Map(analyse, names(settings), settings)
)

write_json(reference, output_file, auto_unbox = TRUE, digits = NA, pretty = TRUE)
cat("wrote", output_file, "\n")
