"""Time fit_neuron (default solver, standard errors included) against its peers.

Peers, run in the same process and alternated round by round so that machine
noise hits all of them alike:

* statsmodels ``Logit(y, X).fit(method="newton")`` (+ ``bse``),
* statsmodels ``GLM(y, X, Binomial()).fit()`` (IRLS, + ``bse``),
* scikit-learn ``LogisticRegression(penalty=None, solver="lbfgs")`` when installed
  (no standard errors: it does not compute them).

Prints the median time of each and the ratio peer / ours, and the largest
|coefficient difference| against statsmodels Logit refitted to tol 1e-12.

Usage::

    python benchmarks/bench_fit.py                 # the four sizes of the issue
    python benchmarks/bench_fit.py --sizes 1e5x20  # one size
    python benchmarks/bench_fit.py --repeats 5
"""

from __future__ import annotations

import argparse
import gc
import time
import warnings

import numpy as np

import glmnet_bridge as gb

DEFAULT_SIZES = ["1e4x10", "1e5x20", "1e6x20", "1e5x200"]


def simulate(n, p, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    beta = rng.uniform(-0.5, 0.5, p) / np.sqrt(p / 10)
    y = (rng.random(n) < 1 / (1 + np.exp(-(0.2 + X @ beta)))).astype(float)
    return X, y


def _settle():
    """Let the previous peer's idle worker threads stop spinning before the next timing.

    OpenMP (scikit-learn) and OpenBLAS keep their threads busy-waiting for a while
    after a parallel region; on a 2-core machine they would steal the next fit's CPU.
    """
    gc.collect()
    time.sleep(0.5)


def peers(X, y):
    import statsmodels.api as sm

    Xc = sm.add_constant(X, has_constant="add")  # statsmodels wants the column of ones

    def ours():
        fit = gb.fit_neuron(X=X, y=y)
        _ = fit.bse  # standard errors are part of the job
        return fit.params.to_numpy()

    def sm_logit():
        res = sm.Logit(y, Xc).fit(method="newton", disp=0)
        _ = res.bse
        return np.asarray(res.params)

    def sm_glm():
        res = sm.GLM(y, Xc, family=sm.families.Binomial()).fit()
        _ = res.bse
        return np.asarray(res.params)

    out = {"glmnet_bridge": ours, "statsmodels Logit newton": sm_logit,
           "statsmodels GLM IRLS": sm_glm}
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        print("  (scikit-learn is not installed: `pip install .[peers]` to time it too)")
    else:
        def sk_lbfgs():
            m = LogisticRegression(penalty=None, solver="lbfgs", max_iter=1000)
            m.fit(X, y)
            return np.r_[m.intercept_, m.coef_.ravel()]
        out["scikit-learn lbfgs"] = sk_lbfgs
    return out, Xc


def run(size, repeats):
    n, p = (int(float(v)) for v in size.lower().split("x"))
    X, y = simulate(n, p)
    fns, Xc = peers(X, y)
    times = {name: [] for name in fns}
    params = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(repeats):
            for name, fn in fns.items():
                _settle()
                t0 = time.perf_counter()
                params[name] = fn()
                times[name].append(time.perf_counter() - t0)
        import statsmodels.api as sm
        ref = sm.Logit(y, Xc).fit(method="newton", disp=0, tol=1e-12, maxiter=100).params
    ours = np.median(times["glmnet_bridge"])
    print(f"\nn = {n:,}, p = {p}  (median of {repeats})")
    print(f"  {'':28s} {'seconds':>9s} {'peer/ours':>10s} {'max|Δβ| vs tight Logit':>24s}")
    for name in fns:
        med = np.median(times[name])
        diff = np.max(np.abs(params[name] - ref))
        print(f"  {name:28s} {med:9.3f} {med / ours:10.1f} {diff:24.1e}")
    return ours


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=DEFAULT_SIZES,
                        help="sizes as NxP, e.g. 1e6x20 (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_info
    blas = {(i["internal_api"], i.get("architecture"), i["num_threads"]) for i in threadpool_info()}
    print(f"BLAS: {sorted(blas)}")
    for size in args.sizes:
        run(size, args.repeats)


if __name__ == "__main__":
    main()
