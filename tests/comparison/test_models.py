import numpy as np
import pytest
import statsmodels.api as sm

import glmnet_bridge as gb


@pytest.fixture(scope="module")
def spector_models():
    return gb.compare_models("GRADE ~ GPA + TUCE + PSI", data=gb.datasets.load_spector(),
                             hidden=[0, 3], nfolds=4, seeds=(0, 1), epochs=100)


def test_zero_hidden_units_is_the_glm(spector_models, spector):
    t = spector_models.table
    glm = t[t.hidden == 0].iloc[0]
    ref = sm.Logit(spector["GRADE"], sm.add_constant(spector[["GPA", "TUCE", "PSI"]])).fit(
        disp=0)
    assert glm["model"] == "logistic regression"
    assert glm["train_loglik"] == pytest.approx(ref.llf, rel=1e-8)
    assert glm["aic"] == pytest.approx(ref.aic, rel=1e-8)
    assert glm["bic"] == pytest.approx(ref.bic, rel=1e-8)
    assert glm["n_params"] == 4 and glm["seed_sd_deviance"] == 0


def test_network_rows_count_parameters_and_seeds(spector_models):
    t = spector_models.table
    net = t[t.hidden == 3].iloc[0]
    assert net["n_params"] == 3 * (3 + 1) + 1 * (3 + 1)
    runs = spector_models.runs
    assert set(runs[runs.model == net["model"]].seed) == {0, 1}
    assert len(runs) == 4 + 2 * 4


def test_cv_deviance_is_recomputable_from_the_runs(spector_models):
    runs, t = spector_models.runs, spector_models.table
    glm_runs = runs[runs.model == "logistic regression"]
    assert t.loc[0, "cv_deviance"] == pytest.approx(glm_runs["deviance"].mean())
    assert t.loc[0, "cv_deviance_se"] == pytest.approx(glm_runs["deviance"].std(ddof=1) / 2)
    assert 0 <= t.loc[0, "ece"] <= 1 and 0 <= t.loc[0, "brier"] <= 2


def test_glm_cv_deviance_by_hand():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((200, 2))
    y = (rng.random(200) < 1 / (1 + np.exp(-(0.3 + X @ [1.0, -0.6])))).astype(float)
    m = gb.compare_models(X=X, y=y, hidden=[0], nfolds=4, standardize=False)
    folds = np.random.default_rng(0).permutation(np.arange(200) % 4)
    devs = []
    for f in range(4):
        tr, te = folds != f, folds == f
        res = sm.Logit(y[tr], sm.add_constant(X[tr])).fit(disp=0, tol=1e-12)
        p = res.predict(sm.add_constant(X[te]))
        devs.append(-2 * np.mean(y[te] * np.log(p) + (1 - y[te]) * np.log(1 - p)))
    assert m.table.loc[0, "cv_deviance"] == pytest.approx(np.mean(devs), rel=1e-8)


def test_multiclass_and_plot():
    iris = gb.datasets.load_iris()
    m = gb.compare_models("Species ~ SepalLength", data=iris, hidden=[0, 2], nfolds=3,
                          seeds=(0,), epochs=30)
    assert list(m.table["model"]) == ["multinomial logit", "network [1, 2, 3]"]
    assert m.table.loc[0, "n_params"] == 4
    fig = m.plot()
    ax = fig.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel()
    assert "heuristic" in m.summary()


def test_formula_with_factors_interactions_and_transformations():
    d = sm.datasets.fair.load_pandas().data.sample(500, random_state=1)
    d["affair"] = (d["affairs"] > 0).astype(int)
    f = "affair ~ C(religious) + age * yrs_married + np.log(educ)"
    m = gb.compare_models(f, data=d, hidden=[0, 2], nfolds=3, seeds=(0,), epochs=20)
    ref = sm.Logit.from_formula(f, data=d).fit(disp=0, method="newton", tol=1e-12)
    glm = m.table.iloc[0]
    assert glm["train_loglik"] == pytest.approx(ref.llf, rel=1e-8)
    assert glm["n_params"] == len(ref.params) == 8  # 3 dummies against the reference level
    # the network sees the same 7 inputs (its bias is the intercept)
    assert m.table.iloc[1]["model"] == "network [7, 2, 1]"


def test_rank_deficiency_names_the_terms():
    d = sm.datasets.fair.load_pandas().data.sample(300, random_state=2)
    d["affair"] = (d["affairs"] > 0).astype(int)
    d["age2"] = 2 * d["age"]
    with pytest.raises(gb.DataError, match="age2"):
        gb.compare_models("affair ~ age + age2", data=d, hidden=[0], nfolds=3)


@pytest.mark.parametrize("bad", [[0, -2], [1.5], [], "two"])
def test_hidden_sizes_are_checked(bad):
    with pytest.raises(gb.DataError, match="hidden must be"):
        gb.compare_models("GRADE ~ GPA", data=gb.datasets.load_spector(), hidden=bad)


def test_separated_glm_folds_are_said_and_explained():
    rng = np.random.default_rng(0)
    x = np.r_[rng.uniform(-3, -0.2, 30), rng.uniform(0.2, 3, 30)]
    y = (x > 0).astype(float)
    y[[0, 59]] = 1 - y[[0, 59]]  # two rows on the wrong side: separated in some folds only
    m = gb.compare_models(X=x[:, None], y=y, hidden=[0], nfolds=5)
    runs = m.runs
    # each fold's separation, checked independently by statsmodels' own detection
    folds = np.random.default_rng(0).permutation(np.arange(60) % 5)
    for r in runs.itertuples():
        train = folds != r.fold
        xs, ys = x[train], y[train]
        separable = xs[ys == 1].min() > xs[ys == 0].max() or xs[ys == 0].min() > xs[ys == 1].max()
        assert r.separated == separable
    assert m.table.loc[0, "separated_folds"] == runs["separated"].sum() > 0
    text = m.summary()
    assert f"separated in {runs['separated'].sum()} of 5 folds" in text
    assert "unbounded" in text
