"""Network: backpropagation against finite differences, training, the bridge to the GLM."""

import gzip
import pickle
import struct

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import optimize
from scipy.special import expit

import glmnet_bridge as gb

HIDDEN = ["logistic", "probit", "cauchit", "cloglog", "loglog", "identity", "exp"]
OUTPUT_COSTS = [("logistic", "quadratic"), ("probit", "quadratic"), ("identity", "quadratic"),
                ("logistic", "cross_entropy"), ("probit", "cross_entropy"),
                ("cloglog", "cross_entropy"), ("loglog", "cross_entropy"),
                ("cauchit", "cross_entropy"), ("softmax", "log_likelihood")]


def numeric_gradients(net, X, y, h=1e-6):
    """Central differences of the mean cost in every weight and bias."""
    grads = []
    for params in (net.weights, net.biases):
        layer_grads = []
        for P in params:
            G = np.zeros_like(P)
            for idx in np.ndindex(P.shape):
                old = P[idx]
                P[idx] = old + h
                up = net.cost_value(X, y)
                P[idx] = old - h
                down = net.cost_value(X, y)
                P[idx] = old
                G[idx] = (up - down) / (2 * h)
            layer_grads.append(G)
        grads.append(layer_grads)
    return grads


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("output,cost", OUTPUT_COSTS)
def test_backprop_equals_finite_differences(hidden, output, cost):
    rng = np.random.default_rng(0)
    net = gb.Network([3, 4, 3], activation=hidden, output=output, cost=cost, init="scaled",
                     seed=1)
    X = rng.uniform(-1, 1, (7, 3))
    y = rng.integers(0, 3, 7) if cost == "log_likelihood" else rng.random((7, 3)).round()
    Y = net._targets(y, 7)
    nabla_w, nabla_b = net.backprop(X, Y)
    num_w, num_b = numeric_gradients(net, X, y)
    for a, b in zip(nabla_w + nabla_b, num_w + num_b, strict=True):
        np.testing.assert_allclose(a / 7, b, rtol=1e-5, atol=1e-8)


def test_sgd_epoch_is_backprop_applied(spector_like):
    # The fused training loop takes the same step as backprop's gradients.
    X, y = spector_like
    a = gb.Network([3, 5, 1], cost="cross_entropy", seed=3)
    b = gb.Network([3, 5, 1], cost="cross_entropy", seed=3)
    order = np.arange(len(y))
    a._sgd_epoch(a._inputs(X), a._targets(y, len(y)), order, len(y), 0.5, 1.0)
    nw, nb = b.backprop(b._inputs(X), b._targets(y, len(y)))
    for W, B, gw, gbias, W2, B2 in zip(b.weights, b.biases, nw, nb, a.weights, a.biases,
                                       strict=True):
        np.testing.assert_allclose(W - 0.5 / len(y) * gw, W2, rtol=1e-12)
        np.testing.assert_allclose(B - 0.5 / len(y) * gbias, B2, rtol=1e-12)


@pytest.fixture
def spector_like():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((400, 3))
    y = (rng.random(400) < expit(0.4 + X @ [1.0, -0.7, 0.3])).astype(float)
    return X, y


def test_single_sigmoid_output_network_is_logistic_regression(spector_like):
    X, y = spector_like
    net = gb.Network([3, 1], cost="cross_entropy", init="scaled", seed=0)
    net.fit(X, y, epochs=3000, batch_size=len(y), eta=2.0, verbose=False)  # full batch
    ref = sm.Logit(y, sm.add_constant(X)).fit(disp=0, method="newton", tol=1e-12)
    fit = gb.NeuronModel.read_network(net, X, y)
    np.testing.assert_allclose(fit.params.to_numpy(), ref.params, atol=1e-4)
    neuron = gb.fit_neuron(X=X, y=y)
    np.testing.assert_allclose(fit.params.to_numpy(), neuron.params.to_numpy(), atol=1e-4)
    np.testing.assert_allclose(fit.bse.to_numpy(), ref.bse, rtol=1e-3)
    assert list(fit.params.index) == ["Intercept", "x1", "x2", "x3"]
    assert fit.solver == "network sgd"


