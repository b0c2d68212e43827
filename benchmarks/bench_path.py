"""glmnet's default path and 10-fold cv_glmnet on real and simulated problems, against R's glmnet.

* glmnet_bridge: ``glmnet_path(X, y, activation=...)`` and ``cv_glmnet(..., foldid=...)``
  with glmnet's defaults (100 λ, standardize=True, early stop on deviance explained);
* R's glmnet through ``Rscript`` in the same run, when R and glmnet are installed
  (the table says so when they are not): ``glmnet(x, y, family=)`` and
  ``cv.glmnet(x, y, family=, foldid=)`` with the same folds, timed inside R (R's
  start-up and data loading are not counted).

Ours and R's runs alternate, ``--repeats`` rounds each, and the table shows medians:
the machine may be shared, so single timings are noisy. The coefficients of our path are
compared with R's glmnet at ``thresh = 1e-20`` (multinomial: 1e-14, which R reaches in
reasonable time there) on our λ sequence: the largest
|Δβ| / max(1, |β|) over the path. (At R's ``thresh = 1e-14`` glmnet's own KKT
violations on diabetes are still 7e-6: its threshold bounds a sweep's change, not the
distance to the optimum, and correlated columns crawl.)

The compiled kernels are compiled (or loaded from numba's cache) by one small path
before any timing, as R's package is loaded before its timings.

Usage::

    python benchmarks/bench_path.py                      # the suite but (1e6, 20)
    python benchmarks/bench_path.py --problems all
    python benchmarks/bench_path.py --problems breast_cancer wide_binomial --repeats 5
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_multinomial import load_digits  # its constant pixels dropped (as glmnet would)

import glmnet_bridge as gb

_ACTIVATION = {"binomial": "logistic", "gaussian": "identity", "poisson": "exp",
               "multinomial": "softmax"}


def _simulated(n, p, family, rho=0.0, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if rho:
        X = np.sqrt(1 - rho) * X + np.sqrt(rho) * rng.standard_normal((n, 1))
    X *= rng.uniform(0.5, 2.0, p)
    beta = np.where(np.arange(p) < min(p // 2, 20), rng.uniform(-0.5, 0.5, p), 0.0)
    z = 0.2 + X @ beta
    if family == "gaussian":
        return X, z + rng.standard_normal(n)
    return X, (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)


def _breast_cancer():
    from sklearn.datasets import load_breast_cancer

    return load_breast_cancer(return_X_y=True)


def _diabetes(count):
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    # A count made from the disease-progression score, for a Poisson path.
    return (X, np.round(y / 25.0)) if count else (X, y)


PROBLEMS = {
    "breast_cancer": ("binomial", _breast_cancer),
    "diabetes_gaussian": ("gaussian", lambda: _diabetes(False)),
    "diabetes_poisson": ("poisson", lambda: _diabetes(True)),
    "wide_binomial": ("binomial", lambda: _simulated(200, 2000, "binomial")),
    "wide_gaussian": ("gaussian", lambda: _simulated(200, 2000, "gaussian")),
    "correlated": ("binomial", lambda: _simulated(10_000, 100, "binomial", rho=0.9)),
    "large_1e5x20": ("binomial", lambda: _simulated(100_000, 20, "binomial")),
    "large_1e6x20": ("binomial", lambda: _simulated(1_000_000, 20, "binomial")),
    "digits": ("multinomial", lambda: load_digits()),
}
DEFAULT = [k for k in PROBLEMS if k != "large_1e6x20"]

_R_SCRIPT = r"""
suppressMessages(library(glmnet))
a <- commandArgs(TRUE); d <- a[1]; fam <- a[2]; n <- as.integer(a[3]); p <- as.integer(a[4])
x <- matrix(readBin(file.path(d, "x.bin"), "double", n * p), n, p)
y <- readBin(file.path(d, "y.bin"), "double", n)
foldid <- as.integer(readBin(file.path(d, "foldid.bin"), "double", n))
t1 <- system.time(fit <- glmnet(x, y, family = fam))[["elapsed"]]
t2 <- system.time(cv <- cv.glmnet(x, y, family = fam, foldid = foldid))[["elapsed"]]
cat(sprintf("TIMES %.6f %.6f\n", t1, t2))
if (a[5] == "check") {
  lam <- readBin(file.path(d, "lambda.bin"), "double", as.integer(a[6]))
  # (the multinomial's thresh is relative to a pass's change, not the KKT: 1e-14 there)
  tight <- glmnet(x, y, family = fam, lambda = lam, maxit = 1e8,
                  thresh = if (fam == "multinomial") 1e-14 else 1e-20)
  if (fam == "multinomial") {  # per λ: each class's intercept and coefficients
    b <- t(do.call(rbind, lapply(seq_along(tight$lambda), function(l) as.vector(sapply(
      seq_along(tight$beta), function(k) c(tight$a0[k, l], as.matrix(tight$beta[[k]])[, l]))))))
  } else b <- as.matrix(coef(tight))
  writeBin(as.vector(b), file.path(d, "coef.bin"))
  cat(sprintf("CV %.17g %.17g\n", cv$lambda.min, cv$lambda.1se))
}
"""


def _r_available():
    if shutil.which("Rscript") is None:
        return False
    got = subprocess.run(["Rscript", "-e", "library(glmnet)"], capture_output=True)
    return got.returncode == 0


def _run_r(workdir, family, n, p, check=False, nlam=0):
    cmd = ["Rscript", str(workdir / "bench.R"), str(workdir), family, str(n), str(p),
           "check" if check else "time", str(nlam)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    times = next(line for line in out.splitlines() if line.startswith("TIMES")).split()[1:]
    cv = [line for line in out.splitlines() if line.startswith("CV")]
    return [float(t) for t in times], (cv[0].split()[1:] if cv else None)


def _ours(X, y, family, foldid):
    act = _ACTIVATION[family]
    t0 = time.perf_counter()
    path = gb.glmnet_path(X, y, activation=act, progress=False)
    t1 = time.perf_counter()
    cv = gb.cv_glmnet(X, y, activation=act, foldid=foldid)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, path, cv


def _stacked(path):
    """Return the path's coefficients, one row per λ (classes side by side, multinomial)."""
    if isinstance(path.coefs, dict):
        return np.hstack([path.coefs[c].to_numpy() for c in path.classes])
    return path.coefs.to_numpy()


