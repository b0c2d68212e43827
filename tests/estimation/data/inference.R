# Oracle numbers for the inference of a fitted GLM (issue 15): analysis of deviance, Wald tests,
# HC0-HC3 and cluster covariances, predictions with standard errors, profile intervals,
# quasi families, residuals and influence, and Firth's bias-reduced logistic regression.
#
# Writes, next to this script:
#   birthwt.csv       MASS::birthwt with race as a word and a cluster column grp (blocks of
#                     six rows, a test device: birthwt has no natural clusters)
#   endometrial.csv   brglm2::endometrial (NV quasi-separates HG)
#   inference_r.py    R's numbers as plain Python literals (17 significant digits)
#
# Re-run from the repository root with:
#   Rscript tests/estimation/data/inference.R
# (needs R with MASS, sandwich, car and brglm2; Debian: r-cran-mass r-cran-sandwich r-cran-car
# r-cran-brglm2).

suppressPackageStartupMessages({
  library(MASS); library(sandwich); library(car); library(brglm2)
})

args <- commandArgs(trailingOnly = FALSE)
file_arg <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else "tests/estimation/data"

d <- birthwt[, c("low", "age", "lwt", "race", "smoke", "ptl", "ht", "ui", "ftv", "bwt")]
d$race <- c("white", "black", "other")[d$race]
d$grp <- (seq_len(nrow(d)) - 1L) %/% 6L
write.csv(d, file.path(here, "birthwt.csv"), row.names = FALSE, quote = FALSE)
d$race <- factor(d$race)   # levels black, other, white: patsy's order too
data(endometrial, package = "brglm2")
write.csv(endometrial, file.path(here, "endometrial.csv"), row.names = FALSE, quote = FALSE)

# IRLS converges linearly for non-canonical links and its deviance rule stops with the
# coefficients good to ~1e-7: run it to the floating-point floor (non-convergence warnings
# silenced; the last iterations do not move the estimate).
tight <- glm.control(epsilon = 1e-40, maxit = 400)
# race first: patsy puts a formula's categorical terms before the numeric ones, so R's
# sequential anova has the same order of terms only when the formula has it too.
rhs <- "race + age + lwt + smoke + ht"
specs <- list(
  logistic = list(y = "low", family = binomial("logit")),
  probit = list(y = "low", family = binomial("probit")),
  cauchit = list(y = "low", family = binomial("cauchit")),
  cloglog = list(y = "low", family = binomial("cloglog")),
  loglog = list(y = "low", family = NULL),
  exp = list(y = "ftv", family = poisson()),
  identity = list(y = "bwt", family = gaussian())
)
# loglog is not one of R's binomial links: build it (mu = exp(-exp(-eta))).
loglog <- structure(list(
  linkfun = function(mu) -log(-log(mu)),
  linkinv = function(eta) pmax(pmin(exp(-exp(-eta)), 1 - .Machine$double.eps),
                               .Machine$double.eps),
  mu.eta = function(eta) pmax(exp(-eta - exp(-eta)), .Machine$double.eps),
  valideta = function(eta) TRUE, name = "loglog"), class = "link-glm")
specs$loglog$family <- binomial(loglog)

newdata <- data.frame(age = c(20, 30, 25, 35), lwt = c(120, 160, 100, 140),
                      race = factor(c("white", "black", "other", "white"),
                                    levels = levels(d$race)),
                      smoke = c(0, 1, 1, 0), ht = c(0, 0, 1, 0))

g17 <- function(x) ifelse(is.na(x), "nan", trimws(formatC(x, digits = 17, format = "g")))
vec <- function(x) paste0("[", paste(g17(unname(as.numeric(x))), collapse = ", "), "]")
mat <- function(m) paste0("[", paste(apply(unname(as.matrix(m)), 1, vec), collapse = ", "), "]")
out <- character()
emit <- function(name, value) out <<- c(out, paste0("    \"", name, "\": ", value, ","))

# the exact profile root: where the signed root deviance equals +-qnorm(0.975), by uniroot on
# fits with the coefficient fixed through an offset (tight control)
exact_profile <- function(m, j, level = 0.95) {
  X <- model.matrix(m); y <- m$y; w <- m$prior.weights; fam <- family(m)
  disp <- summary(m)$dispersion; dev0 <- deviance(m); b0 <- coef(m)[j]
  se <- sqrt(diag(vcov(m)))[j]; q <- qnorm(1 - (1 - level) / 2)
  zfun <- function(b) {
    fm <- glm.fit(X[, -j, drop = FALSE], y, weights = w, offset = X[, j] * b, family = fam,
                  control = tight, etastart = X %*% coef(m))
    sign(b - b0) * sqrt(max(fm$deviance - dev0, 0) / disp)
  }
  lo <- uniroot(function(b) zfun(b) + q, c(b0 - 6 * se, b0 - 1e-8 * se), tol = 1e-13)$root
  hi <- uniroot(function(b) zfun(b) - q, c(b0 + 1e-8 * se, b0 + 6 * se), tol = 1e-13)$root
  c(lo, hi)
}

