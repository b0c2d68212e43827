"""Fits on Dask data equal the in-memory fits of the same rows, on a real scheduler.

Each fit runs twice: through a ``distributed`` LocalCluster (two worker processes) and on
the threaded scheduler without a client; both must match the in-memory fit to 1e-10.
"""

import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import glmnet_bridge as gb
from glmnet_bridge.exceptions import DataError, SeparationWarning

dask = pytest.importorskip("dask")  # the [dask] extra; `make test` installs it
da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

TOL = 1e-10
CHUNK = 1100  # rows per partition: three partitions, the last one shorter, of 3,000 rows


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, memory_limit="500MB",
                                       processes=True, dashboard_address=":0")
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


BOTH = pytest.mark.parametrize("scheduler", ["distributed", "threads"], indirect=True)
THREADS = pytest.mark.parametrize("scheduler", ["threads"], indirect=True)
CLUSTER = pytest.mark.parametrize("scheduler", ["distributed"], indirect=True)


@pytest.fixture
def scheduler(request):
    """Run the test through the cluster's client, or Dask's threads without a client."""
    if request.param == "distributed":
        client = request.getfixturevalue("client")
        with dask.config.set(scheduler=client), distributed.get_task_stream(client) as tasks:
            yield
        assert tasks.data, "nothing ran on the cluster's workers"
    else:
        with dask.config.set(scheduler="threads"):
            yield


def _data(n=3000, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    g = rng.choice(["a", "b", "c"], n)
    return rng, X, g


def _lazy(a):
    return da.from_array(a, chunks=(CHUNK,) + a.shape[1:])


def _same(mem, lazy, tol=TOL):
    assert list(lazy.params.index) == list(mem.params.index)
    np.testing.assert_allclose(lazy.params, mem.params, rtol=0, atol=tol)
    np.testing.assert_allclose(lazy.bse, mem.bse, rtol=0, atol=tol)
    assert lazy.llf == pytest.approx(mem.llf, rel=1e-12)
    assert lazy.deviance == pytest.approx(mem.deviance, rel=1e-12)
    assert lazy.llnull == pytest.approx(mem.llnull, rel=1e-12)
    assert lazy.nobs == mem.nobs


@pytest.mark.parametrize("activation,scheduler", [
    ("logistic", "threads"), ("probit", "threads"), ("cauchit", "threads"),
    ("cloglog", "threads"), ("loglog", "threads"), ("probit", "distributed")],
    indirect=["scheduler"])
def test_binary_activations_with_weights_and_offset(scheduler, activation):
    rng, X, _ = _data()
    off = 0.3 * rng.standard_normal(len(X))
    fw = rng.integers(1, 4, len(X)).astype(float)
    z = 0.2 + X @ [0.6, -0.4, 0.3] + off
    y = (rng.random(len(X)) < gb.get_activation(activation)(z)).astype(float)
    mem = gb.fit_neuron(X=X, y=y, activation=activation, freq_weights=fw, offset=off)
    lazy = gb.fit_neuron(X=_lazy(X), y=_lazy(y), activation=activation,
                         freq_weights=_lazy(fw), offset=_lazy(off))
    _same(mem, lazy)
    assert lazy.converged and lazy.model.engine.passes[0] >= lazy.n_iter


@BOTH
def test_poisson_formula_with_exposure_and_offset_and_a_factor(scheduler):
    rng, X, g = _data()
    t = rng.uniform(0.5, 3.0, len(X))
    off = 0.2 * rng.standard_normal(len(X))
    mu = t * np.exp(0.1 + X[:, 0] * 0.4 - 0.2 * X[:, 1] + off + (g == "b") * 0.3)
    frame = pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "g": pd.Categorical(g),
                          "t": t, "off": off, "y": rng.poisson(mu).astype(float)})
    formula = "y ~ x1 + x2 + C(g)"
    kw = dict(activation="exp", exposure="t", offset="off")
    mem = gb.fit_neuron(formula, data=frame, **kw)
    lazy = gb.fit_neuron(formula, data=dd.from_pandas(frame, npartitions=4), **kw)
    _same(mem, lazy)
    # an independent oracle as well: statsmodels' Poisson GLM on the same design
    sm_fit = sm.GLM.from_formula(formula, frame, family=sm.families.Poisson(),
                                 exposure=frame.t, offset=frame.off).fit(tol=1e-14)
    np.testing.assert_allclose(lazy.params, sm_fit.params, atol=1e-8)
    # predict on Dask rows is lazy, and equals the in-memory prediction
    new = dd.from_pandas(frame.head(500), npartitions=2)
    pred = lazy.predict(new, which="linear")
    assert hasattr(pred, "dask")
    np.testing.assert_allclose(pred.compute(), mem.predict(frame.head(500), which="linear"),
                               atol=1e-12)


