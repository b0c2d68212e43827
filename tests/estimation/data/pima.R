# Oracle for a two-level factor outcome: R's glm on MASS's Pima.tr (type: No/Yes).
# R codes the factor's first level (No) as 0. Writes pima_tr.csv and pima_r_results.py.
# Run: Rscript pima.R   (from this folder)
library(MASS)
d <- Pima.tr
write.csv(d, "pima_tr.csv", row.names = FALSE)
f <- type ~ npreg + glu + bmi + ped + age
num <- function(x) formatC(x, digits = 17, format = "g")
vec <- function(x) paste0("[", paste(num(x), collapse = ", "), "]")
out <- c("# Written by pima.R (R's glm on MASS::Pima.tr): do not edit by hand.",
         paste0("levels = ", "[", paste0("\"", levels(d$type), "\"", collapse = ", "), "]"),
         paste0("names = [", paste0("\"", names(coef(glm(f, binomial, d))), "\"",
                                    collapse = ", "), "]"))
for (link in c("logit", "probit")) {
  fit <- glm(f, family = binomial(link = link), data = d,
             control = glm.control(epsilon = 1e-14, maxit = 100))
  out <- c(out,
           paste0(link, "_params = ", vec(coef(fit))),
           paste0(link, "_bse = ", vec(sqrt(diag(vcov(fit))))),
           paste0(link, "_deviance = ", num(deviance(fit))))
}
writeLines(out, "pima_r_results.py")
