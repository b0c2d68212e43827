import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import glmnet_bridge as gb
from glmnet_bridge.core.activations import ACTIVATIONS, BINARY_ACTIVATIONS

Z = np.linspace(-8, 8, 161)
SMOOTH = [n for n in ACTIVATIONS if n != "step" and not ACTIVATIONS[n].is_multiclass]


@pytest.mark.parametrize("name", SMOOTH)
def test_value_is_statsmodels_inverse_link(name):
    act = gb.get_activation(name)
    # statsmodels computes 1 − exp(−e^z) directly, so compare to its absolute precision.
    np.testing.assert_allclose(act(Z), act.link.inverse(Z), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", SMOOTH)
def test_derivative_matches_finite_differences(name):
    act = gb.get_activation(name)
    h = 1e-6
    fd = (act(Z + h) - act(Z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(Z), fd, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", SMOOTH)
def test_second_derivative_matches_finite_differences(name):
    act = gb.get_activation(name)
    z = np.linspace(-4, 4, 81)
    h = 1e-5
    fd = (act.derivative(z + h) - act.derivative(z - h)) / (2 * h)
    np.testing.assert_allclose(act.second_derivative(z), fd, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("name", SMOOTH)
def test_derivative_is_statsmodels_inverse_deriv(name):
    act = gb.get_activation(name)
    np.testing.assert_allclose(act.derivative(Z), act.link.inverse_deriv(Z), rtol=1e-10,
                               atol=1e-300)


@pytest.mark.parametrize("name", BINARY_ACTIVATIONS)
def test_log_forms_match_direct_forms_in_the_body(name):
    act = gb.get_activation(name)
    # In the body the direct forms are accurate; the tails are checked against mpmath below.
    z = np.linspace(-2.5, 2.5, 101)
    np.testing.assert_allclose(act.log_cdf(z), np.log(act(z)), rtol=1e-9)
    np.testing.assert_allclose(act.log_sf(z), np.log1p(-act(z)), rtol=1e-9)
    np.testing.assert_allclose(act.dlog_cdf(z), act.derivative(z) / act(z), rtol=1e-10)
    np.testing.assert_allclose(act.hazard(z), act.derivative(z) / (1 - act(z)), rtol=1e-9)
    fd = (np.log(act.derivative(z + 1e-6)) - np.log(act.derivative(z - 1e-6))) / 2e-6
    np.testing.assert_allclose(act.dlog_pdf(z), fd, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", BINARY_ACTIVATIONS)
def test_tails_agree_with_mpmath(name):
    import mpmath

    mpmath.mp.dps = 60
    e = mpmath.e
    cdf, sf = {
        "logistic": (lambda z: 1 / (1 + e ** (-z)), lambda z: 1 / (1 + e ** z)),
        "probit": (lambda z: mpmath.ncdf(z), lambda z: mpmath.ncdf(-z)),
        "cauchit": (lambda z: mpmath.mpf(1) / 2 + mpmath.atan(z) / mpmath.pi,
                    lambda z: mpmath.mpf(1) / 2 - mpmath.atan(z) / mpmath.pi),
        "cloglog": (lambda z: -mpmath.expm1(-(e ** z)), lambda z: e ** (-(e ** z))),
        "loglog": (lambda z: e ** (-(e ** (-z))), lambda z: -mpmath.expm1(-(e ** (-z)))),
    }[name]
    act = gb.get_activation(name)
    for z in (-30.0, -12.0, 12.0, 30.0):
        zz = mpmath.mpf(z)
        assert act.log_cdf(np.array([z]))[0] == pytest.approx(float(mpmath.log(cdf(zz))),
                                                              rel=1e-12)
        assert act.log_sf(np.array([z]))[0] == pytest.approx(float(mpmath.log(sf(zz))),
                                                             rel=1e-12)


@pytest.mark.parametrize("name", SMOOTH + ["step"])
def test_no_warnings_and_finite_at_abs_z_1000(name):
    act = gb.get_activation(name)
    z = np.array([-1000.0, -745.0, 0.0, 745.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = [act(z), act.derivative(z), act.second_derivative(z)]
        if act.is_cdf:
            out += [act.log_cdf(z), act.log_sf(z), act.dlog_cdf(z), act.hazard(z), act.dlog_pdf(z)]
    for arr in out:
        assert not np.any(np.isnan(arr))
    if act.is_cdf:
        assert np.all((act(z) >= 0) & (act(z) <= 1))
        assert np.all(np.isfinite(act.log_cdf(z))) and np.all(np.isfinite(act.log_sf(z)))


def test_step_is_the_perceptron_rule_and_has_no_link():
    step = gb.get_activation("step")
    assert step.link is None
    np.testing.assert_array_equal(step(np.array([-1.0, 0.0, 1e-300, 2.0])), [0, 0, 1, 1])


@given(c=st.floats(min_value=1.0, max_value=1e6), z=st.floats(min_value=-10, max_value=10))
def test_sigmoid_of_cz_approaches_step(c, z):
    """σ(c·z) → step(z) as c → ∞, for z ≠ 0; the gap is σ(−c|z|) exactly."""
    sig = gb.get_activation("logistic")
    if z == 0:
        assert sig(c * z) == 0.5
    else:
        gap = abs(sig(c * z) - (z > 0))
        assert gap == pytest.approx(sig(-c * abs(z)), rel=1e-9, abs=1e-15)


def test_get_activation_aliases_and_error_lists_names():
    assert gb.get_activation("sigmoid").name == "logistic"
    assert gb.get_activation("Probit").name == "probit"
    act = gb.get_activation("cloglog")
    assert gb.get_activation(act) is act
    with pytest.raises(ValueError, match="valid names are: logistic, probit, cauchit"):
        gb.get_activation("tanhh")


def test_softmax_is_an_activation_like_the_others():
    soft = gb.get_activation("softmax")
    assert soft.name == "softmax" and soft.is_multiclass and soft.link is None
    rng = np.random.default_rng(0)
    z = rng.standard_normal((7, 4)) * 3
    e = np.exp(z - z.max(axis=1, keepdims=True))
    np.testing.assert_allclose(soft(z), e / e.sum(axis=1, keepdims=True), rtol=1e-14)
    # the K − 1 non-reference inputs: the reference category has z = 0
    np.testing.assert_allclose(soft.probabilities(z[:, 1:] - z[:, :1]), soft(z), rtol=1e-13)
    # its Jacobian, by central differences
    h = 1e-6
    J = soft.derivative(z)
    for j in range(4):
        dz = np.zeros(4)
        dz[j] = h
        np.testing.assert_allclose(J[:, :, j], (soft(z + dz) - soft(z - dz)) / (2 * h),
                                   atol=1e-9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        big = soft(np.array([[-1000.0, 0.0, 1000.0]]))
    np.testing.assert_array_equal(big, [[0.0, 0.0, 1.0]])
    assert gb.get_cost("log_likelihood", soft).family == "multinomial"
    with pytest.raises(ValueError, match="softmax"):
        gb.get_cost("cross_entropy", soft)
