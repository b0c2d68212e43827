import numpy as np
import pytest
import statsmodels.api as sm

import glmnet_bridge as gb

F = "GRADE ~ GPA + TUCE + PSI"


@pytest.mark.parametrize("act,model", [("logistic", sm.Logit), ("probit", sm.Probit)])
@pytest.mark.parametrize("at", ["overall", "mean"])
def test_marginal_effects_equal_statsmodels(spector, act, model, at):
    X = sm.add_constant(spector[["GPA", "TUCE", "PSI"]])
    ref = model(spector["GRADE"], X).fit(disp=0, method="newton", tol=1e-14, maxiter=100)
    ours = gb.fit_neuron(F, data=spector, activation=act).get_margeff(at=at)
    theirs = ref.get_margeff(at=at).summary_frame()
    assert list(ours.columns) == list(theirs.columns)
    assert list(ours.index) == ["GPA", "TUCE", "PSI"]
    np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-6)


@pytest.mark.parametrize("act", ["cauchit", "cloglog", "loglog"])
def test_marginal_effect_derivative_by_finite_differences(spector, act):
    fit = gb.fit_neuron(F, data=spector, activation=act)
    me = fit.get_margeff(at="overall")["dy/dx"]
    h = 1e-6
    for col in ("GPA", "TUCE"):
        up, down = spector.copy(), spector.copy()
        up[col] += h
        down[col] -= h
        fd = np.mean((fit.predict(up) - fit.predict(down)) / (2 * h))
        assert me[col] == pytest.approx(fd, rel=1e-6)


def test_average_marginal_effects_agree_across_links_better_than_weights(spector):
    fits = {a: gb.fit_neuron(F, data=spector, activation=a) for a in ("logistic", "probit")}
    w_ratio = fits["logistic"].weights / fits["probit"].weights
    me = {a: f.get_margeff()["dy/dx"] for a, f in fits.items()}
    me_ratio = me["logistic"] / me["probit"]
    assert np.all(np.abs(w_ratio - 1) > 0.5)        # weights differ by ~1.6–1.8
    assert np.all(np.abs(me_ratio - 1) < 0.1)       # effects agree within 10 %


def test_bad_at():
    fit = gb.fit_neuron(F, data=gb.datasets.load_spector())
    with pytest.raises(ValueError, match="at must be"):
        fit.get_margeff(at="median")
