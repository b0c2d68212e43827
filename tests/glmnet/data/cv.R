# Builds the fixture for cv_glmnet and R's glmnet conventions (cv_r.py, next to this script).
#
# Simulated data with columns on very different scales (as in real data), one fixed foldid,
# and R's answers at thresh = 1e-14:
#   CV[family][measure]  cv.glmnet's lambda, cvm, cvsd, lambda.min, lambda.1se
#   FACTOR               glmnet with penalty.factor = c(0, 1, 2, 1, 1, 3): lambda and coef
#   RIDGE                glmnet(alpha = 0): the first lambda and coefficients (the null model)
#   INTERP               coef(fit, s = ...) between grid points (linear interpolation in λ)
#
# Re-run from the repository root with:
#   Rscript tests/glmnet/data/cv.R
# (needs R with glmnet; made with glmnet 4.1-6).

library(glmnet)

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else "tests/glmnet/data"

set.seed(20261202)
n <- 300
Z <- matrix(rnorm(n * 6), n, 6)
Z[, 2] <- 0.7 * Z[, 1] + sqrt(1 - 0.49) * Z[, 2]
scales <- c(1, 10, 0.01, 100, 1, 0.1)
X <- sweep(Z, 2, scales, "*")
colnames(X) <- paste0("x", 1:6)
eta <- 0.3 + 0.8 * Z[, 1] - 0.5 * Z[, 3] + 0.4 * Z[, 4]
y <- list(binomial = as.numeric(runif(n) < 1 / (1 + exp(-eta))),
          gaussian = eta + rnorm(n),
          poisson = rpois(n, exp(0.5 * eta)))
foldid <- sample(rep(1:10, length.out = n))
tight <- function(...) glmnet(..., thresh = 1e-14, maxit = 1e7)

num <- function(x) sprintf("%.17g", x)
vec <- function(x) paste0("[", paste(num(x), collapse = ", "), "]")
mat <- function(m) paste0("[\n", paste0("    ", apply(m, 1, vec), collapse = ",\n"), "\n]")

measures <- list(binomial = c("deviance", "class", "auc", "mse", "mae"),
                 gaussian = c("deviance", "mae"), poisson = c("deviance", "mse"))
out <- c('"""R cv.glmnet and glmnet conventions: data and answers (made by cv.R; do not edit).',
         "",
         paste0("glmnet ", packageVersion("glmnet"), ", ", R.version.string, "."),
         "cv.glmnet(X, y, family, foldid = FOLDID, type.measure, thresh = 1e-14).",
         '"""', "",
         paste0("X = ", mat(X)), "",
         paste0("Y = {"), paste0('    "', names(y), '": ', sapply(y, vec), ","), "}", "",
         paste0("FOLDID = ", vec(foldid)), "", "CV = {")
for (fam in names(measures)) {
  out <- c(out, paste0('    "', fam, '": {'))
  for (m in measures[[fam]]) {
    cv <- cv.glmnet(X, y[[fam]], family = fam, foldid = foldid, type.measure = m,
                    thresh = 1e-14, maxit = 1e7)
    out <- c(out, paste0('        "', m, '": {'),
             paste0('            "lambda": ', vec(cv$lambda), ","),
             paste0('            "cvm": ', vec(cv$cvm), ","),
             paste0('            "cvsd": ', vec(cv$cvsd), ","),
             paste0('            "lambda_min": ', num(cv$lambda.min), ","),
             paste0('            "lambda_1se": ', num(cv$lambda.1se), ","),
             "        },")
  }
  out <- c(out, "    },")
}
out <- c(out, "}", "")

pf <- c(0, 1, 2, 1, 1, 3)
f <- tight(X, y$binomial, family = "binomial", penalty.factor = pf)
idx <- c(2, 10, 30, length(f$lambda))
out <- c(out, paste0("FACTOR = {\"factors\": ", vec(pf), ", \"lambda\": ", vec(f$lambda), ","),
         paste0('    "index": ', vec(idx - 1), ","),
         paste0('    "coef": ', mat(t(as.matrix(coef(f))[, idx])), "}"), "")

r <- tight(X, y$gaussian, family = "gaussian", alpha = 0)
out <- c(out, paste0("RIDGE = {\"lambda\": ", vec(r$lambda[1:3]), ","),
         paste0('    "coef": ', mat(t(as.matrix(coef(r))[, 1:3])), "}"), "")

b <- tight(X, y$binomial, family = "binomial")
s <- c(0.5 * (b$lambda[3] + b$lambda[4]), 0.3 * b$lambda[20] + 0.7 * b$lambda[21], 1e3, 1e-9)
out <- c(out, paste0("INTERP = {\"s\": ", vec(s), ","),
         paste0('    "coef": ', mat(t(as.matrix(coef(b, s = s)))), "}"))

writeLines(out, file.path(here, "cv_r.py"))
