import numpy as np
import pytest
import statsmodels.api as sm

import glmnet_bridge as gb

F = "GRADE ~ GPA + TUCE + PSI"


def test_compare_table_columns_and_agreement(spector):
    cmp = gb.compare(F, data=spector, activations=("logistic", "probit"), solver="newton")
    cols = ["activation", "cost", "term", "neuron", "glm", "abs_diff", "neuron_se", "glm_se"]
    assert list(cmp.table.columns) == cols
    assert len(cmp.table) == 8
    assert cmp.max_abs_diff < 1e-8
    X = sm.add_constant(spector[["GPA", "TUCE", "PSI"]])
    probit = sm.Probit(spector["GRADE"], X).fit(disp=0, method="newton", tol=1e-14)
    rows = cmp.table[cmp.table.activation == "probit"].set_index("term")
    np.testing.assert_allclose(rows["glm"], probit.params.to_numpy(), atol=1e-10)
    # expected information by default, as R's glm: not Probit's observed one
    glm = sm.GLM(spector["GRADE"], X, family=sm.families.Binomial(
        sm.families.links.Probit())).fit(tol=1e-13)
    np.testing.assert_allclose(rows["neuron_se"], glm.bse.to_numpy(), rtol=1e-7)
    np.testing.assert_allclose(rows["glm_se"], glm.bse.to_numpy(), rtol=1e-7)


def test_compare_observed_information(spector):
    cmp = gb.compare(F, data=spector, activations=("probit",), cov_type="observed")
    X = sm.add_constant(spector[["GPA", "TUCE", "PSI"]])
    probit = sm.Probit(spector["GRADE"], X).fit(disp=0, method="newton", tol=1e-14)
    np.testing.assert_allclose(cmp.table["neuron_se"], probit.bse.to_numpy(), rtol=1e-8)
    np.testing.assert_allclose(cmp.table["glm_se"], probit.bse.to_numpy(), rtol=1e-8)


def test_compare_all_binomial_links(spector):
    acts = ("logistic", "probit", "cauchit", "cloglog", "loglog")
    cmp = gb.compare(F, data=spector, activations=acts)
    assert cmp.max_abs_diff < 1e-8
    assert set(cmp.stats["activation"]) == set(acts)
    np.testing.assert_allclose(cmp.stats["llf_neuron"], cmp.stats["llf_glm"], atol=1e-10)


def test_quadratic_counterpoint_is_shown_apart(spector):
    cmp = gb.compare(F, data=spector, activations=("logistic",), quadratic=True)
    quad = cmp.table[cmp.table.cost == "quadratic"]
    assert len(quad) == 4 and quad["abs_diff"].max() > 0.5
    assert cmp.max_abs_diff < 1e-8  # the counterpoint does not count as disagreement
    text = cmp.summary()
    assert "equals logistic regression" in text and "is not the MLE" in text


def test_compare_with_arrays_and_weights(spector):
    w = np.arange(32) % 3 + 1.0
    cmp = gb.compare(X=spector[["GPA", "PSI"]], y=spector["GRADE"], freq_weights=w,
                     activations=("cloglog",))
    assert cmp.max_abs_diff < 1e-8


def test_summary_has_a_verdict_per_fit(spector):
    cmp = gb.compare(F, data=spector)
    verdicts = cmp.verdicts()
    assert len(verdicts) == 2
    assert verdicts[0].startswith("the logistic neuron equals logistic regression to")
    assert "probit GLM" in verdicts[1]
    assert repr(cmp).startswith("<Comparison: 2 fits")


def test_unknown_activation_in_compare(spector):
    with pytest.raises(ValueError, match="unknown activation"):
        gb.compare(F, data=spector, activations=("logistc",))
