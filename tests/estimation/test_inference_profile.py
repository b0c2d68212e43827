"""Profile-likelihood intervals: R's confint() of a glm (MASS's profile) for every link.

The exact roots of the signed root deviance match R's, computed by uniroot on tight refits
(data/inference.R); MASS interpolates a spline through a grid and agrees to its 4th digit.
"""

import runpy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import glmnet_bridge as gb

DATA = Path(__file__).parent / "data"
MODELS = runpy.run_path(str(DATA / "inference_r.py"))["MODELS"]


@pytest.fixture(scope="module")
def birthwt():
    return pd.read_csv(DATA / "birthwt.csv")


@pytest.mark.parametrize("act", list(MODELS))
def test_profile_intervals_are_r_confint(birthwt, act):
    r = MODELS[act]
    fit = gb.fit_neuron(r["formula"], birthwt, activation=act)
    ci = fit.conf_int(method="profile")
    np.testing.assert_allclose(ci, r["confint_exact"], rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ci, r["confint_mass"], rtol=3e-3, atol=1e-5)
    # the profile interval is not the Wald one: it follows the likelihood's skew
    assert not np.allclose(ci, fit.conf_int(), rtol=1e-4)


def test_profile_root_has_the_chi_square_deviance_gap(birthwt):
    fit = gb.fit_neuron("low ~ age + lwt + smoke", birthwt, activation="probit")
    ci = fit.conf_int(alpha=0.1, method="profile")
    q = stats.norm.ppf(0.95)
    for j, term in enumerate(fit.names):
        for bound in ci.loc[term]:
            offset = fit.design.X[:, j] * bound
            cols = [c for c in fit.names if c not in (term, "Intercept")]
            formula = "low ~ " + (" + ".join(cols) if cols else "1")
            if term == "Intercept":
                formula += " - 1"
            refit = gb.fit_neuron(formula, birthwt, activation="probit", offset=offset,
                                  tol=1e-13)
            assert refit.deviance - fit.deviance == pytest.approx(q ** 2, rel=1e-8)


def test_summary_says_which_intervals(birthwt):
    fit = gb.fit_neuron("low ~ age + smoke", birthwt)
    text = str(fit.summary(method="profile"))
    assert "profile likelihood" in text and "confint()" in text
    assert "Intervals: Wald" in str(fit.summary())
    with pytest.raises(ValueError, match="wald' or 'profile"):
        fit.conf_int(method="score")