@BOTH
def test_gaussian_with_weights_and_offset(scheduler):
    rng, X, _ = _data()
    fw = rng.integers(1, 5, len(X)).astype(float)
    off = rng.standard_normal(len(X))
    y = 1.0 + X @ [0.5, 0.0, -1.0] + off + rng.standard_normal(len(X))
    kw = dict(activation="identity")
    mem = gb.fit_neuron(X=X, y=y, freq_weights=fw, offset=off, **kw)
    lazy = gb.fit_neuron(X=_lazy(X), y=_lazy(y), freq_weights=_lazy(fw), offset=_lazy(off),
                         **kw)
    _same(mem, lazy)
    assert lazy.scale == pytest.approx(mem.scale, rel=1e-12)
    fitted = lazy.predict()
    assert hasattr(fitted, "dask")
    np.testing.assert_allclose(fitted.compute(), mem.predict(), atol=1e-12)


@CLUSTER
def test_formula_on_a_dask_frame_with_string_levels(scheduler):
    rng, X, g = _data()
    z = -0.2 + X[:, 0] - 0.5 * X[:, 2] + (g == "c") * 0.8
    frame = pd.DataFrame({"x1": X[:, 0], "x3": X[:, 2], "g": g,
                          "y": (rng.random(len(X)) < 1 / (1 + np.exp(-z))).astype(float)})
    mem = gb.fit_neuron("y ~ x1 + x3 + g", data=frame, activation="probit")
    ddf = dd.from_pandas(frame, npartitions=3)  # strings: levels learnt by patsy's builder
    lazy = gb.fit_neuron("y ~ x1 + x3 + g", data=ddf, activation="probit")
    _same(mem, lazy)
    assert str(lazy.summary()).count("g[T.") == 2


@THREADS
def test_sandwich_and_expected_covariances(scheduler):
    rng, X, _ = _data()
    y = (rng.random(len(X)) < 1 / (1 + np.exp(-X[:, 0]))).astype(float)
    for cov in ("sandwich", "expected"):
        mem = gb.fit_neuron(X=X, y=y, activation="cloglog", cov_type=cov)
        lazy = gb.fit_neuron(X=_lazy(X), y=_lazy(y), activation="cloglog", cov_type=cov)
        _same(mem, lazy)


@pytest.mark.parametrize("alpha,standardize,scheduler", [
    (1.0, True, "distributed"), (0.0, False, "threads")], indirect=["scheduler"])
def test_penalised_fits(scheduler, alpha, standardize):
    rng, X, _ = _data()
    y = (rng.random(len(X)) < 1 / (1 + np.exp(-X @ [1.0, 0.0, -0.5]))).astype(float)
    kw = dict(lam=0.02, alpha=alpha, standardize=standardize)
    mem = gb.fit_neuron(X=X, y=y, **kw)
    lazy = gb.fit_neuron(X=_lazy(X), y=_lazy(y), **kw)
    np.testing.assert_allclose(lazy.params, mem.params, rtol=0, atol=TOL)
    if alpha == 0.0:  # a ridge fit's sandwich standard errors
        np.testing.assert_allclose(lazy.bse, mem.bse, rtol=0, atol=TOL)


