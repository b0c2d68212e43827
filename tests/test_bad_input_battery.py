"""The bad-input battery: every user error is a DataError naming its culprit, or a right answer.

Each case is input → (error type, what the message must name) or → a result checked against
statsmodels. The rule it holds is written in docs/errors.md.
"""

import gzip
import json
import struct
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import glmnet_bridge as gb

N = 60


def _frame():
    rng = np.random.default_rng(17)
    d = pd.DataFrame({"x1": rng.normal(size=N), "x2": rng.normal(size=N)})
    d["y"] = (d.x1 - 0.5 * d.x2 + rng.normal(size=N) > 0).astype(float)
    d["g"] = np.where(rng.random(N) > 0.5, "a", "b")
    d["w"] = rng.integers(1, 4, N).astype(float)
    return d


D = _frame()


def edit(**changes):
    """Return a copy of the battery's frame with cells changed: col=(rows, value)."""
    d = D.copy()
    for col, (rows, value) in changes.items():
        if d[col].dtype.kind == "f" and isinstance(value, str):
            d[col] = d[col].astype(object)
        d.loc[rows, col] = value
    return d


def fit(formula="y ~ x1 + x2", data=None, **kw):
    return gb.fit_neuron(formula, data=D if data is None else data, **kw)


def fit_xy(X=None, y=None, **kw):
    return gb.fit_neuron(X=D[["x1", "x2"]] if X is None else X,
                         y=D["y"] if y is None else y, **kw)


def renamed(**names):
    return D.rename(columns=names)


def fitted(formula="y ~ x1 + x2 + C(g)"):
    return gb.fit_neuron(formula, data=D)


def _scaled(col, s):
    d = D.copy()
    d[col] = d[col] * s
    return d


