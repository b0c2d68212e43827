"""compare() and its reports on a design without an intercept."""

import numpy as np
import pytest
import statsmodels.api as sm

import glmnet_bridge as gb
from glmnet_bridge.exceptions import DataError

TERMS = ["GPA", "TUCE", "PSI"]
LINKS = {"logistic": sm.families.links.Logit(), "probit": sm.families.links.Probit(),
         "cloglog": sm.families.links.CLogLog()}


def _statsmodels(spector, link):
    """statsmodels GLM on the same no-intercept design, tightly (IRLS then Newton)."""
    model = sm.GLM(spector["GRADE"], spector[TERMS], family=sm.families.Binomial(link))
    irls = model.fit(tol=1e-13, maxiter=1000)
    res = model.fit(start_params=irls.params, method="newton", tol=1e-14, maxiter=100)
    bse = np.sqrt(np.diag(np.linalg.inv(-model.hessian(res.params, observed=False))))
    return res.params.to_numpy(), bse


@pytest.mark.parametrize("formula", ["GRADE ~ GPA + TUCE + PSI - 1",
                                     "GRADE ~ GPA + TUCE + PSI + 0"])
def test_each_neuron_beside_its_no_intercept_glm(spector, formula):
    cmp = gb.compare(formula, data=spector, activations=tuple(LINKS))
    assert "Intercept" not in set(cmp.table["term"])
    assert len(cmp.table) == 3 * len(LINKS)
    assert cmp.max_abs_diff < 1e-8
    for act, link in LINKS.items():
        rows = cmp.table[cmp.table.activation == act].set_index("term")
        assert list(rows.index) == TERMS
        params, bse = _statsmodels(spector, link)
        np.testing.assert_allclose(rows["neuron"], params, rtol=0, atol=1e-8)
        np.testing.assert_allclose(rows["glm"], params, rtol=0, atol=1e-8)
        np.testing.assert_allclose(rows["neuron_se"], bse, rtol=1e-8)
        np.testing.assert_allclose(rows["glm_se"], bse, rtol=1e-8)
        stats = cmp.stats.set_index("activation").loc[act]
        assert stats["llf_neuron"] == pytest.approx(stats["llf_glm"], abs=1e-10)
    # it is a different model from the one with an intercept
    with_bias = gb.compare("GRADE ~ GPA + TUCE + PSI", data=spector, activations=("logistic",))
    assert "Intercept" in set(with_bias.table["term"])


def test_x_y_with_fit_intercept_false_is_the_same_comparison(spector):
    f = gb.compare("GRADE ~ GPA + TUCE + PSI - 1", data=spector)
    xy = gb.compare(X=spector[TERMS], y=spector["GRADE"], fit_intercept=False)
    assert list(xy.table["term"]) == list(f.table["term"])
    np.testing.assert_allclose(xy.table["neuron"], f.table["neuron"], atol=1e-12)
    assert xy.title.startswith("GRADE ~ X - 1")


def test_fit_intercept_false_beside_an_intercept_formula_is_refused(spector):
    with pytest.raises(DataError, match="- 1"):
        gb.compare("GRADE ~ GPA + TUCE + PSI", data=spector, fit_intercept=False)


@pytest.mark.parametrize("how", ["formula", "X/y"])
def test_reports_render_without_an_intercept(spector, tmp_path, how):
    if how == "formula":
        cmp = gb.compare("GRADE ~ GPA + TUCE + PSI - 1", data=spector, quadratic=True)
    else:
        cmp = gb.compare(X=spector[TERMS], y=spector["GRADE"], fit_intercept=False,
                         quadratic=True)
    html = cmp.report(tmp_path / "x.html").read_text()
    md = cmp.report(tmp_path / "x.md").read_text()
    for text in (html, md):
        assert "Intercept" not in text
        assert "GRADE ~ GPA + TUCE + PSI - 1" in text  # the model line names every term
        for term in TERMS:
            assert term in text
