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
        fit.get_margeff(at="zero")


@pytest.fixture(scope="module")
def fair():
    d = sm.datasets.fair.load_pandas().data
    return d.assign(affair=(d["affairs"] > 0).astype(int))


FAIR = "affair ~ rate_marriage * yrs_married + C(occupation) + age"


def test_effects_through_the_formula_by_counterfactual_finite_differences(fair):
    """One effect per variable, against finite differences of statsmodels' own predictions."""
    from patsy import dmatrix
    from scipy.special import expit

    ours = gb.fit_neuron(FAIR, data=fair).get_margeff()
    assert list(ours.index) == ["rate_marriage", "yrs_married", "occupation[2.0]",
                                "occupation[3.0]", "occupation[4.0]", "occupation[5.0]",
                                "occupation[6.0]", "age"]  # no row for the interaction column
    from patsy import dmatrices

    ref = sm.Logit.from_formula(FAIR, data=fair).fit(disp=0, method="newton", tol=1e-10,
                                                     maxiter=100)
    info = dmatrices(FAIR, fair)[1].design_info

    def mean_p(params, frame):
        return expit(np.asarray(dmatrix(info, frame)) @ params).mean()

    def slope(params, var, h=1e-4):
        up, down = fair.copy(), fair.copy()
        up[var] += h
        down[var] -= h
        return (mean_p(params, up) - mean_p(params, down)) / (2 * h)

    def change(params, level):
        return mean_p(params, fair.assign(occupation=level)) - \
            mean_p(params, fair.assign(occupation=1.0))

    b = ref.params.to_numpy()
    cov = ref.cov_params().to_numpy()
    effects = {"rate_marriage": lambda p: slope(p, "rate_marriage"),
               "yrs_married": lambda p: slope(p, "yrs_married"),
               "occupation[5.0]": lambda p: change(p, 5.0),
               "age": lambda p: slope(p, "age")}
    for name, g in effects.items():
        # delta method with a numerical Jacobian in the parameters
        J = np.array([(g(b + e) - g(b - e)) / 2e-6 for e in np.eye(len(b)) * 1e-6])
        assert ours.loc[name, "dy/dx"] == pytest.approx(g(b), rel=1e-6, abs=1e-9), name
        assert ours.loc[name, "Std. Err."] == pytest.approx(np.sqrt(J @ cov @ J), rel=1e-4)
    # statsmodels' per-column rule differs wherever the formula matters
    column_rule = ref.get_margeff().summary_frame()["dy/dx"]
    assert abs(column_rule["rate_marriage"] - ours.loc["rate_marriage", "dy/dx"]) > 5e-3
    assert abs(column_rule["C(occupation)[T.5.0]"] - ours.loc["occupation[5.0]", "dy/dx"]) > 1e-3
    assert ours.attrs["kind"]["occupation[5.0]"] == "5.0 vs 1.0"


def test_transformations_and_median(spector):
    fit = gb.fit_neuron("GRADE ~ np.log(GPA) + I(TUCE ** 2) + PSI", data=spector,
                        activation="probit")
    b = fit.params.to_numpy()
    from scipy.stats import norm
    me = fit.get_margeff(at="median")
    gpa, tuce = spector["GPA"].median(), spector["TUCE"].median()
    z = b[0] + b[1] * np.log(gpa) + b[2] * tuce ** 2 + b[3] * spector["PSI"].median()
    assert me.loc["GPA", "dy/dx"] == pytest.approx(norm.pdf(z) * b[1] / gpa, rel=1e-6)
    assert me.loc["TUCE", "dy/dx"] == pytest.approx(norm.pdf(z) * b[2] * 2 * tuce, rel=1e-6)


def test_dummy_and_count_as_statsmodels_names_them(spector):
    X = sm.add_constant(spector[["GPA", "TUCE", "PSI"]])
    ref = sm.Logit(spector["GRADE"], X).fit(disp=0, method="newton", tol=1e-14)
    fit = gb.fit_neuron(F, data=spector)
    for kwargs in ({"dummy": True}, {"count": True}, {"dummy": True, "count": True}):
        for at in ("overall", "mean"):
            ours = fit.get_margeff(at=at, **kwargs)
            theirs = ref.get_margeff(at=at, **kwargs).summary_frame()
            np.testing.assert_allclose(ours.to_numpy(), theirs.to_numpy(), rtol=1e-6,
                                       err_msg=f"{kwargs} at={at}")
    assert fit.get_margeff(dummy=True).attrs["kind"]["PSI"] == "1 vs 0"
