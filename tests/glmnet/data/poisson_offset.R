# Builds the fixture for Poisson paths and CV with an exposure (offset = log exposure):
# poisson_offset_r.py, next to this script.
#
# Re-run from the repository root with:
#   Rscript tests/glmnet/data/poisson_offset.R
# (needs R with glmnet; made with glmnet 4.1-6).

library(glmnet)

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else "tests/glmnet/data"

set.seed(20261204)
n <- 200
X <- cbind(age = rnorm(n, 40, 10), power = runif(n, 50, 150), urban = rbinom(n, 1, 0.4),
           noise = rnorm(n))
exposure <- runif(n, 0.1, 2)
y <- rpois(n, exposure * exp(-3 + 0.03 * X[, 1] + 0.01 * X[, 2] + 0.5 * X[, 3]))
foldid <- sample(rep(1:5, length.out = n))
f <- glmnet(X, y, family = "poisson", offset = log(exposure), thresh = 1e-14, maxit = 1e7)
cv <- cv.glmnet(X, y, family = "poisson", offset = log(exposure), foldid = foldid,
                thresh = 1e-14, maxit = 1e7)

num <- function(x) sprintf("%.17g", x)
vec <- function(x) paste0("[", paste(num(x), collapse = ", "), "]")
mat <- function(m) paste0("[\n", paste0("    ", apply(m, 1, vec), collapse = ",\n"), "\n]")
out <- c('"""R glmnet Poisson path and CV with exposure (made by poisson_offset.R; do not edit).',
         "", paste0("glmnet ", packageVersion("glmnet"), ", ", R.version.string, "."),
         "glmnet(X, y, family = 'poisson', offset = log(EXPOSURE), thresh = 1e-14);",
         "cv.glmnet(..., foldid = FOLDID). COEF rows: intercept, age, power, urban, noise.",
         '"""', "", paste0("X = ", mat(X)), "", paste0("Y = ", vec(y)), "",
         paste0("EXPOSURE = ", vec(exposure)), "", paste0("FOLDID = ", vec(foldid)), "",
         paste0("LAMBDA = ", vec(f$lambda)), "", paste0("NULLDEV = ", num(f$nulldev)), "",
         paste0("DEV_RATIO = ", vec(f$dev.ratio)), "",
         paste0("COEF = ", mat(t(as.matrix(coef(f))))), "",
         paste0("CV_LAMBDA = ", vec(cv$lambda)), "", paste0("CVM = ", vec(cv$cvm)), "",
         paste0("CVSD = ", vec(cv$cvsd)), "",
         paste0("LAMBDA_MIN = ", num(cv$lambda.min)), "",
         paste0("LAMBDA_1SE = ", num(cv$lambda.1se)))
writeLines(out, file.path(here, "poisson_offset_r.py"))
