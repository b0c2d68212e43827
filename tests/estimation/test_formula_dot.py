"""R's ``y ~ .``: the dot is every other column of the data."""

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf

import glmnet_bridge as gb
from glmnet_bridge.estimation.formula_dot import expand_dot


def test_the_dot_fits_what_statsmodels_fits_with_every_column_written_out():
    df = gb.datasets.load_spector()
    fit = gb.fit_neuron("GRADE ~ .", data=df)
    ref = smf.logit("GRADE ~ GPA + TUCE + PSI", data=df).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose(fit.params.to_numpy(), ref.params.to_numpy(), rtol=1e-8)
    assert list(fit.params.index) == list(ref.params.index)


def test_the_dot_minus_a_term_and_quoted_names():
    df = pd.DataFrame({"y": [0, 1], "a": [1, 2], "b c": [3, 4], "d.e": [5, 6]})
    assert expand_dot("y ~ . - a", df) == 'y ~ (a + Q("b c") + Q("d.e")) - a'
    assert expand_dot("np.log(a) ~ .", df) == 'np.log(a) ~ (y + Q("b c") + Q("d.e"))'


def test_no_lone_dot_is_left_alone():
    df = pd.DataFrame({"y": [0, 1], "x.1": [1, 2]})
    for f in ("y ~ x.1", "y ~ I(x.1 ** 0.5)", "y ~ x.1 + I(x.1 * .5)"):
        assert expand_dot(f, df) == f
    assert expand_dot(None, df) is None
