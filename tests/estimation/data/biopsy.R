# Builds the fixture for "the best optimum, not the nearest": a cauchit binomial GLM on
# MASS::biopsy (Wisconsin breast cancer), whose likelihood has several local maxima.
#
# Writes, next to this script:
#   biopsy.csv             the 683 complete rows: V1..V9 (integers), malignant (0/1)
#   biopsy_r_results.py    R's estimates as plain Python literals (17 significant digits)
#
# Re-run from the repository root with:
#   Rscript tests/estimation/data/biopsy.R
# (needs R with the recommended package MASS). biopsy.csv starts with two "#" comment
# lines: read it with pandas.read_csv(path, comment="#").

library(MASS)

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else "tests/estimation/data"

d <- biopsy[complete.cases(biopsy), ]
stopifnot(nrow(d) == 683L)
out <- data.frame(lapply(d[paste0("V", 1:9)], as.integer))
out$malignant <- as.integer(d$class == "malignant")

csv_path <- file.path(here, "biopsy.csv")
con <- file(csv_path, "w")
writeLines(c("# biopsy.csv: MASS::biopsy, the 683 complete rows; malignant = 1, benign = 0.",
             "# Made by tests/estimation/data/biopsy.R; re-run: Rscript tests/estimation/data/biopsy.R"),
           con)
write.csv(out, con, row.names = FALSE, quote = FALSE)
close(con)

f <- malignant ~ V1 + V2 + V3 + V4 + V5 + V6 + V7 + V8 + V9
tight <- glm.control(epsilon = 1e-14, maxit = 1000)

# R's defaults (start from mustart = (y + 0.5) / 2, epsilon = 1e-8, maxit = 25).
cauchit <- suppressWarnings(glm(f, family = binomial(link = "cauchit"), data = out))
logit <- glm(f, family = binomial, data = out)
# The same default start, iterated to the end: R's IRLS stops at the same optimum.
cauchit_tight <- glm(f, family = binomial(link = "cauchit"), data = out, control = tight)

# Starts from the logistic estimate times c. c = pi/4 matches the slopes of the two CDFs
# at 0 (logistic density 1/4, Cauchy density 1/pi); log(3) matches their interquartile
# ranges (2 log 3 and 2).
factors <- c(one = 1, slope_pi_over_4 = pi / 4, iqr_log3 = log(3), half = 0.5,
             inv_1.7 = 1 / 1.7, sqrt3_over_pi = sqrt(3) / pi, two = 2, three = 3)
rescaled <- lapply(factors, function(k)
  glm(f, family = binomial(link = "cauchit"), data = out, start = coef(logit) * k,
      control = tight))
best <- rescaled[["slope_pi_over_4"]]

g17 <- function(x) trimws(formatC(x, digits = 17, format = "g"))
vec <- function(x) paste0("[", paste(g17(unname(x)), collapse = ", "), "]")
lines <- c(
  '"""R results for the cauchit binomial GLM on MASS::biopsy (683 complete rows).',
  "",
  "Made by tests/estimation/data/biopsy.R; re-run from the repository root with",
  "    Rscript tests/estimation/data/biopsy.R",
  paste0("(", R.version.string, ", MASS ", packageVersion("MASS"), ")."),
  "",
  "The cauchit log-likelihood has (at least) three local maxima on these data:",
  "R's default start stops at about -58.0779, a start from the logistic estimate",
  "rescaled by pi/4 reaches the best one, about -56.1270.",
  '"""',
  "",
  paste0("names = [", paste0('"', names(coef(logit)), '"', collapse = ", "), "]"),
  "nobs = 683",
  "",
  "# glm(..., binomial(link = 'cauchit')) with R's defaults (maxit = 25)",
  paste0("cauchit_default_params = ", vec(coef(cauchit))),
  paste0("cauchit_default_llf = ", g17(as.numeric(logLik(cauchit)))),
  paste0("cauchit_default_converged = ", if (cauchit$converged) "True" else "False"),
  paste0("cauchit_default_iter = ", cauchit$iter),
  "",
  "# the same default start with glm.control(epsilon = 1e-14, maxit = 1000)",
  paste0("cauchit_default_tight_params = ", vec(coef(cauchit_tight))),
  paste0("cauchit_default_tight_llf = ", g17(as.numeric(logLik(cauchit_tight)))),
  paste0("cauchit_default_tight_iter = ", cauchit_tight$iter),
  "",
  "# glm(..., binomial) (logit link), R's defaults",
  paste0("logit_params = ", vec(coef(logit))),
  paste0("logit_llf = ", g17(as.numeric(logLik(logit)))),
  "",
  "# cauchit from start = logit_params * pi / 4, glm.control(epsilon = 1e-14, maxit = 1000)",
  paste0("cauchit_best_start_factor = ", g17(pi / 4)),
  paste0("cauchit_best_params = ", vec(coef(best))),
  paste0("cauchit_best_llf = ", g17(as.numeric(logLik(best)))),
  paste0("cauchit_best_iter = ", best$iter),
  "",
  "# (name, factor, log-likelihood reached from start = logit_params * factor), same control",
  "cauchit_rescaled_llf = [",
  paste0('    ("', names(factors), '", ', g17(factors), ", ",
         g17(sapply(rescaled, function(r) as.numeric(logLik(r)))), "),"),
  "]"
)
writeLines(lines, file.path(here, "biopsy_r_results.py"))
