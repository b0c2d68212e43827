"""The model object: a neuron on a design that fits and refits; results hold it."""

import ast
import inspect
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import glmnet_bridge as gb
import glmnet_bridge.estimation.results as results_module

FORMULA = "GRADE ~ GPA + TUCE + PSI"


def test_the_model_fits_and_its_results_hold_it(spector):
    model = gb.NeuronModel(FORMULA, data=spector, activation="probit")
    fit = model.fit()
    assert fit.model is model
    ref = sm.Probit(spector["GRADE"], sm.add_constant(spector[["GPA", "TUCE", "PSI"]]))
    ref = ref.fit(disp=0, method="newton", tol=1e-12)
    np.testing.assert_allclose(fit.params.to_numpy(), ref.params, rtol=1e-9)
    np.testing.assert_allclose(fit.bse.to_numpy(), ref.bse, rtol=1e-8)
    again = fit.model.fit(cov_type="expected")
    np.testing.assert_allclose(again.params, fit.params, rtol=0, atol=0)
    assert again.cov_type == "expected"
    # fit_neuron is the model and its fit in one call
    np.testing.assert_array_equal(gb.fit_neuron(FORMULA, data=spector,
                                                activation="probit").params, fit.params)
    # statsmodels' model methods, against statsmodels
    b = fit.params.to_numpy()
    assert model.loglike(b) == pytest.approx(ref.llf, rel=1e-12)
    np.testing.assert_allclose(model.score(b), ref.model.score(b), atol=1e-9)
    np.testing.assert_allclose(model.hessian(b), ref.model.hessian(b), rtol=1e-9)
    assert model.exog_names == ["Intercept", "GPA", "TUCE", "PSI"]


def test_results_never_call_fit_neuron():
    tree = ast.parse(inspect.getsource(results_module))
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                for a in n.names}
    assert "fit_neuron" not in names | imported


def test_relaxed_and_the_null_model_refit_through_the_model(spector, monkeypatch):
    fit = gb.fit_neuron(FORMULA, data=spector, standardize=False, lam=0.05, alpha=1.0)
    # a relaxed refit needs no fit_neuron at all
    import glmnet_bridge.estimation.fit as fit_module

    monkeypatch.setattr(fit_module, "fit_neuron", None)
    with pytest.warns(UserWarning, match="optimistic"):
        relaxed = fit.relaxed()
    kept = [t for t in fit.params.index[1:] if fit.params[t] != 0]
    assert list(relaxed.params.index) == ["Intercept", *kept]
    ref = sm.Logit(spector["GRADE"], sm.add_constant(spector[kept])).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose(relaxed.params.to_numpy(), ref.params, rtol=1e-8)
    assert relaxed.model.penalty.active is False


def test_null_model_with_an_offset_is_statsmodels_llnull(spector):
    offset = np.linspace(-0.5, 0.5, len(spector))
    fit = gb.fit_neuron(FORMULA, data=spector, offset=offset)
    X = sm.add_constant(spector[["GPA", "TUCE", "PSI"]])
    ref = sm.GLM(spector["GRADE"], X, family=sm.families.Binomial(), offset=offset).fit(
        tol=1e-12)
    assert fit.llnull == pytest.approx(ref.llnull, rel=1e-10)
    assert fit.llf == pytest.approx(ref.llf, rel=1e-12)


@pytest.mark.parametrize("kwargs, match", [
    ({"epochs": 3}, "epochs= does not apply to solver 'newton'"),
    ({"eta": 0.1}, "eta= does not apply to solver 'newton'"),
    ({"solver": "lbfgs", "fisher_scoring": True}, "fisher_scoring= does not apply"),
    ({"solver": "gd", "batch_size": 5}, "batch_size= does not apply to solver 'gd'"),
    ({"solver": "sgd", "tol": 1e-6}, "tol= does not apply to solver 'sgd'"),
    ({"solver": "gd", "maxiter": 10}, "maxiter= does not apply to solver 'gd'"),
    ({"exposure": np.ones(32)}, "exposure= is a log-link offset"),
    ({"reference": 1}, "reference= names the reference category"),
    ({"alpha": 1.0}, "alpha shapes a penalty, but lam = 0"),
    ({"penalty_factor": [1, 1, 1]}, "penalty_factor shapes a penalty"),
    ({"glmnet_gaussian": True}, "glmnet_gaussian= .* needs lam > 0"),
    ({"activation": "step"}, "no likelihood to fit"),
    ({"lam": 0.1, "solver": "lbfgs"}, "solver='newton'"),
])
def test_an_option_that_does_not_apply_is_refused(spector, kwargs, match):
    with pytest.raises(ValueError, match=match):
        gb.fit_neuron(FORMULA, data=spector, **kwargs)


