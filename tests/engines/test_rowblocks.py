"""The thread pool behind large passes: made on first use, sized by the user."""

import subprocess
import sys

import numpy as np
import pytest

import glmnet_bridge as gb
from glmnet_bridge.engines import rowblocks


def test_no_pool_exists_after_import():
    code = ("import glmnet_bridge, glmnet_bridge.engines.rowblocks as r, threading; "
            "assert r._pool is None; "
            "assert not [t for t in threading.enumerate() if t.name.startswith('glmnet')]")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_set_num_threads_decides_how_many_ranges(monkeypatch):
    monkeypatch.setattr(rowblocks, "PARALLEL_BYTES", 0)
    seen = []
    try:
        for threads in (1, 2, 3):
            gb.set_num_threads(threads)
            assert gb.get_num_threads() == threads
            parts = rowblocks.map_ranges(lambda lo, hi: (lo, hi), 100_000, 2048, 1)
            seen.append(len(parts))
            assert parts[0][0] == 0 and parts[-1][1] == 100_000
            assert all(a[1] == b[0] for a, b in zip(parts, parts[1:], strict=False))
    finally:
        gb.set_num_threads(None)
    assert seen == [1, 2, 3]


def test_the_environment_variable_sets_the_default(monkeypatch):
    monkeypatch.setenv("GLMNET_BRIDGE_NUM_THREADS", "1")
    gb.set_num_threads(None)
    assert gb.get_num_threads() == 1
    monkeypatch.setenv("GLMNET_BRIDGE_NUM_THREADS", "many")
    with pytest.raises(ValueError, match="GLMNET_BRIDGE_NUM_THREADS"):
        gb.get_num_threads()


@pytest.mark.parametrize("bad", [0, -1, 1.5])
def test_a_bad_number_of_threads_is_refused(bad):
    with pytest.raises(ValueError, match="whole number"):
        gb.set_num_threads(bad)


def test_fits_do_not_depend_on_the_number_of_threads(monkeypatch):
    monkeypatch.setattr(rowblocks, "PARALLEL_BYTES", 0)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((70_000, 4))
    y = (rng.random(70_000) < 0.4).astype(float)
    try:
        gb.set_num_threads(1)
        one = gb.fit_neuron(X=X, y=y)
        gb.set_num_threads(2)
        two = gb.fit_neuron(X=X, y=y)
    finally:
        gb.set_num_threads(None)
    np.testing.assert_allclose(one.params, two.params, rtol=1e-12)