def _same_path(mem, lazy):
    assert len(lazy.lambdas) == len(mem.lambdas)
    np.testing.assert_allclose(lazy.lambdas, mem.lambdas, rtol=1e-12, atol=0)
    assert list(lazy.coefs.columns) == list(mem.coefs.columns)
    np.testing.assert_allclose(lazy.coefs.to_numpy(), mem.coefs.to_numpy(), rtol=0, atol=1e-8)
    np.testing.assert_allclose(lazy.dev_ratio, mem.dev_ratio, rtol=0, atol=1e-10)


# the cluster's passes take ~0.1 s each: a short path there
@pytest.mark.parametrize("activation,alpha,nlambda,scheduler", [
    ("logistic", 1.0, 25, "threads"), ("identity", 0.5, 25, "threads"),
    ("logistic", 1.0, 6, "distributed")], indirect=["scheduler"])
def test_glmnet_path_equals_the_in_memory_path(scheduler, activation, alpha, nlambda):
    rng, X, _ = _data(n=2000)
    X = np.column_stack([X, rng.standard_normal((len(X), 3))])
    z = 0.3 + X[:, 0] - 0.5 * X[:, 2]
    y = (rng.random(len(X)) < 1 / (1 + np.exp(-z))).astype(float) if activation == "logistic" \
        else z + rng.standard_normal(len(X))
    w = rng.integers(1, 4, len(X)).astype(float)
    off = 0.1 * rng.standard_normal(len(X))
    # in memory the compiled coordinate descent, on Dask the engine's Newton: solved
    # tightly, the two algorithms' answers agree to far below the 1e-8 compared
    kw = dict(activation=activation, alpha=alpha, nlambda=nlambda, tol=1e-12)
    mem = gb.glmnet_path(X, y, freq_weights=w, offset=off, **kw)
    lazy = gb.glmnet_path(_lazy(X), _lazy(y), freq_weights=_lazy(w), offset=_lazy(off), **kw)
    _same_path(mem, lazy)


@pytest.mark.parametrize("measure,scheduler", [("deviance", "threads"), ("mse", "threads")],
                         indirect=["scheduler"])
def test_cv_glmnet_with_a_fold_id_column_equals_the_in_memory_cv(scheduler, measure):
    rng, X, g = _data(n=1500)
    y = (rng.random(len(X)) < 1 / (1 + np.exp(-(X @ [1.0, 0.0, -0.5])))).astype(float)
    foldid = rng.permutation(np.arange(len(X)) % 3) + 1
    frame = pd.DataFrame({"y": y, "x1": X[:, 0], "x2": X[:, 1], "x3": X[:, 2],
                          "g": pd.Categorical(g), "fold": foldid})
    kw = dict(nlambda=15, type_measure=measure, tol=1e-12)  # two algorithms: solved tightly
    if measure == "deviance":  # arrays, the folds a Dask array
        mem = gb.cv_glmnet(X, y, foldid=foldid, **kw)
        lazy = gb.cv_glmnet(_lazy(X), _lazy(y), foldid=_lazy(foldid), **kw)
    else:  # a formula on a Dask frame, the folds one of its columns
        f = "y ~ x1 + x2 + x3 + C(g)"
        mem = gb.cv_glmnet(formula=f, data=frame, foldid=foldid, **kw)
        lazy = gb.cv_glmnet(formula=f, data=dd.from_pandas(frame, npartitions=2),
                            foldid="fold", **kw)
    _same_path(mem.path, lazy.path)
    np.testing.assert_allclose(lazy.cvm, mem.cvm, rtol=0, atol=1e-8)
    np.testing.assert_allclose(lazy.cvsd, mem.cvsd, rtol=0, atol=1e-8)
    assert (lazy.index_min, lazy.index_1se) == (mem.index_min, mem.index_1se)
    assert lazy.lambda_min == pytest.approx(mem.lambda_min, rel=1e-12)
    assert lazy.lambda_1se == pytest.approx(mem.lambda_1se, rel=1e-12)
    assert str(lazy).startswith("cv_glmnet, 3 folds")


