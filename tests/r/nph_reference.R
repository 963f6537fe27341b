# Numbers from R that tests/test_nph.py compares alexandra.nph with (non-proportional hazards).
#
# Run from the repository root:  Rscript tests/r/nph_reference.R
# Reads tests/r/fixtures/*.csv (made by tests/r/make_fixtures.R) and writes
# tests/r/nph_reference.json. Needs the survival, mvtnorm and jsonlite packages
# (Debian: r-base-core r-cran-survival r-cran-mvtnorm r-cran-jsonlite).
#
# From survival itself: survdiff(rho =) for G(rho, 0), stratified or not; cox.zph; the
# restricted mean of survfit; coxph on survSplit data for piecewise hazard ratios.
# Written here from the formulas, because no R package in Debian has them: G(rho, gamma) for
# gamma > 0 (checked against survdiff where gamma = 0) and the MaxCombo P value (Karrison 2016)
# from mvtnorm::pmvnorm.

suppressPackageStartupMessages({
  library(survival)
  library(mvtnorm)
  library(jsonlite)
})

fixture_dir <- file.path("tests", "r", "fixtures")
output_file <- file.path("tests", "r", "nph_reference.json")

# The control arm, the RMST horizon and the cuts of the piecewise hazard ratios of each fixture.
settings <- list(
  ties           = list(reference = "control", tau = 10, cuts = c(4)),
  flat           = list(reference = "control", tau = 6.5, cuts = c(4)),
  stratified     = list(reference = "control", tau = 24, cuts = c(12, 24)),
  censored       = list(reference = "control", tau = 48, cuts = c(24)),
  trial          = list(reference = "chemotherapy", tau = 36, cuts = c(12, 24)),
  uncensored_arm = list(reference = "control", tau = 8, cuts = c(4))
)
survdiff_rhos <- c(0, 0.5, 1)
fh_weights <- list(c(0, 0), c(0, 1), c(1, 0), c(1, 1), c(0.5, 2))
maxcombo_weights <- fh_weights[1:4]
tight <- coxph.control(eps = 1e-11, iter.max = 50)

# ---- G(rho, gamma) from the formulas ------------------------------------------------------
# For each stratum, at each distinct event time: the pooled Kaplan-Meier just before it,
# S(t-), deaths d and d1 (treatment), at risk n and n1. Weighted O - E of the treatment arm is
# sum w (d1 - d n1 / n); the covariance of two weights is sum w_j w_k d (n1/n)(1 - n1/n)(n-d)/(n-1).
event_time_terms <- function(data, strata) {
  pieces <- lapply(split(data, strata), function(part) {
    times <- sort(unique(part$time[part$event == 1]))
    if (length(times) == 0) return(NULL)
    n <- sapply(times, function(t) sum(part$time >= t))
    n1 <- sapply(times, function(t) sum(part$time >= t & part$treated))
    d <- sapply(times, function(t) sum(part$time == t & part$event == 1))
    d1 <- sapply(times, function(t) sum(part$time == t & part$event == 1 & part$treated))
    surv_before <- c(1, cumprod(1 - d / n))[seq_along(times)]
    share <- n1 / n
    data.frame(
      surv_before = surv_before,
      excess = d1 - d * share,
      variance = d * share * (1 - share) * ifelse(n > 1, (n - d) / pmax(n - 1, 1), 0)
    )
  })
  do.call(rbind, pieces)
}

fh_weight <- function(terms, rho_gamma) {
  terms$surv_before^rho_gamma[1] * (1 - terms$surv_before)^rho_gamma[2]
}

fh_sums <- function(terms, weights) {
  w <- sapply(weights, function(rg) fh_weight(terms, rg))
  w <- matrix(w, ncol = length(weights))
  list(o_minus_e = colSums(w * terms$excess), covariance = t(w) %*% (w * terms$variance))
}

fh_numbers <- function(terms) {
  lapply(fh_weights, function(rg) {
    sums <- fh_sums(terms, list(rg))
    z <- sums$o_minus_e / sqrt(sums$covariance[1, 1])
    list(rho = rg[1], gamma = rg[2], o_minus_e = sums$o_minus_e, variance = sums$covariance[1, 1],
         z = z, chisq = z^2, p_value = pchisq(z^2, df = 1, lower.tail = FALSE))
  })
}

maxcombo_numbers <- function(terms) {
  sums <- fh_sums(terms, maxcombo_weights)
  sd <- sqrt(diag(sums$covariance))
  z <- sums$o_minus_e / sd
  correlation <- sums$covariance / outer(sd, sd)
  k <- length(z)
  set.seed(2016)
  genz <- GenzBretz(maxpts = 2e6, abseps = 1e-7, releps = 0)
  m <- max(abs(z))
  two_sided <- 1 - pmvnorm(lower = rep(-m, k), upper = rep(m, k), corr = correlation, algorithm = genz)
  less <- 1 - pmvnorm(lower = rep(min(z), k), upper = rep(Inf, k), corr = correlation, algorithm = genz)
  greater <- 1 - pmvnorm(lower = rep(-Inf, k), upper = rep(max(z), k), corr = correlation, algorithm = genz)
  list(z = z, correlation = lapply(seq_len(k), function(i) correlation[i, ]),
       p_two_sided = as.numeric(two_sided), p_less = as.numeric(less), p_greater = as.numeric(greater))
}

