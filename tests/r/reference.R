# Numbers from R's survival package that tests/test_survival_curves.py and tests/test_two_arms.py compares alexandra.survival with.
#
# Run from the repository root:  Rscript tests/r/reference.R
# Reads tests/r/fixtures/*.csv (made by tests/r/make_fixtures.R) and writes
# tests/r/reference.json. Needs only base R and the survival package; the JSON is written by
# hand below so that jsonlite is not required.

suppressPackageStartupMessages(library(survival))

fixture_dir <- file.path("tests", "r", "fixtures")
output_file <- file.path("tests", "r", "reference.json")

# What to compute for each fixture: the control arm, the RMST horizon and the times at which
# the Kaplan-Meier estimate and the numbers at risk are read (some fall exactly on tied
# observed times, some between them, one after the last observation).
settings <- list(
  ties       = list(reference = "control", tau = 10,
                    times = c(0, 1, 2, 2.5, 3, 6, 8, 12, 13)),
  flat       = list(reference = "control", tau = 6.5, times = c(0, 1, 2.5, 4, 6, 7)),
  stratified = list(reference = "control", tau = 24, times = c(0, 6, 12, 24, 36, 47.4)),
  censored   = list(reference = "control", tau = 48, times = c(0, 12, 24, 36, 48)),
  trial      = list(reference = "chemotherapy", tau = 36, times = c(0, 12, 24, 36, 48)),
  uncensored_arm = list(reference = "control", tau = 8, times = c(0, 2, 5, 8))
)

# ---- a minimal JSON writer -----------------------------------------------------------------
# Named lists become objects, unnamed lists arrays, length-1 atomics scalars, longer atomics
# arrays (wrap a vector in as.list() to force an array). NA, NaN and Inf become null.
json_number <- function(x) {
  ifelse(is.finite(x), sprintf("%.17g", x), "null")
}

json_string <- function(x) {
  paste0("\"", gsub("\"", "\\\\\"", gsub("\\\\", "\\\\\\\\", x)), "\"")
}

to_json <- function(x, indent = "") {
  inner <- paste0(indent, "  ")
  if (is.list(x)) {
    if (length(x) == 0) return(if (is.null(names(x))) "[]" else "{}")
    items <- vapply(x, to_json, character(1), indent = inner)
    if (!is.null(names(x))) items <- paste0(json_string(names(x)), ": ", items)
    open_close <- if (is.null(names(x))) c("[", "]") else c("{", "}")
    return(paste0(open_close[1], "\n", inner, paste(items, collapse = paste0(",\n", inner)),
                  "\n", indent, open_close[2]))
  }
  values <- if (is.character(x)) json_string(x) else json_number(as.numeric(x))
  if (length(x) == 1) values else paste0("[", paste(values, collapse = ", "), "]")
}

named <- function(x) as.list(x)  # a named vector as a JSON object keyed by arm

# ---- the analyses --------------------------------------------------------------------------
logrank_numbers <- function(fit, arms) {
  observed <- if (is.matrix(fit$obs)) rowSums(fit$obs) else fit$obs
  expected <- if (is.matrix(fit$exp)) rowSums(fit$exp) else fit$exp
  names(observed) <- names(expected) <- arms
  list(
    chisq = fit$chisq,
    p_value = pchisq(fit$chisq, df = 1, lower.tail = FALSE),
    observed = named(observed),
    expected = named(expected),
    variance = fit$var[2, 2]
  )
}

cox_numbers <- function(fit) {
  coefficients <- summary(fit)$coefficients
  interval <- summary(fit)$conf.int
  list(
    coef = coefficients[1, "coef"],
    se = coefficients[1, "se(coef)"],
    hr = interval[1, "exp(coef)"],
    lower = interval[1, "lower .95"],
    upper = interval[1, "upper .95"],
    p_value = coefficients[1, "Pr(>|z|)"]
  )
}

kaplan_meier_numbers <- function(data, times) {
  fit <- survfit(Surv(time, event) ~ 1, data = data)
  whole <- summary(fit, censored = TRUE)
  at <- summary(fit, times = times, extend = TRUE)
  list(
    curve = list(
      time = as.list(whole$time), n_risk = as.list(whole$n.risk),
      n_event = as.list(whole$n.event), n_censor = as.list(whole$n.censor),
      survival = as.list(whole$surv), std_err = as.list(whole$std.err),
      lower = as.list(whole$lower), upper = as.list(whole$upper)
    ),
    at = list(
      time = as.list(at$time), n_risk = as.list(at$n.risk),
      n_event = as.list(at$n.event), n_censor = as.list(at$n.censor),
      survival = as.list(at$surv), std_err = as.list(at$std.err),
      lower = as.list(at$lower), upper = as.list(at$upper)
    )
  )
}

followup_numbers <- function(data) {
  reverse <- survfit(Surv(time, 1 - event) ~ 1, data = data)
  quartiles <- quantile(reverse, probs = c(0.25, 0.5, 0.75), conf.int = FALSE)
  list(q1 = quartiles[[1]], median = quartiles[[2]], q3 = quartiles[[3]])
}

analyse <- function(name, setting) {
  path <- file.path(fixture_dir, paste0(name, ".csv"))
  data <- read.csv(path, stringsAsFactors = FALSE)
  arms <- c(setting$reference, setdiff(sort(unique(data$arm)), setting$reference))
  data$arm <- factor(data$arm, levels = arms)

  km <- lapply(arms, function(arm) kaplan_meier_numbers(data[data$arm == arm, ], setting$times))
  names(km) <- arms
  followup_by_arm <- lapply(arms, function(arm) followup_numbers(data[data$arm == arm, ]))
  names(followup_by_arm) <- arms

  rmst_table <- summary(survfit(Surv(time, event) ~ arm, data = data),
                        rmean = setting$tau)$table
  rmean <- rmst_table[, "rmean"]
  rmean_se <- rmst_table[, "se(rmean)"]
  names(rmean) <- names(rmean_se) <- arms

  list(
    md5 = unname(tools::md5sum(path)),
    reference = setting$reference,
    treatment = arms[2],
    n = named(c(table(data$arm))),
    logrank = logrank_numbers(survdiff(Surv(time, event) ~ arm, data = data), arms),
    logrank_stratified = logrank_numbers(
      survdiff(Surv(time, event) ~ arm + strata(stratum), data = data), arms),
    cox = cox_numbers(coxph(Surv(time, event) ~ arm, data = data, ties = "efron")),
    cox_stratified = cox_numbers(
      coxph(Surv(time, event) ~ arm + strata(stratum), data = data, ties = "efron")),
    kaplan_meier = km,
    followup = followup_numbers(data),
    followup_by_arm = followup_by_arm,
    rmst = list(tau = setting$tau, rmean = named(rmean), se = named(rmean_se))
  )
}

reference <- list(
  generated_by = "Rscript tests/r/reference.R",
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  fixtures = Map(analyse, names(settings), settings)
)

writeLines(to_json(reference), output_file)
cat("wrote", output_file, "\n")
