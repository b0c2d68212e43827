# glmnet's lasso on the Spector data at one lambda, with glmnet's default standardize = TRUE.
# Run: Rscript tests/estimation/data/lasso_spector.R > tests/estimation/data/lasso_spector_r.py
library(glmnet)
d <- read.csv("data/spector.csv")
x <- as.matrix(d[, c("GPA", "TUCE", "PSI")])
fit <- glmnet(x, d$GRADE, family = "binomial", alpha = 1, lambda = 0.05, thresh = 1e-14)
b <- as.numeric(coef(fit))
cat("# written by lasso_spector.R: glmnet(family = 'binomial', alpha = 1, lambda = 0.05),\n")
cat("# standardize = TRUE (glmnet's default); coefficients Intercept, GPA, TUCE, PSI\n")
cat("LASSO_SPECTOR_005 = [", paste(formatC(b, digits = 17, format = "g"), collapse = ", "), "]\n")
