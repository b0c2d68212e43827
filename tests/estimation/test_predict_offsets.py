"""predict(newdata) keeps a Poisson fit's exposure and offset: read from newdata, or given."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import glmnet_bridge as gb


@pytest.fixture(scope="module")
def claims():
    rng = np.random.default_rng(5)
    n = 80
    d = pd.DataFrame({"x": rng.normal(size=n), "holders": rng.integers(5, 500, n)})
    d["claims"] = rng.poisson(d["holders"] * np.exp(-2 + 0.3 * d["x"]))
    return d


def test_exposure_by_column_name_is_used_by_predict(claims):
    fit = gb.fit_neuron("claims ~ x", data=claims, activation="exp", exposure="holders")
    ref = sm.GLM.from_formula("claims ~ x", data=claims, family=sm.families.Poisson(),
                              exposure=claims["holders"]).fit(tol=1e-12)
    new = claims.iloc[:3]
    expected = ref.predict(new, exposure=new["holders"])
    np.testing.assert_allclose(fit.predict(new), expected, rtol=1e-8)
    np.testing.assert_allclose(fit.predict(new), fit.fittedvalues.iloc[:3], rtol=1e-10)
    # per unit of exposure, when asked
    np.testing.assert_allclose(fit.predict(new.drop(columns="holders"), exposure=1),
                               ref.predict(new, exposure=np.ones(3)), rtol=1e-8)
    with pytest.raises(gb.DataError, match="newdata has no column 'holders'"):
        fit.predict(new.drop(columns="holders"))


def test_offset_column_and_values(claims):
    d = claims.assign(lh=np.log(claims["holders"]))
    by_name = gb.fit_neuron("claims ~ x", data=d, activation="exp", offset="lh")
    np.testing.assert_allclose(by_name.predict(d.iloc[:4]), by_name.fittedvalues.iloc[:4],
                               rtol=1e-10)
    by_values = gb.fit_neuron("claims ~ x", data=d, activation="exp", offset=d["lh"].to_numpy())
    with pytest.raises(gb.DataError, match="pass offset="):
        by_values.predict(d.iloc[:4])  # never dropped silently
    np.testing.assert_allclose(by_values.predict(d.iloc[:4], offset="lh"),
                               by_name.predict(d.iloc[:4]), rtol=1e-10)
    with pytest.raises(gb.DataError, match="exposure must be positive"):
        by_name.predict(d.iloc[:2], exposure=[1.0, -1.0])
