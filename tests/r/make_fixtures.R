# Writes the fixed data sets in tests/r/fixtures/*.csv that tests/r/reference.R analyses.
#
# Run once from the repository root:  Rscript tests/r/make_fixtures.R
# The CSVs are committed; reference.R records their MD5 sums in reference.json, and
# tests/test_survival.py checks those sums, so R's numbers always belong to these files.
# All data here are made up (hand-written or simulated with a fixed seed): none is trial data.

RNGkind("Mersenne-Twister", "Inversion", "Rejection")

out_dir <- file.path("tests", "r", "fixtures")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

write_fixture <- function(data, name) {
  write.csv(data, file.path(out_dir, paste0(name, ".csv")), row.names = FALSE, quote = FALSE)
}

# (a) Integer months with many ties: events and censorings of both arms share times.
ties <- data.frame(
  time    = c(1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 5, 5, 6, 6, 6, 7, 8, 8, 8, 9, 10, 10, 12, 12, 12, 12),
  event   = c(1, 0, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0),
  arm     = c("control", "experimental", "control", "experimental", "control",
              "control", "control", "experimental", "experimental", "experimental",
              "control", "experimental", "control", "control", "experimental",
              "experimental", "control", "experimental", "control", "experimental",
              "control", "experimental", "control", "experimental", "experimental", "control"),
  stratum = c("s1", "s2", "s1", "s1", "s2", "s2", "s1", "s1", "s2", "s1", "s2", "s2", "s1",
              "s2", "s1", "s2", "s1", "s2", "s2", "s1", "s2", "s1", "s2", "s1", "s2", "s1")
)
write_fixture(ties, "ties")

# (e) Eight patients whose reverse Kaplan-Meier curve sits exactly on 75% and 50% and ends
# at 50%, which exercises R's quantile rules for flat segments and for the last point.
flat <- data.frame(
  time    = 1:8,
  event   = c(0, 0, 1, 1, 1, 0, 1, 1),
  arm     = c("control", "experimental", "control", "experimental", "control",
              "experimental", "experimental", "control"),
  stratum = c("s1", "s1", "s1", "s2", "s2", "s2", "s1", "s2")
)
write_fixture(flat, "flat")

# Trial-like simulation: staggered entry, exponential events, dropout, administrative cut-off.
simulate_trial <- function(n, strata, stratum_hazard, hr, accrual, cutoff, dropout, digits,
                           arms) {
  stratum <- sample(strata, n, replace = TRUE)
  arm <- sample(arms, n, replace = TRUE)
  hazard <- stratum_hazard[stratum] * ifelse(arm == arms[1], hr, 1)
  event_time <- rexp(n, hazard)
  dropout_time <- rexp(n, dropout)
  potential <- cutoff - runif(n, 0, accrual)
  time <- pmin(event_time, dropout_time, potential)
  data.frame(
    time = pmax(round(time, digits), 10^-digits),
    event = as.integer(event_time <= pmin(dropout_time, potential)),
    arm = arm,
    stratum = stratum
  )
}

# (b) Three strata; nobody in stratum "C" received the experimental arm.
set.seed(20250401)
stratified <- simulate_trial(
  n = 90, strata = c("A", "B", "C"), stratum_hazard = c(A = 0.02, B = 0.05, C = 0.08),
  hr = 0.7, accrual = 24, cutoff = 48, dropout = 0.01, digits = 1,
  arms = c("experimental", "control")
)
stratified$arm[stratified$stratum == "C"] <- "control"
write_fixture(stratified, "stratified")

# (c) Heavy censoring (more than 80% censored), times rounded to 0.1 month.
set.seed(20250402)
censored <- simulate_trial(
  n = 300, strata = c("N0", "N+"), stratum_hazard = c(N0 = 0.002, "N+" = 0.005),
  hr = 1.2, accrual = 36, cutoff = 60, dropout = 0.005, digits = 1,
  arms = c("experimental", "control")
)
write_fixture(censored, "censored")

# (d) About 500 patients in 4 strata, labels sorted so that the control arm comes second.
set.seed(20250403)
trial <- simulate_trial(
  n = 500,
  strata = c("N0/BCS", "N0/mastectomy", "N+/BCS", "N+/mastectomy"),
  stratum_hazard = c("N0/BCS" = 0.004, "N0/mastectomy" = 0.006, "N+/BCS" = 0.008,
                     "N+/mastectomy" = 0.012),
  hr = 1.1, accrual = 48, cutoff = 60, dropout = 0.004, digits = 2,
  arms = c("atezolizumab", "chemotherapy")
)
write_fixture(trial, "trial")

# (f) One arm without any censoring: R fits the Cox model normally, while lifelines warns
# before fitting that the arm "completely determines" censoring.
uncensored_arm <- data.frame(
  time    = c(1, 2, 3, 4, 5, 6, 7, 8, 2, 3, 5, 6, 8, 9),
  event   = c(1, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1),
  arm     = c(rep("control", 8), rep("experimental", 6)),
  stratum = c("s1", "s2", "s1", "s2", "s1", "s2", "s1", "s2", "s1", "s2", "s1", "s2", "s1", "s2")
)
write_fixture(uncensored_arm, "uncensored_arm")

# (g) Strongly prognostic strata, for tests/r/stratified_reference.R: about 600 patients, nodal
# status in three levels whose hazards rise ninefold, and a weakly prognostic surgery factor.
# The same true hazard ratio, 0.6, in every level (so the test of interaction has nothing to
# find); times rounded to 0.1 month, so events tie. Made up: not trial data.
set.seed(20250404)
n <- 600
nodes <- sample(c("0", "1-3", ">=4"), n, replace = TRUE, prob = c(0.5, 0.35, 0.15))
surgery <- sample(c("BCS", "mastectomy"), n, replace = TRUE, prob = c(0.55, 0.45))
arm <- sample(c("control", "experimental"), n, replace = TRUE)
hazard <- c("0" = 0.006, "1-3" = 0.018, ">=4" = 0.054)[nodes] *
  ifelse(surgery == "mastectomy", 1.2, 1) * ifelse(arm == "experimental", 0.6, 1)
event_time <- rexp(n, hazard)
dropout_time <- rexp(n, 0.004)
potential <- 48 - runif(n, 0, 36)
time <- pmin(event_time, dropout_time, potential)
prognostic <- data.frame(
  time = pmax(round(time, 1), 0.1),
  event = as.integer(event_time <= pmin(dropout_time, potential)),
  arm = arm,
  nodes = nodes,
  surgery = surgery
)
write_fixture(prognostic, "prognostic")