out <- c(out, "MODELS = {")
for (act in names(specs)) {
  s <- specs[[act]]
  f <- as.formula(paste(s$y, "~", rhs))
  m0 <- glm(f, family = s$family, data = d)
  m <- glm(f, family = s$family, data = d, start = coef(m0), control = tight)
  out <- c(out, paste0("  \"", act, "\": {"))
  emit("formula", paste0("\"", s$y, " ~ ", rhs, "\""))
  emit("names", paste0("[", paste0("\"", names(coef(m)), "\"", collapse = ", "), "]"))
  emit("params", vec(coef(m)))
  emit("vcov", mat(vcov(m)))
  emit("deviance", g17(deviance(m)))
  emit("dispersion", g17(summary(m)$dispersion))
  test <- if (act == "identity") "F" else "Chisq"
  a <- anova(m, test = test)
  emit("anova_terms", paste0("[", paste0("\"", rownames(a), "\"", collapse = ", "), "]"))
  emit("anova", mat(a))
  emit("anova_columns", paste0("[", paste0("\"", colnames(a), "\"", collapse = ", "), "]"))
  if (act == "identity") emit("anova_chisq", mat(anova(m, test = "Chisq")))
  small <- glm(as.formula(paste(s$y, "~ age + lwt")), family = s$family, data = d,
               control = tight)
  emit("lrt", mat(anova(small, m, test = if (act == "identity") "F" else "LRT")))
  lh <- linearHypothesis(m, c("age = 0", "smoke = ht"), test = "Chisq")
  emit("wald_chisq", g17(lh$Chisq[2]))
  emit("wald_df", g17(lh$Df[2]))
  emit("wald_pvalue", g17(lh[2, "Pr(>Chisq)"]))
  lh2 <- linearHypothesis(m, c("raceother = 0", "racewhite = 0"), test = "Chisq")
  emit("wald_race_chisq", g17(lh2$Chisq[2]))
  for (type in c("HC0", "HC1", "HC2", "HC3")) emit(type, mat(vcovHC(m, type = type)))
  emit("cluster_HC1", mat(vcovCL(m, cluster = ~grp, type = "HC1")))
  emit("cluster_HC0", mat(vcovCL(m, cluster = ~grp, type = "HC0")))
  pl <- predict(m, newdata, type = "link", se.fit = TRUE)
  pr <- predict(m, newdata, type = "response", se.fit = TRUE)
  emit("pred_link", vec(pl$fit)); emit("pred_link_se", vec(pl$se.fit))
  emit("pred_response", vec(pr$fit)); emit("pred_response_se", vec(pr$se.fit))
  emit("confint_mass", mat(suppressMessages(confint(m))))
  emit("confint_exact", mat(t(sapply(seq_along(coef(m)), function(j) exact_profile(m, j)))))
  emit("resid_response", vec(residuals(m, "response")))
  emit("resid_pearson", vec(residuals(m, "pearson")))
  emit("resid_deviance", vec(residuals(m, "deviance")))
  emit("resid_working", vec(residuals(m, "working")))
  emit("hatvalues", vec(hatvalues(m)))
  emit("cooks", vec(cooks.distance(m)))
  emit("rstandard", vec(rstandard(m)))
  emit("rstandard_pearson", vec(rstandard(m, type = "pearson")))
  out <- c(out, "  },")
}
out <- c(out, "}", "")

# quasi families: dispersion = Pearson X2 / df, t reference, F tests in anova
quasi <- list(quasibinomial = list(y = "low", family = quasibinomial()),
              quasipoisson = list(y = "ftv", family = quasipoisson()))
out <- c(out, "QUASI = {")
for (nm in names(quasi)) {
  s <- quasi[[nm]]
  m <- glm(as.formula(paste(s$y, "~", rhs)), family = s$family, data = d, control = tight)
  sm <- summary(m)
  out <- c(out, paste0("  \"", nm, "\": {"))
  emit("params", vec(coef(m)))
  emit("bse", vec(sm$coefficients[, 2]))
  emit("pvalues", vec(sm$coefficients[, 4]))
  emit("dispersion", g17(sm$dispersion))
  emit("anova_F", mat(anova(m, test = "F")))
  emit("rstandard", vec(rstandard(m)))
  emit("cooks", vec(cooks.distance(m)))
  out <- c(out, "  },")
}
out <- c(out, "}", "")

# Firth: brglm2's mean bias reduction (= Jeffreys prior for the logit link)
br <- function(f, data) glm(f, family = binomial, data = data, method = "brglmFit",
                            type = "AS_mean", epsilon = 1e-14, maxit = 1000)
e <- br(HG ~ NV + PI + EH, endometrial)
b <- br(as.formula(paste("low ~", rhs)), d)
p <- glm(as.formula(paste("ftv ~", rhs)), family = poisson, data = d, method = "brglmFit",
         type = "AS_mean", epsilon = 1e-14, maxit = 1000)
firth <- function(name, m) {
  out <<- c(out, paste0("  \"", name, "\": {"))
  emit("params", vec(coef(m)))
  emit("bse", vec(sqrt(diag(vcov(m)))))
  emit("deviance", g17(deviance(m)))
  out <<- c(out, "  },")
}
out <- c(out, "FIRTH = {")
firth("endometrial", e)
firth("birthwt", b)
firth("birthwt_poisson", p)
out <- c(out, "}")

header <- c(
  '"""R results for the inference of fitted GLMs on MASS::birthwt and brglm2::endometrial.',
  "",
  "Made by tests/estimation/data/inference.R; re-run from the repository root with",
  "    Rscript tests/estimation/data/inference.R",
  paste0("(", R.version.string, ", MASS ", packageVersion("MASS"), ", sandwich ",
         packageVersion("sandwich"), ", car ", packageVersion("car"), ", brglm2 ",
         packageVersion("brglm2"), ")."),
  "Fits use glm.control(epsilon = 1e-14); MASS's confint keeps glm's default control.",
  "Matrices are lists of rows; NaN is R's NA (the first row of an anova table).",
  '"""',
  "",
  "nan = float(\"nan\")",
  ""
)
writeLines(c(header, out), file.path(here, "inference_r.py"))
