# written by lasso_spector.R: glmnet(family = 'binomial', alpha = 1, lambda = 0.05),
# standardize = TRUE (glmnet's default); coefficients Intercept, GPA, TUCE, PSI
LASSO_SPECTOR_005 = [ -8.0171007979707802, 1.9552656411264762, 0.020410743304240628, 1.4689771098138533 ]