def test_a_formula_says_whether_there_is_an_intercept(spector):
    with pytest.raises(gb.DataError, match=r"write '- 1'"):
        gb.fit_neuron(FORMULA, data=spector, fit_intercept=False)
    fit = gb.fit_neuron(FORMULA + " - 1", data=spector)
    ref = sm.Logit(spector["GRADE"], spector[["GPA", "TUCE", "PSI"]]).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose(fit.params.to_numpy(), ref.params, rtol=1e-8)
    assert fit.bias == 0.0


def test_an_empty_design_without_intercept_is_a_clear_error():
    y = [0, 1, 0, 1, 1]
    for X, yy in ((np.empty((5, 0)), np.array(y, float)), (np.empty((5, 0)), y),
                  ([[], [], [], [], []], y), (pd.DataFrame(index=range(5)), pd.Series(y))):
        with pytest.raises(gb.DataError, match="no columns"):
            gb.fit_neuron(X=X, y=yy, fit_intercept=False)
    with pytest.raises(gb.DataError, match="no columns"):
        gb.fit_neuron("y ~ 0", data=pd.DataFrame({"y": y}))


@pytest.fixture(scope="module")
def iris():
    return gb.datasets.load_iris()


@pytest.mark.parametrize("kwargs, match", [
    ({"solver": "sgd"}, "does not fit a softmax layer"),
    ({"solver": "gd"}, "does not fit a softmax layer"),
    ({"cost": "quadratic"}, "multinomial log-likelihood"),
    ({"offset": np.zeros(150)}, "offset= does not apply to a softmax"),
    ({"trials": np.ones(150)}, "trials= goes with a binary activation"),
    ({"exposure": np.ones(150)}, "exposure= is a log-link offset"),
    ({"cov_type": "sandwich"}, "sandwich"),
    ({"epochs": 5}, "epochs= does not apply"),
])
def test_softmax_refuses_what_does_not_apply(iris, kwargs, match):
    with pytest.raises(ValueError, match=match):
        gb.fit_neuron("Species ~ SepalLength", data=iris, activation="softmax", **kwargs)


def test_softmax_runs_through_the_same_driver_and_lbfgs(iris):
    newton = gb.fit_neuron("Species ~ SepalLength", data=iris,
                           activation="softmax")
    codes = pd.Categorical(iris["Species"]).codes
    X = sm.add_constant(iris[["SepalLength"]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels' own check stops short of tol=1e-14
        ref = sm.MNLogit(codes, X).fit(disp=0, method="newton", tol=1e-14, maxiter=200)
    np.testing.assert_allclose(newton.params.to_numpy(), ref.params, rtol=1e-9)
    np.testing.assert_allclose(newton.bse.to_numpy(), ref.bse, rtol=1e-8)
    assert newton.llf == pytest.approx(ref.llf, rel=1e-12)
    assert isinstance(newton.model, gb.NeuronModel) and newton.model.levels[0] == "setosa"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lb = gb.fit_neuron("Species ~ SepalLength", data=iris,
                           activation="softmax", solver="lbfgs")
    np.testing.assert_allclose(lb.params.to_numpy(), ref.params, rtol=1e-4, atol=1e-4)
    assert lb.solver == "lbfgs"


def test_seed_reaches_the_large_n_subsample():
    rng = np.random.default_rng(3)
    n = 120_000
    X = rng.standard_normal((n, 3))
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.3 + X @ [0.5, -0.2, 0.1])))).astype(float)
    a = gb.fit_neuron(X=X, y=y, seed=1)
    b = gb.fit_neuron(X=X, y=y, seed=2)
    # different subsamples, the same full-data optimum and standard errors
    np.testing.assert_allclose(a.params, b.params, rtol=1e-9)
    np.testing.assert_allclose(a.bse, b.bse, rtol=1e-7)
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, method="newton", tol=1e-12)
    np.testing.assert_allclose(a.params.to_numpy(), ref.params, rtol=1e-9)


def test_a_two_category_softmax_is_logistic_regression(spector):
    soft = gb.fit_neuron(FORMULA, data=spector, activation="softmax")
    logit = sm.Logit(spector["GRADE"], sm.add_constant(spector[["GPA", "TUCE", "PSI"]]))
    logit = logit.fit(disp=0, method="newton", tol=1e-12)
    np.testing.assert_allclose(soft.params.to_numpy().ravel(), logit.params, rtol=1e-10)
    np.testing.assert_allclose(soft.bse.to_numpy().ravel(), logit.bse, rtol=1e-9)
    assert soft.llf == pytest.approx(logit.llf, rel=1e-13)