def test_weight_decay_is_ridge_with_lambda_over_n(spector_like):
    X, y = spector_like
    n, lmbda = len(y), 20.0
    net = gb.Network([3, 1], cost="cross_entropy", init="scaled", seed=0)
    net.fit(X, y, epochs=3000, batch_size=n, eta=2.0, lmbda=lmbda, verbose=False)
    lam = lmbda / n  # glmnet's λ: −loglik/n + (λ/2)·‖w‖², bias unpenalised

    def objective(beta):
        z = beta[0] + X @ beta[1:]
        return np.mean(np.logaddexp(0, z) - y * z) + 0.5 * lam * beta[1:] @ beta[1:]

    ridge = optimize.minimize(objective, np.zeros(4), method="BFGS", options={"gtol": 1e-12})
    got = np.r_[net.biases[0], net.weights[0][0]]
    np.testing.assert_allclose(got, ridge.x, atol=1e-5)


def test_chapter_one_recipe_on_the_bundled_digits():
    (Xt, yt), (Xv, yv), (Xs, ys) = gb.datasets.load_digits()
    net = gb.Network([64, 30, 10], seed=0)
    hist = net.fit(Xt, yt, epochs=30, batch_size=10, eta=3.0, validation_data=(Xv, yv),
                   verbose=False)
    assert list(hist.columns) == ["cost", "train_accuracy", "validation_cost",
                                  "validation_accuracy"]
    assert len(hist) == 30 and hist.index.name == "epoch"
    assert net.score(Xs, ys) >= 0.95
    assert hist["validation_accuracy"].iloc[-1] == pytest.approx(net.score(Xv, yv))


def test_integer_labels_and_one_hot_train_identically():
    (Xt, yt), _, _ = gb.datasets.load_digits()
    a, b = gb.Network([64, 10, 10], seed=4), gb.Network([64, 10, 10], seed=4)
    a.fit(Xt[:200], yt[:200], epochs=2, verbose=False)
    b.fit(Xt[:200], np.eye(10)[yt[:200]], epochs=2, verbose=False)
    for Wa, Wb in zip(a.weights, b.weights, strict=True):
        np.testing.assert_array_equal(Wa, Wb)


def test_seed_makes_training_reproducible():
    (Xt, yt), _, _ = gb.datasets.load_digits()
    runs = []
    for seed in (5, 5, 6):
        net = gb.Network([64, 8, 10], seed=seed)
        net.fit(Xt[:300], yt[:300], epochs=2, verbose=False)
        runs.append(net.weights[0])
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_softmax_log_likelihood_predicts_probabilities():
    (Xt, yt), _, (Xs, ys) = gb.datasets.load_digits()
    net = gb.Network([64, 20, 10], cost="log_likelihood", init="scaled", seed=0)
    net.fit(Xt, yt, epochs=10, batch_size=10, eta=0.1, verbose=False)
    p = net.predict_proba(Xs)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    assert net.score(Xs, ys) > 0.9


def test_float32_option():
    (Xt, yt), _, (Xs, ys) = gb.datasets.load_digits()
    net = gb.Network([64, 30, 10], seed=0, dtype="float32")
    net.fit(Xt, yt, epochs=10, verbose=False)
    assert net.weights[0].dtype == np.float32
    assert net.score(Xs, ys) > 0.9


def test_save_and_load_roundtrip(tmp_path):
    (Xt, yt), _, (Xs, _) = gb.datasets.load_digits()
    net = gb.Network([64, 12, 10], activation="probit", cost="cross_entropy", init="scaled")
    net.fit(Xt[:100], yt[:100], epochs=1, verbose=False)
    net.save(tmp_path / "net.npz")
    back = gb.Network.load(tmp_path / "net.npz")
    assert repr(back) == repr(net)
    np.testing.assert_array_equal(back.predict_proba(Xs), net.predict_proba(Xs))


def test_progress_bar_shown_and_silenced(capsys):
    (Xt, yt), _, _ = gb.datasets.load_digits()
    gb.Network([64, 5, 10]).fit(Xt[:50], yt[:50], epochs=2, verbose=True)
    assert "Network [64, 5, 10]" in capsys.readouterr().err
    gb.Network([64, 5, 10]).fit(Xt[:50], yt[:50], epochs=2, verbose=False)
    assert capsys.readouterr().err == ""


