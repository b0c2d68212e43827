# Builds the fixture for glmnet paths WITHOUT an intercept (glmnet(..., intercept = FALSE)).
#
# Writes, next to this script:
#   no_intercept_r.py   the simulated data and R's answers as plain Python literals
#                       (17 significant digits): X, the two outcomes, and per fit the
#                       λ sequence R chose (early stop included), its dev.ratio and
#                       nulldev, and the coefficients at a few λ (thresh = 1e-14).
#
# Re-run from the repository root with:
#   Rscript tests/glmnet/data/no_intercept.R
# (needs R with glmnet; made with glmnet 4.1-6).
#
# What R does (glmnet 4.1-6, checked here): with intercept = FALSE and standardize = TRUE
# the columns are NOT centred, but they are scaled by their CENTRED (population,
# weighted) SD, sqrt(mean(w x^2) - mean(w x)^2) — the same SD as with an intercept. The
# null model is beta = 0 (mu = 0.5 for binomial), and nulldev is its deviance. The stopifnot
# calls below pin that down.

library(glmnet)

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else "tests/glmnet/data"

set.seed(20240601)
n <- 100
X <- cbind(x1 = rnorm(n, 1, 1), x2 = rnorm(n, -0.5, 2), x3 = runif(n, 0, 2))
eta <- 0.8 * X[, 1] - 0.5 * X[, 2] - 0.7 * X[, 3]
y_binomial <- as.numeric(runif(n) < 1 / (1 + exp(-eta)))
y_gaussian <- eta + rnorm(n)

sd_centred <- sqrt(colMeans(X^2) - colMeans(X)^2)
sd_uncentred <- sqrt(colMeans(X^2))

at <- function(L) unique(c(1, 2, 5, 10, 20, L))  # 1-based λ indices to keep

fit_one <- function(y, family, alpha) {
  f <- glmnet(X, y, family = family, alpha = alpha, intercept = FALSE, thresh = 1e-14)
  stopifnot(all(f$a0 == 0), all(f$beta[, 1] == 0))
  grad <- if (family == "binomial") colMeans(X * (0.5 - y)) else -colMeans(X * y)
  lam_max <- max(abs(grad) / sd_centred) / max(alpha, 1e-3)
  stopifnot(abs(f$lambda[1] / lam_max - 1) < 1e-12)                  # the centred SD
  stopifnot(abs(max(abs(grad) / sd_uncentred) / max(alpha, 1e-3) / f$lambda[1] - 1) > 1e-3)
  null_mu <- if (family == "binomial") 0.5 else 0
  null_dev <- if (family == "binomial") -2 * sum(y * log(null_mu) + (1 - y) * log(1 - null_mu))
              else sum(y^2)
  stopifnot(abs(f$nulldev / null_dev - 1) < 1e-12)                    # beta = 0 is the null
  idx <- at(length(f$lambda))
  list(family = family, alpha = alpha, lambda = f$lambda, dev_ratio = f$dev.ratio,
       nulldev = f$nulldev, index = idx - 1L, beta = t(as.matrix(f$beta[, idx])))
}

fits <- list(
  binomial_lasso = fit_one(y_binomial, "binomial", 1),
  binomial_enet = fit_one(y_binomial, "binomial", 0.5),
  gaussian_lasso = fit_one(y_gaussian, "gaussian", 1),
  gaussian_enet = fit_one(y_gaussian, "gaussian", 0.5)
)

# Python lists, at most `per` numbers a line (continuation lines indented by `indent`).
num <- function(v, per = 4, indent = "    ") {
  s <- sprintf("%.17g", v)
  if (length(s) <= per) return(paste0("[", paste(s, collapse = ", "), "]"))
  chunks <- split(s, ceiling(seq_along(s) / per))
  body <- vapply(chunks, function(ch) paste0(indent, paste(ch, collapse = ", "), ","), "")
  paste0("[\n", paste(body, collapse = "\n"), "\n", sub("    $", "", indent), "]")
}
mat <- function(m, indent = "    ") {
  rows <- apply(m, 1, function(r) paste0(indent, num(r), ","))
  paste0("[\n", paste(rows, collapse = "\n"), "\n", sub("    $", "", indent), "]")
}

out <- c(
  '"""R glmnet without an intercept: data and answers (made by no_intercept.R; do not edit).',
  "",
  paste0("glmnet ", as.character(packageVersion("glmnet")), ", ", R.version.string, ":"),
  "glmnet(X, y, family, alpha, intercept = FALSE, thresh = 1e-14).",
  "FITS[name][\"beta\"] rows are the λ at FITS[name][\"index\"] (0-based into \"lambda\");",
  "its columns are x1, x2, x3.",
  '"""',
  "",
  paste0("GLMNET_VERSION = \"", as.character(packageVersion("glmnet")), "\""),
  "COLUMNS = [\"x1\", \"x2\", \"x3\"]",
  paste0("X = ", mat(X)),
  paste0("Y_BINOMIAL = ", num(y_binomial, per = 20)),
  paste0("Y_GAUSSIAN = ", num(y_gaussian)),
  "",
  "FITS = {}"
)
for (name in names(fits)) {
  f <- fits[[name]]
  out <- c(out, paste0("FITS[\"", name, "\"] = {"),
           paste0("    \"family\": \"", f$family, "\","),
           paste0("    \"alpha\": ", sprintf("%.17g", f$alpha), ","),
           paste0("    \"nulldev\": ", sprintf("%.17g", f$nulldev), ","),
           paste0("    \"lambda\": ", num(f$lambda, indent = "        "), ","),
           paste0("    \"dev_ratio\": ", num(f$dev_ratio, indent = "        "), ","),
           paste0("    \"index\": [", paste(f$index, collapse = ", "), "],"),
           paste0("    \"beta\": ", mat(f$beta, indent = "        "), ","),
           "}")
}
writeLines(out, file.path(here, "no_intercept_r.py"))