def run(name, repeats, use_r, workdir):
    """Time one problem, ours and R's alternating; return its row of the table."""
    family, load = PROBLEMS[name]
    X, y = load()
    X = np.ascontiguousarray(X, dtype=float)
    n, p = X.shape
    foldid = np.random.default_rng(1).permutation(np.arange(n) % 10) + 1
    if use_r:
        np.asfortranarray(X).ravel(order="F").tofile(workdir / "x.bin")
        y.astype(float).tofile(workdir / "y.bin")
        foldid.astype(float).tofile(workdir / "foldid.bin")
    ours_path, ours_cv, r_path, r_cv = [], [], [], []
    diff = np.nan
    for i in range(repeats):
        tp, tc, path, cv = _ours(X, y, family, foldid)
        ours_path.append(tp)
        ours_cv.append(tc)
        if use_r:
            check = i == 0
            if check:
                path.lambdas.astype(float).tofile(workdir / "lambda.bin")
            (rp, rc), _ = _run_r(workdir, family, n, p, check, len(path.lambdas))
            r_path.append(rp)
            r_cv.append(rc)
            if check:
                ours = _stacked(path)
                b = np.fromfile(workdir / "coef.bin").reshape(ours.shape)
                diff = float(np.max(np.abs(b - ours) / np.maximum(1, abs(b))))
    med = statistics.median
    row = dict(name=name, family=family, n=n, p=p, nlam=len(path.lambdas),
               path=med(ours_path), cv=med(ours_cv), diff=diff,
               spread=max(ours_path) / min(ours_path))
    if use_r:
        row.update(r_path=med(r_path), r_cv=med(r_cv))
    return row


def _header(use_r):
    head = f"{'problem':20s} {'family':9s} {'n×p':>12s} {'λ':>4s} {'path s':>8s} {'cv s':>8s}"
    if use_r:
        head += f" {'R path':>8s} {'R cv':>8s} {'path/R':>7s} {'cv/R':>7s} {'rel Δβ':>9s}"
    return head


def _line(r, use_r):
    line = (f"{r['name']:20s} {r['family']:9s} {r['n']:>6d}×{r['p']:<5d} {r['nlam']:4d} "
            f"{r['path']:8.3f} {r['cv']:8.3f}")
    if use_r:
        line += (f" {r['r_path']:8.3f} {r['r_cv']:8.3f} {r['path'] / r['r_path']:7.2f} "
                 f"{r['cv'] / r['r_cv']:7.2f} {r['diff']:9.1e}")
    return line


def _table(rows, use_r):
    print(_header(use_r))
    for r in rows:
        print(_line(r, use_r))
    if use_r:
        gm = [np.exp(np.mean(np.log([r[k] / r["r_" + k] for r in rows]))) for k in ("path", "cv")]
        print(f"geometric mean of time/R: path {gm[0]:.2f}, cv {gm[1]:.2f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", nargs="+", default=DEFAULT,
                        help=f"some of {', '.join(PROBLEMS)}, or 'all'")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    names = list(PROBLEMS) if args.problems == ["all"] else args.problems
    use_r = _r_available()
    if not use_r:
        print("R's glmnet is not installed (Rscript with library(glmnet)): timing ours only.")
    rng = np.random.default_rng(0)
    for act in _ACTIVATION.values():  # compile or load the kernels before any timing
        Xw = rng.standard_normal((50, 3))
        gb.glmnet_path(Xw, (Xw[:, 0] > 0).astype(float), activation=act, progress=False)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "bench.R").write_text(_R_SCRIPT)
        for name in names:
            rows.append(run(name, args.repeats, use_r, workdir))
            print(_line(rows[-1], use_r), flush=True)
    print(f"\nmedians of {args.repeats} alternating runs")
    _table(rows, use_r)


if __name__ == "__main__":
    main()