def test_clear_errors():
    net = gb.Network([4, 3, 2])
    with pytest.raises(ValueError, match="must have 4 columns"):
        net.fit(np.zeros((5, 3)), np.zeros(5), verbose=False)
    with pytest.raises(ValueError, match="labels must be integers 0..1"):
        net.fit(np.zeros((5, 4)), np.array([0, 1, 2, 0, 1]), verbose=False)
    with pytest.raises(ValueError, match="X has 5 rows but y has 4"):
        net.fit(np.zeros((5, 4)), np.zeros(4), verbose=False)
    with pytest.raises(ValueError, match="softmax output layer"):
        gb.Network([4, 2], output="logistic", cost="log_likelihood")
    with pytest.raises(ValueError, match="unknown cost"):
        gb.Network([4, 2], cost="hinge")
    with pytest.raises(ValueError, match="no hidden layer"):
        gb.NeuronModel.read_network(gb.Network([4, 3, 1], cost="cross_entropy"),
                                    np.zeros((5, 4)), np.zeros(5))
    with pytest.raises(FloatingPointError, match="lower eta"):
        gb.Network([4, 3, 2], activation="exp", output="exp").fit(
            np.full((20, 4), 5.0), np.zeros(20, int), eta=1e6, epochs=3, verbose=False)


def _write_idx(path, arr):
    header = struct.pack(">HBB", 0, 0x08, arr.ndim) + struct.pack(">" + "I" * arr.ndim,
                                                                   *arr.shape)
    data = header + arr.astype(np.uint8).tobytes()
    if str(path).endswith(".gz"):
        with gzip.open(path, "wb") as fh:
            fh.write(data)
    else:
        path.write_bytes(data)


@pytest.mark.parametrize("gz", [False, True])
def test_load_mnist_from_idx_files(tmp_path, gz):
    rng = np.random.default_rng(0)
    train = rng.integers(0, 256, (1_200, 28, 28))
    test = rng.integers(0, 256, (30, 28, 28))
    sfx = ".gz" if gz else ""
    _write_idx(tmp_path / f"train-images-idx3-ubyte{sfx}", train)
    _write_idx(tmp_path / f"train-labels-idx1-ubyte{sfx}", train[:, 0, 0] % 10)
    _write_idx(tmp_path / f"t10k-images-idx3-ubyte{sfx}", test)
    _write_idx(tmp_path / f"t10k-labels-idx1-ubyte{sfx}", test[:, 0, 0] % 10)
    (Xt, yt), (Xv, yv), (Xs, ys) = gb.datasets.load_mnist(tmp_path)
    # A set smaller than MNIST's 60,000 holds out its last sixth, as the book's 10,000.
    assert Xt.shape == (1_000, 784) and Xv.shape == (200, 784) and Xs.shape == (30, 784)
    np.testing.assert_allclose(Xt[3], train[3].ravel() / 255.0)
    np.testing.assert_array_equal(yv, train[1_000:, 0, 0] % 10)
    assert Xs.max() <= 1.0 and ys.dtype.kind == "i"


def test_load_mnist_from_nielsens_pickle(tmp_path):
    rng = np.random.default_rng(1)
    parts = tuple((rng.random((n, 784)).astype(np.float32), rng.integers(0, 10, n))
                  for n in (50, 10, 10))
    with gzip.open(tmp_path / "mnist.pkl.gz", "wb") as fh:
        pickle.dump(parts, fh)
    split = gb.datasets.load_mnist(tmp_path / "mnist.pkl.gz")
    assert [len(p[1]) for p in split] == [50, 10, 10]
    np.testing.assert_allclose(split.validation[0], parts[1][0])


def test_load_mnist_missing_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte"):
        gb.datasets.load_mnist(tmp_path)


def test_digits_split_is_fixed_and_real():
    a, b = gb.datasets.load_digits(), gb.datasets.load_digits()
    np.testing.assert_array_equal(a.train[0], b.train[0])
    X, y = gb.datasets.load_digits(split=False, scale=False)
    assert X.shape == (1797, 64) and X.max() == 16 and sorted(set(y)) == list(range(10))
    assert [len(p[1]) for p in a] == [1197, 300, 300]
