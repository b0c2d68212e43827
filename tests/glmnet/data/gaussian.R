# Builds the fixture for Gaussian elastic-net paths (gaussian_r.py, next to this script):
# glmnet's objective scales the ridge term by sd(y), with and without an intercept.
#
# Re-run from the repository root with:
#   Rscript tests/glmnet/data/gaussian.R
# (needs R with glmnet; made with glmnet 4.1-6).

library(glmnet)

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else "tests/glmnet/data"

set.seed(20261203)
n <- 120
X <- cbind(x1 = rnorm(n), x2 = rnorm(n, 2, 3), x3 = runif(n), x4 = rnorm(n, 0, 0.1))
y <- 5 + 1.5 * X[, 1] - 0.4 * X[, 2] + 2 * X[, 3] + rnorm(n, 0, 4)

num <- function(x) sprintf("%.17g", x)
vec <- function(x) paste0("[", paste(num(x), collapse = ", "), "]")
mat <- function(m) paste0("[\n", paste0("    ", apply(m, 1, vec), collapse = ",\n"), "\n]")

out <- c('"""R glmnet Gaussian elastic-net paths: data and answers (made by gaussian.R; do not edit).',
         "", paste0("glmnet ", packageVersion("glmnet"), ", ", R.version.string, "."),
         "glmnet(X, y, family = 'gaussian', alpha, intercept, thresh = 1e-14).",
         "FITS[name]['coef'] rows: (intercept,) x1..x4 at every lambda.", '"""', "",
         paste0("X = ", mat(X)), "", paste0("Y = ", vec(y)), "", "FITS = {")
for (a in c(0.5, 0)) for (icpt in c(TRUE, FALSE)) {
  f <- glmnet(X, y, family = "gaussian", alpha = a, intercept = icpt, thresh = 1e-14,
              maxit = 1e7)
  b <- as.matrix(coef(f))
  if (!icpt) b <- b[-1, , drop = FALSE]
  out <- c(out, paste0('    "alpha', a, if (icpt) "" else "_no_intercept", '": {'),
           paste0('        "alpha": ', a, ', "intercept": ', if (icpt) "True" else "False", ","),
           paste0('        "lambda": ', vec(f$lambda), ","),
           paste0('        "coef": ', mat(t(b)), ","), "    },")
}
out <- c(out, "}")
writeLines(out, file.path(here, "gaussian_r.py"))
