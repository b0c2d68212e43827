"""predict_proba returns probabilities: rows sum to 1 whatever the output layer."""

import numpy as np

import glmnet_bridge as gb


def test_sigmoid_outputs_are_normalised_but_feedforward_is_raw():
    (Xt, yt), _, (Xs, _) = gb.datasets.load_digits()
    net = gb.Network([64, 10, 10], activation="sigmoid", cost="quadratic", seed=0)
    net.fit(Xt[:300], yt[:300], epochs=2, batch_size=10, eta=3.0, verbose=False)
    raw = net.feedforward(Xs)
    p = net.predict_proba(Xs)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(p, raw / raw.sum(axis=1, keepdims=True), rtol=1e-12)
    assert not np.allclose(raw.sum(axis=1), 1.0)
    np.testing.assert_array_equal(p.argmax(axis=1), net.predict(Xs))