# ---- survival's own answers ---------------------------------------------------------------
survdiff_numbers <- function(data, stratified) {
  lapply(survdiff_rhos, function(rho) {
    fit <- if (stratified) {
      survdiff(Surv(time, event) ~ arm + strata(stratum), data = data, rho = rho)
    } else {
      survdiff(Surv(time, event) ~ arm, data = data, rho = rho)
    }
    observed <- if (is.matrix(fit$obs)) rowSums(fit$obs) else fit$obs
    expected <- if (is.matrix(fit$exp)) rowSums(fit$exp) else fit$exp
    list(rho = rho, chisq = fit$chisq, o_minus_e = observed[[2]] - expected[[2]], variance = fit$var[2, 2])
  })
}

zph_numbers <- function(data) {
  fit <- coxph(Surv(time, event) ~ treated, data = data, ties = "efron", control = tight)
  transforms <- c("km", "identity", "rank")
  numbers <- lapply(transforms, function(transform) {
    table <- cox.zph(fit, transform = transform)$table
    list(chisq = table["treated", "chisq"], p_value = table["treated", "p"])
  })
  names(numbers) <- transforms
  c(list(log_hr = unname(coef(fit))), numbers)
}

rmst_numbers <- function(data, setting, arms) {
  table <- summary(survfit(Surv(time, event) ~ arm, data = data), rmean = setting$tau)$table
  rmean <- table[, "rmean"]
  se <- table[, "se(rmean)"]
  names(rmean) <- names(se) <- arms
  z <- qnorm(0.975)
  difference <- rmean[[2]] - rmean[[1]]
  se_difference <- sqrt(se[[2]]^2 + se[[1]]^2)
  ratio <- rmean[[2]] / rmean[[1]]
  log_ratio_se <- sqrt((se[[2]] / rmean[[2]])^2 + (se[[1]] / rmean[[1]])^2)
  list(tau = setting$tau, rmean = as.list(rmean), se = as.list(se),
       difference = difference, se_difference = se_difference,
       ci = c(difference - z * se_difference, difference + z * se_difference),
       ratio = ratio, ratio_ci = ratio * exp(c(-z, z) * log_ratio_se))
}

piecewise_numbers <- function(data, cuts) {
  data$treated <- as.numeric(data$treated)  # one column per period, no aliased ones
  split_data <- survSplit(Surv(time, event) ~ treated, data = data, cut = cuts, episode = "period")
  fit <- coxph(Surv(tstart, time, event) ~ treated:factor(period), data = split_data,
               ties = "efron", control = tight)
  interval <- summary(fit)$conf.int
  events <- sapply(seq_len(length(cuts) + 1), function(p) sum(split_data$event[split_data$period == p]))
  list(cuts = as.list(cuts), hazard_ratio = unname(interval[, "exp(coef)"]),
       lower = unname(interval[, "lower .95"]), upper = unname(interval[, "upper .95"]),
       p_value = unname(summary(fit)$coefficients[, "Pr(>|z|)"]), events = events)
}

analyse <- function(name, setting) {
  path <- file.path(fixture_dir, paste0(name, ".csv"))
  data <- read.csv(path, stringsAsFactors = FALSE)
  arms <- c(setting$reference, setdiff(sort(unique(data$arm)), setting$reference))
  data$arm <- factor(data$arm, levels = arms)
  data$treated <- data$arm == arms[2]

  plain <- event_time_terms(data, rep("all", nrow(data)))
  by_stratum <- event_time_terms(data, data$stratum)
  fh <- fh_numbers(plain)
  fh_stratified <- fh_numbers(by_stratum)
  survdiff_plain <- survdiff_numbers(data, FALSE)
  survdiff_stratified <- survdiff_numbers(data, TRUE)
  # The formulas must give survdiff's answers where survdiff has them (gamma = 0).
  for (check in list(list(fh, survdiff_plain), list(fh_stratified, survdiff_stratified))) {
    for (rho in c(0, 1)) {
      mine <- Filter(function(x) x$rho == rho && x$gamma == 0, check[[1]])[[1]]
      theirs <- Filter(function(x) x$rho == rho, check[[2]])[[1]]
      stopifnot(abs(mine$chisq - theirs$chisq) < 1e-10, abs(mine$variance - theirs$variance) < 1e-10)
    }
  }

  list(
    md5 = unname(tools::md5sum(path)),
    reference = setting$reference,
    treatment = arms[2],
    survdiff = survdiff_plain,
    survdiff_stratified = survdiff_stratified,
    fleming_harrington = fh,
    fleming_harrington_stratified = fh_stratified,
    maxcombo = maxcombo_numbers(plain),
    zph = zph_numbers(data),
    rmst = rmst_numbers(data, setting, arms),
    piecewise = piecewise_numbers(data, setting$cuts)
  )
}

reference <- list(
  generated_by = "Rscript tests/r/nph_reference.R",
  r_version = R.version.string,
  survival_version = as.character(packageVersion("survival")),
  mvtnorm_version = as.character(packageVersion("mvtnorm")),
  fixtures = Map(analyse, names(settings), settings)
)

write_json(reference, output_file, auto_unbox = TRUE, digits = NA, pretty = TRUE)
cat("wrote", output_file, "\n")
