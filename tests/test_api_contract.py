"""DESIGN.md's public API contract, called exactly as written there."""

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

import glmnet_bridge as gb


def test_the_contract_runs_as_written(tmp_path, spector):
    act = gb.get_activation("probit")
    assert act.name == "probit" and act.link is not None
    assert act(0.0) == 0.5 and act.derivative(0.0) > 0
    assert gb.Perceptron(weights=[-2, -2], bias=3)([1, 1]) == 0
    assert isinstance(gb.Neuron([1.0, 2.0], 0.5, activation="logistic")([0.1, 0.2]), float)
    assert gb.nand(1, 1) == 0 and gb.half_adder(1, 1) == (0, 1)

    df = spector
    fit = gb.fit_neuron("GRADE ~ GPA + TUCE + PSI", data=df, activation="probit",
                        cost="cross_entropy", solver="newton", lam=0.0, alpha=0.0,
                        standardize=False)
    for value in (fit.params, fit.bse, fit.pvalues, fit.conf_int(), fit.weights, fit.history):
        assert isinstance(value, (pd.Series, pd.DataFrame))
    assert np.isfinite([fit.llf, fit.deviance, fit.aic, fit.bic, fit.nobs, fit.bias]).all()
    assert fit.converged and fit.n_iter > 0
    assert len(fit.predict(df.iloc[:3])) == 3
    assert "GPA" in str(fit.summary())
    assert list(fit.get_margeff(at="overall").index) == ["GPA", "TUCE", "PSI"]
    by_arrays = gb.fit_neuron(X=df[["GPA", "TUCE", "PSI"]], y=df["GRADE"], activation="probit")
    np.testing.assert_allclose(by_arrays.params, fit.params)

    cmp = gb.compare("GRADE ~ GPA + TUCE + PSI", data=df,
                     activations=("logistic", "probit"), solver="newton")
    assert {"activation", "term", "neuron", "glm", "abs_diff", "neuron_se",
            "glm_se"} <= set(cmp.table.columns)
    assert isinstance(cmp.max_abs_diff, float)
    assert isinstance(cmp.plot(), Figure)
    cmp.report(tmp_path / "out.html")
    cmp.report(tmp_path / "out.md")
    assert (tmp_path / "out.html").stat().st_size > 0

    (X, y), (X_val, y_val), _ = gb.datasets.load_digits()
    net = gb.Network([64, 30, 10], activation="sigmoid", cost="quadratic", seed=0)
    hist = net.fit(X, y, epochs=2, batch_size=10, eta=3.0, lmbda=0.0,
                   validation_data=(X_val, y_val), verbose=False)
    assert len(hist) == 2
    assert net.predict(X).shape == (len(y),) and net.predict_proba(X).shape == (len(y), 10)
    assert 0 <= net.score(X, y) <= 1

    models = gb.compare_models("GRADE ~ GPA + TUCE + PSI", df, hidden=[0, 2], nfolds=3,
                               seeds=(0,), epochs=20)
    assert list(models.table["hidden"]) == [0, 2]

    Xs, ys = df[["GPA", "TUCE", "PSI"]].to_numpy(), df["GRADE"].to_numpy()
    path = gb.glmnet_path(Xs, ys, activation="logistic", alpha=1.0)
    assert len(path.lambdas) == len(path.coefs) and isinstance(path.plot(), Figure)
    folds = np.arange(len(ys)) % 4
    cv = gb.cv_glmnet(Xs, ys, activation="logistic", alpha=1.0, foldid=folds)
    assert cv.lambda_min <= cv.lambda_1se

    assert gb.datasets.load_spector().shape == (32, 4)
    assert callable(gb.datasets.load_mnist)
