import itertools

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.special import expit

import glmnet_bridge as gb
from glmnet_bridge.neural.circuits import Circuit, Unit

BITS2 = list(itertools.product([0, 1], repeat=2))


def test_nand_truth_table_from_the_seed():
    # (−2)·0 + (−2)·0 + 3 = 3 > 0 → 1; (−2)·1 + (−2)·1 + 3 = −1 → 0
    assert [gb.nand(a, b) for a, b in BITS2] == [1, 1, 1, 0]
    assert gb.Perceptron(weights=[-2, -2], bias=3)([1, 1]) == 0
    np.testing.assert_array_equal(gb.nand(np.array([0, 1]), np.array([1, 1])), [1, 0])


def test_perceptron_is_vectorised_over_rows_and_fires_only_strictly_above_threshold():
    p = gb.Perceptron.from_threshold([1.0, 1.0], threshold=1.0)
    X = np.array(list(BITS2))
    np.testing.assert_array_equal(p(X), [0, 0, 0, 1])  # 1·1 + 1·0 = 1 is not > 1
    assert p.threshold == 1.0 and p.bias == -1.0


def test_neuron_is_sigma_of_w_dot_x_plus_b():
    n = gb.Neuron([0.5, -1.5], 0.25, activation="probit")
    x = np.array([[1.0, 2.0], [-3.0, 0.5]])
    from scipy.stats import norm
    np.testing.assert_allclose(n(x), norm.cdf(x @ [0.5, -1.5] + 0.25), rtol=1e-15)
    assert gb.Neuron([1.0], 0.0)([0.0]) == 0.5


def test_neuron_rejects_wrong_input_length():
    with pytest.raises(ValueError, match="length 2"):
        gb.Neuron([1.0, 2.0], 0.0)([1.0, 2.0, 3.0])


@pytest.mark.parametrize("a,b", BITS2)
def test_half_adder_adds_two_bits(a, b):
    s, c = gb.half_adder(a, b)
    assert (s, c) == ((a + b) % 2, (a + b) // 2)


def test_half_adder_is_made_of_nand_perceptrons_only():
    circuit = gb.half_adder_circuit()
    assert all(u.weights == (-2.0, -2.0) and u.bias == 3.0 for u in circuit.units)
    assert len(circuit.units) == 5


@pytest.mark.parametrize("a,b,c", list(itertools.product([0, 1], repeat=3)))
def test_full_adder(a, b, c):
    assert gb.full_adder(a, b, c) == ((a + b + c) % 2, (a + b + c) // 2)


def test_four_bit_ripple_adder_exhaustively_equals_integer_addition():
    a, b = np.meshgrid(np.arange(16), np.arange(16))
    np.testing.assert_array_equal(gb.add(a.ravel(), b.ravel(), n_bits=4), (a + b).ravel())


@given(a=st.integers(0, 2**16 - 1), b=st.integers(0, 2**16 - 1))
@settings(max_examples=50, deadline=None)
def test_sixteen_bit_adder_equals_integer_addition(a, b):
    assert gb.add(a, b, n_bits=16) == a + b


def test_adder_rejects_out_of_range():
    with pytest.raises(ValueError, match="must lie in"):
        gb.add(16, 1, n_bits=4)


# The seed's cheese festival: weights 6 (weather), 2 (partner), 2 (transit).
CASES = list(itertools.product([0, 1], repeat=3))


@pytest.mark.parametrize("weather,partner,transit", CASES)
def test_cheese_festival_threshold_5_goes_exactly_when_weather_is_good(weather, partner, transit):
    assert gb.cheese_festival(weather, partner, transit, threshold=5) == weather


@pytest.mark.parametrize("weather,partner,transit", CASES)
def test_cheese_festival_threshold_3_weather_or_both_others(weather, partner, transit):
    expected = int(weather == 1 or (partner == 1 and transit == 1))
    assert gb.cheese_festival(weather, partner, transit, threshold=3) == expected


# ----------------------------------------------------------------- the seed's exercises
@st.composite
def perceptron_networks(draw):
    """A random layered perceptron network as a Circuit, with an input for it."""
    n_in = draw(st.integers(1, 4))
    sizes = [n_in] + draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    weight = st.floats(-5, 5, allow_nan=False).map(lambda v: round(v, 3))
    inputs = tuple(f"x{i}" for i in range(n_in))
    prev, units = list(inputs), []
    for layer, size in enumerate(sizes[1:]):
        names = [f"h{layer}_{j}" for j in range(size)]
        for name in names:
            ws = tuple(draw(weight) for _ in prev)
            units.append(Unit(name, tuple(prev), ws, draw(weight)))
        prev = names
    x = draw(st.lists(st.sampled_from([0.0, 1.0, 0.5, 0.25]), min_size=n_in, max_size=n_in))
    return Circuit(inputs, units, tuple(prev)), np.array(x)


@given(net=perceptron_networks(), c=st.floats(1e-3, 1e3))
@settings(max_examples=200, deadline=None)
def test_exercise_1_scaling_a_perceptron_network_by_c_changes_nothing(net, c):
    circuit, x = net
    np.testing.assert_array_equal(circuit.scaled(c)(x), circuit(x))


@given(net=perceptron_networks())
@settings(max_examples=200, deadline=None)
def test_exercise_2_sigmoid_network_approaches_the_perceptron_network(net):
    circuit, x = net
    _, zs = circuit.evaluate(x, return_z=True)
    margin = min(abs(float(z[0])) for z in zs.values())
    assume(margin > 1e-6)  # the exercise's condition: w·x + b ≠ 0 at every unit
    target = circuit(x)
    sigmoid = circuit.with_activation("logistic")
    gaps = [np.max(np.abs(sigmoid.scaled(c)(x) - target)) for c in (1e2, 1e4, 1e6, 1e9)]
    assert gaps[-1] < 1e-6
    # Once every unit is in its tail, the gap shrinks with c (bounded by a sum of σ(−c·|z|)).
    assert gaps[-1] <= gaps[0] + 1e-12


def test_exercise_2_fails_where_w_dot_x_plus_b_is_zero():
    # One perceptron with w·x + b = 0: it outputs 0, the sigmoid outputs 0.5 for every c.
    circuit = Circuit(("x1", "x2"), [Unit("out", ("x1", "x2"), (1.0, -1.0), 0.0)], ("out",))
    x = np.array([1.0, 1.0])
    assert circuit(x)[0, 0] == 0.0
    sigmoid = circuit.with_activation("logistic")
    for c in (1.0, 1e3, 1e9, 1e300):
        assert sigmoid.scaled(c)(x)[0, 0] == 0.5
    # and the limit from either side is 1 or 0, never the perceptron's value at the kink
    assert expit(1e9 * 1e-6) > 0.99 and expit(-1e9 * 1e-6) < 0.01


def test_sigmoid_adder_with_large_weights_adds_like_the_perceptron_adder():
    circuit = gb.half_adder_circuit().with_activation("sigmoid").scaled(50.0)
    out = circuit(np.array(BITS2, dtype=float))
    np.testing.assert_allclose(out, [[0, 0], [1, 0], [1, 0], [0, 1]], atol=1e-20)
