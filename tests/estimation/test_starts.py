"""The best optimum, not the nearest: the cauchit likelihood on MASS's biopsy data.

The cauchit's Bernoulli likelihood is not log-concave; on these 683 rows it has at
least three local maxima (R's glm from its default start stops at −58.0779). R's
numbers are in data/biopsy_r_results.py, made by data/biopsy.R.
"""

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import glmnet_bridge as gb

DATA = Path(__file__).with_name("data")
FORMULA = "malignant ~ V1 + V2 + V3 + V4 + V5 + V6 + V7 + V8 + V9"


def _r_results():
    spec = importlib.util.spec_from_file_location("biopsy_r", DATA / "biopsy_r_results.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def biopsy():
    return pd.read_csv(DATA / "biopsy.csv", comment="#")


@pytest.fixture(scope="module")
def r():
    return _r_results()


def test_the_cauchit_fit_finds_the_highest_of_the_local_maxima(biopsy, r):
    with pytest.warns(gb.LocalOptimumWarning, match=r"more than one local maximum"):
        fit = gb.fit_neuron(FORMULA, data=biopsy, activation="cauchit")
    assert fit.converged
    # R from the rescaled logistic start (epsilon = 1e-14) reaches the same optimum, but
    # its IRLS stops on the deviance: its gradient is still ~7e-6 along a flat direction
    # (smallest eigenvalue of the information 2.7e-3), so its coefficients are ~1e-6 off.
    assert fit.llf == pytest.approx(r.cauchit_best_llf, abs=1e-9)
    np.testing.assert_allclose(fit.params.to_numpy(), r.cauchit_best_params, rtol=1e-5)
    # Newton refitted tightly from R's answer lands on ours to the last digits.
    tight = gb.fit_neuron(FORMULA, data=biopsy, activation="cauchit",
                          start_params=r.cauchit_best_params, tol=1e-13)
    np.testing.assert_allclose(fit.params.to_numpy(), tight.params.to_numpy(), rtol=1e-10,
                               atol=1e-10)
    assert np.abs(fit.model.score(fit.params.to_numpy())).max() < 1e-9
    # and it is higher than where R's default start stops
    assert fit.llf > r.cauchit_default_tight_llf + 1.9


def test_the_other_optima_are_real_and_lower(biopsy, r):
    # From R's own stopping point our Newton stays there: a genuine local maximum,
    # which the second start does not reach when the caller fixes the start.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        local = gb.fit_neuron(FORMULA, data=biopsy, activation="cauchit",
                              start_params=r.cauchit_default_tight_params)
    assert local.converged
    assert local.llf == pytest.approx(r.cauchit_default_tight_llf, abs=1e-8)
    H = local.information("observed").to_numpy()
    assert np.linalg.eigvalsh(H)[0] > 0  # a maximum, not a saddle


def test_log_concave_links_take_one_fit_and_no_warning(biopsy):
    # Logistic, probit, cloglog and loglog likelihoods are concave in β: one optimum,
    # no second start, no warning.
    for act in ("logistic", "probit", "loglog"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fit = gb.fit_neuron(FORMULA, data=biopsy, activation=act)
        assert fit.converged
    assert gb.get_activation("cauchit").log_concave is False
    assert all(gb.get_activation(a).log_concave
               for a in ("logistic", "probit", "cloglog", "loglog"))


def test_logistic_and_probit_agree_with_r_on_biopsy(biopsy, r):
    fit = gb.fit_neuron(FORMULA, data=biopsy, activation="logistic")
    np.testing.assert_allclose(fit.params.to_numpy(), r.logit_params, rtol=1e-6, atol=1e-8)
    assert fit.llf == pytest.approx(r.logit_llf, abs=1e-8)
