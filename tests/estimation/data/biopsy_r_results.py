"""R results for the cauchit binomial GLM on MASS::biopsy (683 complete rows).

Made by tests/estimation/data/biopsy.R; re-run from the repository root with
    Rscript tests/estimation/data/biopsy.R
(R version 4.2.2 Patched (2022-11-10 r83330), MASS 7.3.58.2).

The cauchit log-likelihood has (at least) three local maxima on these data:
R's default start stops at about -58.0779, a start from the logistic estimate
rescaled by pi/4 reaches the best one, about -56.1270.
"""

names = ["(Intercept)", "V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9"]
nobs = 683

# glm(..., binomial(link = 'cauchit')) with R's defaults (maxit = 25)
cauchit_default_params = [-46.618884209392355, 3.0207856982389538, 2.4615320207378515, -1.295178774942694, 0.67865931960540515, 0.82464537430359464, 2.7172750442603579, 1.5190174123585887, 1.434356133065716, 3.0151377930793721]
cauchit_default_llf = -58.078005517446854
cauchit_default_converged = False
cauchit_default_iter = 25

# the same default start with glm.control(epsilon = 1e-14, maxit = 1000)
cauchit_default_tight_params = [-46.611416421949265, 3.0218414562709062, 2.4631445774408394, -1.2969816636245639, 0.67860178352526435, 0.8252648634218489, 2.717163362878654, 1.5177617874684981, 1.4349895158831956, 3.0048492165516505]
cauchit_default_tight_llf = -58.077944670399972
cauchit_default_tight_iter = 133

# glm(..., binomial) (logit link), R's defaults
logit_params = [-10.103942243322987, 0.53501406807558383, -0.0062797168442294098, 0.32270649574647681, 0.33063691529949757, 0.096635417098231938, 0.38302457240863158, 0.44718791995586438, 0.21303068159717337, 0.53483563104054122]
logit_llf = -51.444095581009613

# cauchit from start = logit_params * pi / 4, glm.control(epsilon = 1e-14, maxit = 1000)
cauchit_best_start_factor = 0.78539816339744828
cauchit_best_params = [-55.670111743693269, 3.9930812354393872, 0.89320385366810617, -1.6455025005413142, 2.3984034510880541, 1.3226813216755826, 3.3288902754467959, 1.8379533259076604, 1.112897405924707, 4.4873969126324917]
cauchit_best_llf = -56.126983445236192
cauchit_best_iter = 131

# (name, factor, log-likelihood reached from start = logit_params * factor), same control
cauchit_rescaled_llf = [
    ("one", 1, -56.126983445236476),
    ("slope_pi_over_4", 0.78539816339744828, -56.126983445236192),
    ("iqr_log3", 1.0986122886681098, -56.126983445236448),
    ("half", 0.5, -56.12698344523659),
    ("inv_1.7", 0.58823529411764708, -56.126983445236334),
    ("sqrt3_over_pi", 0.55132889542179209, -56.12698344523622),
    ("two", 2, -56.126983445236107),
    ("three", 3, -57.059137677081424),
]