CASES = [
    # ---------------------------------------------------------------- missing values
    ("nan in a formula column", lambda: fit(data=edit(x1=(3, np.nan))),
     r"column 'x1' has 1 missing value \(row 3\)"),
    ("nan in a Q() column", lambda: fit('y ~ Q("my col") + x2',
                                        data=edit(x1=(4, np.nan)).rename(columns={"x1": "my col"})),
     r"column 'my col' has 1 missing value \(row 4\)"),
    ("nan in a unicode column", lambda: fit("y ~ größe", data=edit(x1=(5, np.nan)).rename(
        columns={"x1": "größe"})), r"column 'größe' has 1 missing value \(row 5\)"),
    ("pd.NA in Int64", lambda: fit("y ~ i", data=D.assign(i=pd.array([1, None] * (N // 2),
                                                                     dtype="Int64"))),
     r"column 'i' has 30 missing values \(rows 1, 3, 5, 7, 9 and 25 more\)"),
    ("missing outcome", lambda: fit(data=edit(y=(7, np.nan))),
     r"column 'y' has 1 missing value \(row 7\)"),
    ("missing in X frame", lambda: fit_xy(X=edit(x2=(2, np.nan))[["x1", "x2"]]),
     r"column 'x2' has 1 missing value \(row 2\)"),
    ("None in an object array", lambda: fit_xy(X=np.array([[1.0, None]] * N, dtype=object)),
     r"column 'x2' has \d+ missing values"),
    ("NaN made by a transformation", lambda: fit("y ~ np.log(x1)"),
     r"column 'np.log\(x1\)' has missing values \(NaN\) \(rows .*\), made by the term"),
    # ---------------------------------------------------------------- infinite values
    ("inf in a formula column", lambda: fit(data=edit(x2=(4, np.inf))),
     r"column 'x2' has infinite values \(row 4\)"),
    ("inf in an array", lambda: fit_xy(X=np.where(np.arange(N)[:, None] == 9, np.inf,
                                                  D[["x1", "x2"]].to_numpy()),
                                       y=D["y"].to_numpy()),
     r"column 'x1' has infinite values \(row 9\)"),
    ("inf in the outcome", lambda: fit_xy(y=edit(y=(1, np.inf))["y"]),
     r"column 'y' has infinite values \(row 1\)"),
    # ---------------------------------------------------------------- wrong types
    ("a stray string in a formula column", lambda: fit(data=edit(x1=(5, "abc"))),
     r"column 'x1' holds numbers and text: row 5 holds 'abc'"),
    ("a stray string in an X frame", lambda: fit_xy(X=edit(x2=(8, "n/a"))[["x1", "x2"]]),
     r"column 'x2' holds numbers and text: row 8 holds 'n/a'"),
    ("text in an object array", lambda: fit_xy(X=np.array([[1.0, "a"]] * N, dtype=object)),
     r"column 'x2' of X is not numeric: rows 0, 1, 2, 3, 4 and 55 more hold 'a'"),
    ("a text column in X", lambda: fit_xy(X=D[["x1", "g"]]),
     r"column 'g' is not numeric .*\"y ~ C\(g\)\""),
    ("y as a two-column frame", lambda: fit_xy(y=D[["y", "x2"]]),
     r"y has 2 columns \['y', 'x2'\]; give one outcome column"),
    ("y as an (n, 2) array", lambda: fit_xy(y=D[["y", "x2"]].to_numpy()),
     r"y must be one outcome per row \(1-d\), got shape \(60, 2\)"),
    ("X with three dimensions", lambda: fit_xy(X=np.zeros((N, 2, 2)), y=D["y"].to_numpy()),
     r"X must be a 2-d array .* got 3 dimensions"),
    ("an outcome of 2s", lambda: fit(data=edit(y=([1, 2], 2.0))),
     r"outcome 'y' must be 0 or 1 .*rows 1, 2 hold"),
    ("a three-level outcome", lambda: fit("g3 ~ x1", data=D.assign(
        g3=np.where(D.x2 > 1, "c", D.g))), r"outcome 'g3' has 3 levels .*softmax"),
    ("an outcome with one level", lambda: fit("g1 ~ x1", data=D.assign(g1="a")),
     r"outcome 'g1' takes the single value 'a'"),
    # ---------------------------------------------------------------- names and indexes
    ("duplicated X columns", lambda: fit_xy(X=pd.DataFrame(D[["x1", "x2"]].to_numpy(),
                                                           columns=["a", "a"])),
     r"X has 1 duplicated column name \['a'\]"),
    ("duplicated data columns", lambda: fit("y ~ x1", data=pd.concat([D, D[["x1"]]], axis=1)),
     r"the data has 1 duplicated column name \['x1'\]"),
    ("y with a shuffled index", lambda: fit_xy(y=D["y"].sample(frac=1, random_state=0)),
     r"the index of y does not match the rows of X \(position 0: \d+ vs 0\).*y.loc\[X.index\]"),
    ("freq_weights with a shifted index", lambda: fit_xy(
        freq_weights=pd.Series(D.w.to_numpy(), index=D.index + 1)),
     r"the index of freq_weights does not match the rows of X \(position 0: 1 vs 0\)"),
    ("y shorter than X", lambda: fit_xy(y=D["y"].to_numpy()[:-1]), r"X has 60 rows but y has 59"),
    ("a name not in the data", lambda: fit("y ~ x1 + nope"),
     r"formula 'y ~ x1 \+ nope': name 'nope' is not defined, it is not a column of the data "
     r"\(columns: "
     r"\['x1', 'x2', 'y', 'g', 'w'\]\); check the spelling"),
    ("a bad formula", lambda: fit("y ~ x1 +"), r"cannot build the design from formula 'y ~ x1 \+'"),
    # ---------------------------------------------------------------- extreme scales
    ("a column of 1e-300", lambda: fit(data=_scaled("x1", 1e-300)),
     r"column 'x1' has values of order \de-300.*Rescale it"),
    ("a column of 1e300", lambda: fit(data=_scaled("x2", 1e300)),
     r"column 'x2' has values of order \de\+300.*Rescale it"),
    ("an array column of 1e200", lambda: fit_xy(X=D[["x1", "x2"]].to_numpy() * [1, 1e200],
                                                y=D["y"].to_numpy()),
     r"column 'x2' has values of order \de\+200"),
    # ---------------------------------------------------------------- weights and offsets
    ("freq_weights naming a missing column", lambda: fit(freq_weights="wt"),
     r"freq_weights='wt' is not a column of the data; columns are \['x1', 'x2', 'y', 'g', 'w'\]"),
    ("offset naming a missing column", lambda: fit(offset="off"),
     r"offset='off' is not a column of the data"),
    ("exposure naming a missing column", lambda: fit("w ~ x1", activation="exp", exposure="t"),
     r"exposure='t' is not a column of the data"),
    ("trials naming a missing column", lambda: fit("w ~ x1", trials="n"),
     r"trials='n' is not a column of the data"),
    ("a column name without data", lambda: fit_xy(offset="x1"),
     r"offset='x1' names a column, but no data= was given"),
    ("negative weights", lambda: fit(freq_weights=np.where(np.arange(N) == 2, -1.0, 1.0)),
     r"freq_weights must be non-negative \(row 2\)"),
    ("all-zero weights", lambda: fit(freq_weights=np.zeros(N)), r"freq_weights are all zero"),
    ("a NaN weight", lambda: fit(freq_weights=np.where(np.arange(N) == 6, np.nan, 1.0)),
     r"freq_weights has missing or infinite values \(row 6\)"),
    ("weights of the wrong length", lambda: fit(freq_weights=np.ones(N - 1)),
     r"freq_weights has 59 rows but the design has 60"),
    ("a text offset", lambda: fit(offset="g"), r"offset must be numbers, one per row"),
    ("an offset with inf", lambda: fit(offset=np.where(np.arange(N) == 3, np.inf, 0.0)),
     r"offset has missing or infinite values \(row 3\)"),
    ("a zero exposure", lambda: fit("w ~ x1", activation="exp",
                                    exposure=np.where(np.arange(N) == 4, 0.0, 1.0)),
     r"exposure must be positive and finite \(row 4\)"),
    ("exposure with a logistic activation", lambda: fit(exposure=np.ones(N)),
     r"exposure= .*does not apply to the logistic activation: pass offset= instead"),
    # ---------------------------------------------------------------- arguments
    ("fit_intercept=False with a formula", lambda: fit(fit_intercept=False),
     r"fit_intercept=False applies to X and y; in a formula write '- 1'"),
    ("lam=nan", lambda: fit(lam=np.nan), r"lam must be a finite number"),
    ("start_params of the wrong length", lambda: fit(start_params=[0.0, 1.0]),
     r"start_params needs 3 values \['Intercept', 'x1', 'x2'\], got 2"),
    ("start_params with NaN", lambda: fit(start_params=[0.0, np.nan, 0.0]),
     r"start_params must be finite"),
    ("start_params far from the answer", lambda: fit(start_params=[1e3, 0.0, 0.0]),
     r"start_params is too far from the optimum.*leave start_params out"),
    ("nfolds above the rows", lambda: gb.cv_glmnet(D[["x1", "x2"]].to_numpy()[:30],
                                                   D["y"].to_numpy()[:30], nfolds=50),
     r"nfolds=50: .*from 3 to the 30 rows"),
    ("nfolds of 2", lambda: gb.cv_glmnet(D[["x1", "x2"]].to_numpy(), D["y"].to_numpy(),
                                         nfolds=2), r"nfolds=2: .*from 3"),
    # ---------------------------------------------------------------- predict
    ("predict with a NaN row", lambda: fitted().predict(edit(x1=(2, np.nan)).head(5)),
     r"newdata column 'x1' has 1 missing value \(row 2\)"),
    ("predict with an unseen level", lambda: fitted().predict(edit(g=(1, "zzz")).head(3)),
     r"newdata cannot be put through the formula's term 'C\(g\)'.*'zzz'"),
    ("predict without a column", lambda: fitted().predict(D[["x1", "g"]]),
     r"newdata has no column \['x2'\]"),
    ("predict with inf", lambda: fitted().predict(edit(x2=(0, np.inf)).head(3)),
     r"column 'x2' has infinite values \(row 0\)"),
    ("predict an X frame without a column", lambda: fit_xy().predict(D[["x1"]]),
     r"newdata has no column \['x2'\]; the model was fitted on \['x1', 'x2'\]"),
    ("predict an array of the wrong width", lambda: fit_xy().predict(np.zeros((3, 3))),
     r"newdata has 3 columns; the model was fitted on 2"),
    ("predict an array with NaN", lambda: fit_xy().predict(np.array([[0.0, np.nan]])),
     r"newdata column 'x2' has 1 missing value \(row 0\)"),
]


@pytest.mark.parametrize("make, pattern", [pytest.param(m, p, id=i) for i, m, p in CASES])
def test_bad_input_raises_a_data_error_naming_its_culprit(make, pattern):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning on the way to the error either
        with pytest.raises(gb.DataError, match=pattern):
            make()


# ---------------------------------------------------------------- inputs that must just work
def _logit(y, X):
    return sm.Logit(np.asarray(y, float), sm.add_constant(np.asarray(X, float))).fit(
        disp=0, method="newton", tol=1e-14)


GOOD = [
    ("Int64 and Float64 columns", lambda: fit("y ~ i + f", data=D.assign(
        i=pd.array(np.arange(N) % 5, dtype="Int64"), f=D.x1.astype("Float64"))),
     lambda: _logit(D.y, np.column_stack([np.arange(N) % 5, D.x1]))),
    ("an oddly named column", lambda: fit('y ~ Q("my col") + größe', data=renamed(
        x1="my col", x2="größe")), lambda: _logit(D.y, D[["x1", "x2"]])),
    ("a boolean input column", lambda: fit_xy(X=D[["x1"]].assign(b=D.x2 > 0)),
     lambda: _logit(D.y, np.column_stack([D.x1, D.x2 > 0]))),
    ("a nullable boolean outcome", lambda: fit_xy(y=(D.y > 0).astype("boolean")),
     lambda: _logit(D.y, D[["x1", "x2"]])),
    ("a column of 1e-100", lambda: fit(data=_scaled("x1", 1e-100)),
     lambda: _logit(D.y, D[["x1", "x2"]]), np.array([1, 1e-100, 1])),
    ("a column of 1e100", lambda: fit(data=_scaled("x2", 1e100)),
     lambda: _logit(D.y, D[["x1", "x2"]]), np.array([1, 1, 1e100])),
    ("an X frame with its own index", lambda: fit_xy(X=D[["x1", "x2"]].set_axis(D.index + 100),
                                                     y=D["y"].set_axis(D.index + 100)),
     lambda: _logit(D.y, D[["x1", "x2"]])),
    ("a pandas string factor", lambda: fit("y ~ x1 + C(g)", data=D.assign(g=D.g.astype("string"))),
     lambda: _logit(D.y, np.column_stack([D.g == "b", D.x1]))),  # patsy puts factors first
    ("an Int64 outcome", lambda: fit(data=D.assign(y=D.y.astype("Int64"))),
     lambda: _logit(D.y, D[["x1", "x2"]])),
    ("weights that drop rows", lambda: fit(freq_weights=(D.index % 3 != 0).astype(float)),
     lambda: _logit(D.y[D.index % 3 != 0], D.loc[D.index % 3 != 0, ["x1", "x2"]])),
]


@pytest.mark.parametrize("make, oracle, scale",
                         [pytest.param(m, o, s[0] if s else None, id=i) for i, m, o, *s in GOOD])
def test_unusual_but_valid_input_gives_the_statsmodels_answer(make, oracle, scale):
    ours, ref = make(), oracle()
    got = ours.params.to_numpy() * (1.0 if scale is None else scale)
    np.testing.assert_allclose(got, np.asarray(ref.params), rtol=1e-8, atol=1e-10)


def test_predict_takes_nullable_dtypes():
    f = fitted()
    new = D.head(6).astype({"x1": "Float64", "g": "string"})
    np.testing.assert_allclose(f.predict(new).to_numpy(), f.predict(D.head(6)).to_numpy())


def test_predict_of_an_x_frame_matches_columns_by_name():
    f = fit_xy()
    swapped = D[["x2", "x1"]].head(4)
    np.testing.assert_allclose(f.predict(swapped).to_numpy(), f.predict(D[["x1", "x2"]].head(4)))


def test_compare_on_separated_data_warns_once_per_activation():
    d = D.assign(y=(D.x1 > 0).astype(float))
    acts = ("logistic", "probit", "cloglog")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        gb.compare("y ~ x1 + x2", data=d, activations=acts, quadratic=True)
    kinds = [w.category for w in seen]
    assert kinds == [gb.SeparationWarning] * len(acts), [str(w.message)[:60] for w in seen]
    d3 = D.assign(c=np.where(D.x2 > 0.5, "c", D.g))  # class c is separated by x2
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        gb.compare("c ~ x1 + x2", data=d3, activations=("softmax",))
    assert [w.category for w in seen] == [gb.SeparationWarning], [str(w.message) for w in seen]


# ---------------------------------------------------------------- network input checks
X4 = np.random.default_rng(0).normal(size=(20, 4))
NETWORK = [
    ("one-hot of the wrong width", lambda: gb.Network([4, 3, 2], seed=0).fit(
        X4, np.eye(3)[np.arange(20) % 3], epochs=1, verbose=False),
     r"one-hot rows of length 3, but the network has 2 outputs"),
    ("string labels", lambda: gb.Network([4, 3, 2], seed=0).fit(
        X4, np.array(["a", "b"] * 10), epochs=1, verbose=False),
     r"y holds non-numeric labels \(such as 'a'\).*pd.Categorical\(y\).codes"),
    ("labels out of range", lambda: gb.Network([4, 2], seed=0).fit(
        X4, np.arange(20) % 3, epochs=1, verbose=False), r"labels must be integers 0..1"),
    ("NaN in X", lambda: gb.Network([4, 2], seed=0).fit(
        np.where(X4 > 2, np.nan, X4), np.arange(20) % 2, epochs=1, verbose=False),
     r"X has missing or infinite values \(first at row \d+, column \d+\)"),
    ("X of the wrong width", lambda: gb.Network([3, 2], seed=0).predict(X4),
     r"X must have 3 columns .* got shape \(20, 4\)"),
    ("validation_data not a pair", lambda: gb.Network([4, 2], seed=0).fit(
        X4, np.arange(20) % 2, epochs=1, verbose=False, validation_data=X4),
     r"validation_data must be a pair"),
    ("eta of nan", lambda: gb.Network([4, 2], seed=0).fit(
        X4, np.arange(20) % 2, epochs=1, eta=np.nan, verbose=False), r"eta > 0"),
]


@pytest.mark.parametrize("make, pattern", [pytest.param(m, p, id=i) for i, m, p in NETWORK])
def test_network_input_errors_name_the_problem(make, pattern):
    with pytest.raises(gb.DataError, match=pattern):
        make()


# ---------------------------------------------------------------- files
def _idx(arr):
    return (struct.pack(">HBB", 0, 0x08, arr.ndim) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
            + arr.astype(np.uint8).tobytes())


def _mnist(folder, n_train=120, n_test=12, damage=None):
    rng = np.random.default_rng(3)
    files = {"train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28)),
             "train-labels-idx1-ubyte": rng.integers(0, 10, n_train),
             "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28)),
             "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test)}
    for name, arr in files.items():
        data = _idx(arr)
        if damage == "truncate" and name.startswith("train-images"):
            data = data[:1000]
        if damage == "header" and name.startswith("t10k-labels"):
            data = data[:6]
        if damage == "not-gzip" and name.startswith("train-labels"):
            (folder / f"{name}.gz").write_bytes(data)
            continue
        with gzip.open(folder / f"{name}.gz", "wb") as fh:
            fh.write(data)
    return files


def test_load_mnist_reads_a_small_valid_set(tmp_path):
    files = _mnist(tmp_path)
    (Xt, yt), (Xv, yv), (Xs, ys) = gb.datasets.load_mnist(tmp_path)
    assert Xt.shape == (100, 784) and Xv.shape == (20, 784) and Xs.shape == (12, 784)
    np.testing.assert_allclose(Xv[0], files["train-images-idx3-ubyte"][100].ravel() / 255)
    np.testing.assert_array_equal(ys, files["t10k-labels-idx1-ubyte"])


@pytest.mark.parametrize("damage, pattern", [
    ("truncate", r"train-images-idx3-ubyte.gz: the header says \(120, 28, 28\), the file holds "
                 r"\d+ values; it is truncated"),
    ("header", r"t10k-labels-idx1-ubyte.gz: the IDX header is cut short"),
    ("not-gzip", r"train-labels-idx1-ubyte.gz: not a complete gzip file"),
])
def test_load_mnist_names_a_damaged_file(tmp_path, damage, pattern):
    _mnist(tmp_path, damage=damage)
    with pytest.raises(gb.DataError, match=pattern):
        gb.datasets.load_mnist(tmp_path)


def test_load_mnist_names_a_missing_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="neither the MNIST folder nor mnist.pkl.gz"):
        gb.datasets.load_mnist(tmp_path / "nope")
    with pytest.raises(FileNotFoundError, match=r"no train-images-idx3-ubyte\[.gz\]"):
        gb.datasets.load_mnist(tmp_path)


# ---------------------------------------------------------------- the command line
_CLI = """
import contextlib, io, json, sys
from glmnet_bridge.presentation import cli
out = []
for argv in json.loads(sys.argv[1]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = cli.main(argv)
        except SystemExit as stop:
            code = stop.code
    out.append([code, err.getvalue()])
print(json.dumps(out))
"""


def test_every_cli_error_is_one_line_on_stderr(tmp_path):
    csv = tmp_path / "d.csv"
    edit(x1=(3, np.nan)).to_csv(csv, index=False)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    cases = [
        (["compare", "--data", str(tmp_path / "none.csv"), "--formula", "y ~ x2"], "none.csv"),
        (["compare", "--data", str(empty), "--formula", "y ~ x2"], "empty.csv"),
        (["compare", "--data", str(csv), "--formula", "y ~ x2 + nope"], "nope"),
        (["compare", "--data", str(csv), "--formula", "y ~ x1 + x2"], "'x1' has 1 missing"),
        (["compare", "--data", str(csv), "--formula", "y ~ x2", "--activations", "tanhh"],
         "tanhh"),
        (["compare", "--output", str(tmp_path / "missing" / "t.csv")], "missing"),
    ]
    run = subprocess.run([sys.executable, "-c", _CLI, json.dumps([c for c, _ in cases])],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    for (argv, needle), (code, err) in zip(cases, json.loads(run.stdout), strict=True):
        assert code == 2, (argv, code, err)
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, (argv, err)
        assert needle in err, (argv, err)


def test_nan_in_a_plain_array_names_column_and_row_without_talk_of_terms():
    X = np.random.default_rng(0).standard_normal((30, 3))
    X[7, 1] = np.nan
    with pytest.raises(gb.DataError, match=r"^column 'x2' has missing values \(NaN\) "
                                           r"\(row 7\); drop or impute those rows$"):
        gb.glmnet_path(X, (X[:, 0] > 0).astype(float))
