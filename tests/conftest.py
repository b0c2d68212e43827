import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm


@pytest.fixture(scope="session")
def spector():
    """The Spector data as statsmodels ships it (the oracle's own copy)."""
    return sm.datasets.spector.load_pandas().data[["GPA", "TUCE", "PSI", "GRADE"]]


def simulate_binary(activation_name, n=10_000, p=10, seed=1):
    """Simulated binary data from a known binomial GLM with the given link."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    beta = np.linspace(-0.5, 0.5, p)
    link = {"logistic": sm.families.links.Logit(), "probit": sm.families.links.Probit(),
            "cauchit": sm.families.links.Cauchy(), "cloglog": sm.families.links.CLogLog(),
            "loglog": sm.families.links.LogLog()}[activation_name]
    mu = link.inverse(0.3 + X @ beta)
    y = (rng.random(n) < mu).astype(float)
    frame = pd.DataFrame(X, columns=[f"x{j + 1}" for j in range(p)])
    return frame, y


def tight_glm(y, X, link, freq_weights=None, offset=None):
    """statsmodels GLM refitted tightly: IRLS, then Newton from its answer."""
    fam = sm.families.Binomial(link=link)
    model = sm.GLM(y, X, family=fam, freq_weights=freq_weights, offset=offset)
    irls = model.fit(tol=1e-12, maxiter=1000)
    return model, model.fit(start_params=irls.params, method="newton", tol=1e-14, maxiter=100)
