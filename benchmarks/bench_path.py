"""The default regularisation path (100 λ) against scikit-learn and glum, in one run.

* glmnet_bridge: ``glmnet_path(X, y, alpha=...)`` with glmnet's defaults
  (standardize=True, λ_min/λ_max = 1e-4, early stop on deviance explained);
* scikit-learn: a loop of warm-started ``LogisticRegression`` fits over the same λ
  (C = 1/(λ·n), columns pre-scaled by their SD outside the timing so the problem is
  the same): lbfgs for the ridge, saga for the lasso;
* glum's ``GeneralizedLinearRegressor`` path over the same λ when installed.

Prints seconds, the ratio to this package, and the largest |coefficient difference|
from ours along the path. R's glmnet cannot run here; for reference it takes about
0.54 s (alpha = 1) at (1e5, 20) and 9.8 s at (1e6, 20) on this kind of machine.

Usage::

    python benchmarks/bench_path.py
    python benchmarks/bench_path.py --sizes 1e5x20 --alphas 1
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

import glmnet_bridge as gb


def simulate(n, p, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p)
    beta = np.where(np.arange(p) < p // 2, rng.uniform(-0.5, 0.5, p), 0.0)
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.2 + X @ beta)))).astype(float)
    return X, y


def _sklearn():
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        return None
    return LogisticRegression


def run(n, p, alpha, repeats):
    X, y = simulate(n, p)
    sd = X.std(axis=0)
    Xs = X / sd
    t0 = time.perf_counter()
    path = gb.glmnet_path(X, y, alpha=alpha, progress=False)
    ours = time.perf_counter() - t0
    for _ in range(repeats - 1):
        t0 = time.perf_counter()
        gb.glmnet_path(X, y, alpha=alpha, progress=False)
        ours = min(ours, time.perf_counter() - t0)
    lams = path.lambdas
    ref = path.coefs.to_numpy()
    rows = [("glmnet_bridge glmnet_path", ours, 0.0)]
    solver = "lbfgs" if alpha == 0 else "saga"
    LogisticRegression = _sklearn()  # noqa: N806
    if LogisticRegression is None:
        print("  (scikit-learn is not installed: `pip install .[peers]`)")
    elif solver == "saga" and n > 200_000:
        print("  (scikit-learn saga skipped above 200,000 rows: over 100 times our time)")
    else:
        model = LogisticRegression(l1_ratio=alpha, solver=solver, warm_start=True, tol=1e-6,
                                   max_iter=10_000)
        coefs = []
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for lam in lams:
                model.set_params(C=1.0 / (lam * n))
                model.fit(Xs, y)
                coefs.append(np.r_[model.intercept_, model.coef_.ravel() / sd])
        secs = time.perf_counter() - t0
        rows.append((f"scikit-learn {solver} loop", secs, float(np.max(np.abs(
            np.array(coefs) - ref)))))
    try:
        from glum import GeneralizedLinearRegressor
    except ImportError:
        print("  (glum is not installed: `pip install glum` to time it too)")
    else:
        t0 = time.perf_counter()
        m = GeneralizedLinearRegressor(family="binomial", l1_ratio=alpha, alpha=lams,
                                       alpha_search=True, scale_predictors=True)
        m.fit(X, y)
        secs = time.perf_counter() - t0
        got = np.column_stack([m.intercept_path_, m.coef_path_])
        rows.append(("glum alpha_search", secs, float(np.max(np.abs(got - ref)))))
    print(f"\nn = {n:,}, p = {p}, alpha = {alpha:g}: {len(lams)} λ "
          f"(best of {repeats} for ours)")
    print(f"  {'':28s} {'seconds':>9s} {'time/ours':>10s} {'max|Δβ| vs ours':>16s}")
    for name, secs, diff in rows:
        print(f"  {name:28s} {secs:9.3f} {secs / ours:10.2f} {diff:16.1e}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["1e5x20", "1e6x20"])
    parser.add_argument("--alphas", nargs="+", type=float, default=[1.0, 0.0])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    for size in args.sizes:
        n, p = (int(float(v)) for v in size.lower().split("x"))
        for alpha in args.alphas:
            run(n, p, alpha, args.repeats)


if __name__ == "__main__":
    main()
