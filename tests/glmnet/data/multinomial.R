# Builds the fixture for glmnet's multinomial family (multinomial_r.py, next to this script).
#
# Two designs: iris (R's builtin, the same as data/iris.csv) and a simulated 4-class design
# with correlated columns on very different scales. R's answers at thresh = 1e-14:
#   PATHS[name]  glmnet(family = "multinomial"): lambda, df, dev.ratio, nulldev and the
#                coefficients at every lambda (a0: lambda x class; beta: lambda x variable x
#                class), ungrouped and grouped, alpha = 1 and 0.5, one penalty.factor case
#   CV[name]     cv.glmnet with the fixed FOLDID: lambda, cvm, cvsd, lambda.min, lambda.1se
#
# Re-run from the repository root with:
#   Rscript tests/glmnet/data/multinomial.R
# (needs R with glmnet; made with glmnet 4.1-6).

library(glmnet)

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else "tests/glmnet/data"

set.seed(20261203)
n <- 300
p <- 7
Z <- matrix(rnorm(n * p), n, p)
Z[, 2] <- 0.6 * Z[, 1] + 0.8 * Z[, 2]
Z[, 5] <- 0.5 * Z[, 4] + sqrt(0.75) * Z[, 5]
scales <- c(1, 10, 0.01, 100, 1, 0.1, 5)
X <- sweep(Z, 2, scales, "*")
colnames(X) <- paste0("x", 1:p)
eta <- cbind(0, 0.8 * Z[, 1] - 0.5 * Z[, 3] + 0.3,
             -0.6 * Z[, 2] + 0.7 * Z[, 4] - 0.2,
             0.5 * Z[, 1] + 0.6 * Z[, 5] - 0.4 * Z[, 6])
prob <- exp(eta) / rowSums(exp(eta))
cls <- c("a", "b", "c", "d")
ysim <- factor(cls[apply(prob, 1, function(pr) sample(4, 1, prob = pr))], levels = cls)
foldid <- sample(rep(1:10, length.out = n))

xi <- as.matrix(iris[, 1:4])
colnames(xi) <- c("SepalLength", "SepalWidth", "PetalLength", "PetalWidth")
yi <- iris$Species

tight <- function(...) glmnet(..., family = "multinomial", thresh = 1e-14, maxit = 1e7)

num <- function(x) sprintf("%.17g", x)
vec <- function(x) paste0("[", paste(num(x), collapse = ", "), "]")
mat <- function(m) paste0("[\n", paste0("    ", apply(m, 1, vec), collapse = ",\n"), "\n]")
cube <- function(f) {  # lambda x variable x class, as nested lists
  nl <- length(f$lambda)
  per <- sapply(seq_len(nl), function(l) {
    m <- sapply(f$beta, function(b) as.matrix(b)[, l])
    paste0("[", paste(apply(m, 1, vec), collapse = ", "), "]")
  })
  paste0("[\n", paste0("        ", per, collapse = ",\n"), "]")
}

cases <- list(
  iris_ungrouped = list(data = "iris", alpha = 1, grouped = FALSE, pf = NULL, lmr = NULL),
  iris_grouped = list(data = "iris", alpha = 1, grouped = TRUE, pf = NULL, lmr = 0.01),
  iris_ungrouped_enet = list(data = "iris", alpha = 0.5, grouped = FALSE, pf = NULL, lmr = 0.01),
  sim_ungrouped = list(data = "sim", alpha = 1, grouped = FALSE, pf = NULL, lmr = NULL),
  sim_ungrouped_enet = list(data = "sim", alpha = 0.5, grouped = FALSE, pf = NULL, lmr = NULL),
  sim_grouped = list(data = "sim", alpha = 1, grouped = TRUE, pf = NULL, lmr = NULL),
  sim_grouped_enet = list(data = "sim", alpha = 0.5, grouped = TRUE, pf = NULL, lmr = NULL),
  sim_factor = list(data = "sim", alpha = 1, grouped = FALSE,
                    pf = c(0, 1, 2, 1, 1, 3, 0.5), lmr = NULL),
  sim_grouped_factor = list(data = "sim", alpha = 0.5, grouped = TRUE,
                            pf = c(0, 1, 2, 1, 1, 3, 0.5), lmr = NULL)
)