def test_lbfgs_and_a_large_fit_from_a_subsample():
    # 120,000 rows: Newton starts from a 30,000-row subsample drawn from whole partitions
    rng = np.random.default_rng(5)
    X = rng.standard_normal((120_000, 2))
    y = (rng.random(len(X)) < 1 / (1 + np.exp(-(0.3 + X @ [0.7, -0.2])))).astype(float)
    with dask.config.set(scheduler="threads"):
        mem = gb.fit_neuron(X=X, y=y)
        lazy = gb.fit_neuron(X=da.from_array(X, chunks=(20_000, 2)),
                             y=da.from_array(y, chunks=20_000))
        passes = lazy.model.engine.passes[0]  # the fit's, with its standard errors
        lb = gb.fit_neuron(X=da.from_array(X[:3000], chunks=(CHUNK, 2)),
                           y=da.from_array(y[:3000], chunks=CHUNK), solver="lbfgs")
    _same(mem, lazy)
    np.testing.assert_allclose(lb.params, gb.fit_neuron(X=X[:3000], y=y[:3000]).params,
                               atol=1e-6)
    assert passes <= 8


def test_errors_name_the_column_and_rows():
    rng, X, g = _data(n=300)
    y = (X[:, 0] > 0).astype(float)
    bad = X.copy()
    bad[[5, 250], 1] = np.nan
    with dask.config.set(scheduler="sync"):
        with pytest.raises(DataError, match=r"column 'x2' has missing or infinite values "
                                            r"\(rows at positions 5, 250\)"):
            gb.fit_neuron(X=_lazy(bad), y=_lazy(y))
        yb = y.copy()
        yb[7] = 2.0
        with pytest.raises(DataError, match=r"outcome 'y' must be 0 or 1.*positions 7\b"):
            gb.fit_neuron(X=_lazy(X), y=_lazy(yb))
        frame = pd.DataFrame({"x1": X[:, 0], "y": y}, index=[f"r{i}" for i in range(300)])
        frame.loc["r9", "x1"] = np.nan
        with pytest.raises(DataError, match=r"column 'x1' has 1 missing value.*r9"):
            gb.fit_neuron("y ~ x1", data=dd.from_pandas(frame, npartitions=2))
        with pytest.raises(ValueError, match="solver='newton' or 'lbfgs'"):
            gb.fit_neuron(X=_lazy(X[:, :1] + 0.5 * X[:, 1:2]), y=_lazy(y), solver="sgd")
        with pytest.raises(DataError, match="softmax"):
            gb.fit_neuron(X=_lazy(X), y=_lazy(y), activation="softmax")


def test_rank_and_separation_are_checked_by_passes():
    rng, X, _ = _data(n=400)
    with dask.config.set(scheduler="sync"):
        dup = np.column_stack([X[:, :2], X[:, 0] - 2 * X[:, 1]])
        y = (rng.random(400) < 0.5).astype(float)
        with pytest.raises(DataError, match=r"linearly dependent, x3 = \+1·x1 -2·x2"):
            gb.fit_neuron(X=_lazy(dup), y=_lazy(y))
        ysep = (X[:, 0] + 0.5 * X[:, 1] > 0.1).astype(float)
        with pytest.warns(SeparationWarning, match="complete separation"):
            fit = gb.fit_neuron(X=_lazy(X), y=_lazy(ysep))
    sep = fit.separation
    assert sep.kind == "complete" and sep.n_separated == 400
    d = sep.direction
    # the direction found is (a multiple of) the one that separates: x1 + 0.5·x2
    assert d["x2"] / d["x1"] == pytest.approx(0.5, abs=0.05) and abs(d["x3"]) < 0.05


def test_the_package_imports_without_dask():
    code = ("import sys; sys.modules['dask'] = None; sys.modules['distributed'] = None\n"
            "import glmnet_bridge as gb, numpy as np\n"
            "rng = np.random.default_rng(0)\n"
            "X = rng.standard_normal((200, 2))\n"
            "assert gb.fit_neuron(X=X, y=(rng.random(200) < 0.5).astype(float)).converged")
    with warnings.catch_warnings():
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
