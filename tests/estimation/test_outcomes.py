"""Outcomes as statisticians have them: factors, strings and booleans, coded by R's rule."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import glmnet_bridge as gb

HERE = Path(__file__).with_name("data")
DATA = HERE / "pima_tr.csv"  # MASS::Pima.tr, written with the oracle by data/pima.R
_spec = importlib.util.spec_from_file_location("pima_r", HERE / "pima_r_results.py")
R = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(R)
RHS = "npreg + glu + bmi + ped + age"
COLS = ["npreg", "glu", "bmi", "ped", "age"]


@pytest.fixture(scope="module")
def pima():
    return pd.read_csv(DATA)


def _check_r(fit, link):
    # R's probit IRLS stops ~1e-9 short even at epsilon = 1e-14; its logit agrees to 1e-15.
    np.testing.assert_allclose(fit.params.to_numpy(), getattr(R, f"{link}_params"),
                               rtol=5e-9 if link == "probit" else 1e-12, atol=1e-12)
    np.testing.assert_allclose(fit.bse.to_numpy(), getattr(R, f"{link}_bse"), rtol=1e-7)
    np.testing.assert_allclose(fit.deviance, getattr(R, f"{link}_deviance"), rtol=1e-11)


@pytest.mark.parametrize("link", ["logit", "probit"])
def test_yes_no_factor_in_a_formula_is_rs_glm(pima, link):
    act = {"logit": "logistic", "probit": "probit"}[link]
    fit = gb.fit_neuron(f"type ~ {RHS}", data=pima, activation=act, cov_type="expected")
    _check_r(fit, link)
    assert fit.design.outcome_levels == R.levels == ["No", "Yes"]
    assert "'Yes' = 1, 'No' = 0" in str(fit.summary())


def _recoded(pima, make):
    df = pima.copy()
    df["type"] = make(pima["type"])
    return df


@pytest.mark.parametrize("make", [
    lambda t: pd.Categorical(t, categories=["No", "Yes"]),
    lambda t: t.to_numpy(dtype=object),
    lambda t: t.astype("string"),
    lambda t: t == "Yes",
    lambda t: (t == "Yes").astype("boolean"),
], ids=["categorical", "object", "string", "bool", "nullable-boolean"])
def test_every_spelling_of_the_outcome_fits_the_same_model(pima, make):
    df = _recoded(pima, make)
    _check_r(gb.fit_neuron(f"type ~ {RHS}", data=df), "logit")
    _check_r(gb.fit_neuron(X=df[COLS], y=df["type"]), "logit")


def test_I_of_a_comparison_in_the_formula(pima):
    fit = gb.fit_neuron(f'I(type == "Yes") ~ {RHS}', data=pima)
    _check_r(fit, "logit")
    assert fit.design.outcome_levels == [False, True]
    assert fit.design.yname == 'I(type == "Yes")'


def test_a_categoricals_own_order_decides_which_level_is_1(pima):
    df = _recoded(pima, lambda t: pd.Categorical(t, categories=["Yes", "No"]))
    fit = gb.fit_neuron(f"type ~ {RHS}", data=df)
    np.testing.assert_allclose(fit.params.to_numpy(), -np.asarray(R.logit_params), rtol=1e-9)
    assert fit.design.outcome_levels == ["Yes", "No"]
    fit_xy = gb.fit_neuron(X=df[COLS], y=df["type"])
    np.testing.assert_allclose(fit_xy.params.to_numpy(), fit.params.to_numpy(), rtol=1e-10)


@pytest.mark.parametrize("formula", [True, False])
def test_three_levels_with_a_binary_activation_suggests_softmax(pima, formula):
    df = pima.assign(age3=pd.cut(pima.age, [0, 25, 40, 99], labels=["young", "mid", "old"]))
    with pytest.raises(gb.DataError, match=r"outcome 'age3' has 3 levels \('young', 'mid', "
                                           r"'old'\).*activation=\"softmax\""):
        if formula:
            gb.fit_neuron("age3 ~ glu + bmi", data=df)
        else:
            gb.fit_neuron(X=df[["glu", "bmi"]], y=df["age3"])


def test_a_factor_outcome_is_refused_by_the_poisson_cost(pima):
    with pytest.raises(gb.DataError, match=r"outcome 'type' is a factor .*poisson cost"):
        gb.fit_neuron(f"type ~ {RHS}", data=pima, activation="exp")


@pytest.mark.parametrize("formula", [True, False])
def test_softmax_reference_is_a_categoricals_first_category(pima, formula):
    order = ["old", "young", "mid"]  # neither sorted nor the order of appearance
    df = pima.assign(age3=pd.Categorical(
        pd.cut(pima.age, [0, 25, 40, 99], labels=["young", "mid", "old"]).astype(str),
        categories=order))
    fit = (gb.fit_neuron("age3 ~ glu + bmi", data=df, activation="softmax") if formula else
           gb.fit_neuron(X=df[["glu", "bmi"]], y=df["age3"], activation="softmax"))
    assert fit.levels == order
    codes = df["age3"].cat.codes.to_numpy()
    ref = sm.MNLogit(codes, sm.add_constant(df[["glu", "bmi"]].to_numpy())).fit(
        method="newton", tol=1e-14, maxiter=100, disp=0)
    np.testing.assert_allclose(fit.params.to_numpy(), ref.params, rtol=1e-8, atol=1e-10)