out <- c('"""R glmnet multinomial family: data and answers (made by multinomial.R; do not edit).',
         "",
         paste0("glmnet ", packageVersion("glmnet"), ", ", R.version.string, "."),
         "glmnet(x, y, family = 'multinomial', thresh = 1e-14, maxit = 1e7); iris is R's builtin.",
         '"""', "",
         paste0("X = ", mat(X)), "",
         paste0("Y = [", paste0('"', as.character(ysim), '"', collapse = ", "), "]"), "",
         paste0("FOLDID = ", vec(foldid)), "",
         "PATHS = {")
for (nm in names(cases)) {
  cs <- cases[[nm]]
  x <- if (cs$data == "iris") xi else X
  y <- if (cs$data == "iris") yi else ysim
  a <- list(x, y, alpha = cs$alpha,
            type.multinomial = if (cs$grouped) "grouped" else "ungrouped")
  if (!is.null(cs$pf)) a$penalty.factor <- cs$pf
  if (!is.null(cs$lmr)) a$lambda.min.ratio <- cs$lmr
  f <- do.call(tight, a)
  stopifnot(f$jerr == 0)
  out <- c(out, paste0('    "', nm, '": {'),
           paste0('        "data": "', cs$data, '", "alpha": ', num(cs$alpha),
                  ', "grouped": ', if (cs$grouped) "True" else "False",
                  ', "factors": ', if (is.null(cs$pf)) "None" else vec(cs$pf),
                  ', "lambda_min_ratio": ', if (is.null(cs$lmr)) "None" else num(cs$lmr), ","),
           paste0('        "lambda": ', vec(f$lambda), ","),
           paste0('        "df": ', vec(f$df), ","),
           paste0('        "dev_ratio": ', vec(f$dev.ratio), ","),
           paste0('        "nulldev": ', num(f$nulldev), ","),
           paste0('        "a0": ', mat(t(f$a0)), ","),
           paste0('        "beta": ', cube(f), ","),
           "    },")
}
out <- c(out, "}", "", "CV = {")
cvcases <- list(
  ungrouped_deviance = list(measure = "deviance", grouped = FALSE),
  ungrouped_class = list(measure = "class", grouped = FALSE),
  ungrouped_mse = list(measure = "mse", grouped = FALSE),
  ungrouped_mae = list(measure = "mae", grouped = FALSE),
  grouped_deviance = list(measure = "deviance", grouped = TRUE),
  grouped_class = list(measure = "class", grouped = TRUE)
)
for (nm in names(cvcases)) {
  cs <- cvcases[[nm]]
  cv <- cv.glmnet(X, ysim, family = "multinomial", foldid = foldid,
                  type.measure = cs$measure,
                  type.multinomial = if (cs$grouped) "grouped" else "ungrouped",
                  thresh = 1e-14, maxit = 1e7)
  out <- c(out, paste0('    "', nm, '": {'),
           paste0('        "measure": "', cs$measure, '", "grouped": ',
                  if (cs$grouped) "True" else "False", ","),
           paste0('        "lambda": ', vec(cv$lambda), ","),
           paste0('        "cvm": ', vec(cv$cvm), ","),
           paste0('        "cvsd": ', vec(cv$cvsd), ","),
           paste0('        "nzero": ', vec(cv$nzero), ","),
           paste0('        "lambda_min": ', num(cv$lambda.min), ","),
           paste0('        "lambda_1se": ', num(cv$lambda.1se), ","),
           "    },")
}
out <- c(out, "}")
writeLines(out, file.path(here, "multinomial_r.py"))
