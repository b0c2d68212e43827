"""glmnet's multinomial family on scikit-learn's digits: multinomial_path and cv_glmnet against R.

* glmnet_bridge: ``multinomial_path(X, y)`` and ``cv_glmnet(X, y, activation="softmax",
  foldid=...)`` with glmnet's defaults (100 λ, standardize=True, early stop, ``tol=1e-7``
  = glmnet's ``thresh``), and in the precise mode ``kkt_tol=1e-8`` (every λ's KKT
  conditions to 1e-8, docs/multinomial.md);
* R's glmnet through ``Rscript`` in the same run, when R and glmnet are installed (the
  table says so when they are not): ``glmnet(x, y, family="multinomial")`` and
  ``cv.glmnet(..., foldid=)`` with the same folds, timed by ``system.time`` inside R (R's
  start-up and data loading are not counted).

Digits' constant pixel columns are dropped for both (glmnet would leave them out; the
package refuses a constant column). Runs alternate, ``--repeats`` rounds each; the table
shows medians. The coefficients of our path at ``tol=1e-14`` are compared with R's at
``thresh = 1e-14`` (the same algorithm), and those of the precise path with both.

Usage::

    python benchmarks/bench_multinomial.py [--repeats 3] [--type ungrouped|grouped]
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

from glmnet_bridge.glmnet.cv import cv_glmnet
from glmnet_bridge.glmnet.multinomial import multinomial_path

ROOT = Path(__file__).resolve().parents[1]

R_SCRIPT = r"""
suppressMessages(library(glmnet))
a <- commandArgs(trailingOnly = TRUE)
d <- as.matrix(read.csv(a[1], header = FALSE))
x <- d[, -ncol(d)]; y <- factor(d[, ncol(d)])
foldid <- scan(a[2], quiet = TRUE)
tm <- a[3]; reps <- as.integer(a[4])
tp <- tc <- numeric(reps)
for (r in seq_len(reps)) {
  tp[r] <- system.time(f <- glmnet(x, y, family = "multinomial", type.multinomial = tm))[[3]]
  tc[r] <- system.time(cv.glmnet(x, y, family = "multinomial", type.multinomial = tm,
                                 foldid = foldid))[[3]]
}
cat("PATH", tp, "\n"); cat("CV", tc, "\n")
g <- glmnet(x, y, family = "multinomial", type.multinomial = tm, thresh = 1e-14, maxit = 1e7)
cat("LAMBDA", sprintf("%.17g", g$lambda), "\n")
B <- do.call(rbind, lapply(seq_along(g$lambda), function(l)
  as.vector(sapply(seq_along(g$beta), function(k) c(g$a0[k, l], as.matrix(g$beta[[k]])[, l])))))
write.table(B, a[5], row.names = FALSE, col.names = FALSE)
"""


def load_digits():
    """Return digits' X (constant columns dropped) and y."""
    d = np.loadtxt(ROOT / "data" / "digits.csv.gz", delimiter=",")
    X, y = d[:, :-1], d[:, -1].astype(int)
    keep = np.ptp(X, axis=0) > 0
    return X[:, keep], y


def run_r(X, y, foldid, kind, repeats):
    """Return R's times (path, cv lists), its tight λ and coefficients; None without R."""
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        np.savetxt(tmp / "d.csv", np.column_stack([X, y]), delimiter=",", fmt="%.17g")
        np.savetxt(tmp / "f.txt", foldid + 1, fmt="%d")
        (tmp / "b.R").write_text(R_SCRIPT)
        res = subprocess.run(["Rscript", str(tmp / "b.R"), str(tmp / "d.csv"),
                              str(tmp / "f.txt"), kind, str(repeats), str(tmp / "B.txt")],
                             capture_output=True, text=True)
        if res.returncode != 0:
            print("R failed:", res.stderr[-500:])
            return None
        lines = {ln.split()[0]: [float(v) for v in ln.split()[1:]]
                 for ln in res.stdout.splitlines() if ln.strip()}
        return lines["PATH"], lines["CV"], np.array(lines["LAMBDA"]), np.loadtxt(tmp / "B.txt")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--type", default="ungrouped", choices=["ungrouped", "grouped"])
    args = ap.parse_args()
    X, y = load_digits()
    foldid = np.random.default_rng(1).permutation(np.arange(len(y)) % 10)
    print(f"digits: {X.shape[0]} rows, {X.shape[1]} non-constant columns, "
          f"{len(np.unique(y))} classes; type.multinomial = {args.type}")
    multinomial_path(X, y, nlambda=5, lambda_min_ratio=0.5, type_multinomial=args.type)  # compile
    mine = {}
    for kkt in (None, 1e-8):
        tp, tc = [], []
        for _ in range(args.repeats):
            t = time.perf_counter()
            multinomial_path(X, y, type_multinomial=args.type, kkt_tol=kkt)
            tp.append(time.perf_counter() - t)
            t = time.perf_counter()
            cv_glmnet(X, y, activation="softmax", foldid=foldid, type_multinomial=args.type,
                      kkt_tol=kkt)
            tc.append(time.perf_counter() - t)
        mine[kkt] = (statistics.median(tp), statistics.median(tc))
    r = run_r(X, y, foldid, args.type, args.repeats)
    rows = [("path", 0), ("cv_glmnet, 10 folds", 1)]
    print(f"\n{'':22s}{'ours default':>14s}{'kkt_tol=1e-8':>14s}{'R default':>11s}"
          f"{'ratio':>8s}{'ratio kkt':>11s}")
    for label, i in rows:
        a, b = mine[None][i], mine[1e-8][i]
        if r is None:
            print(f"{label:22s}{a:14.3f}{b:14.3f}{'R missing':>11s}")
            continue
        rt = statistics.median(r[i])
        print(f"{label:22s}{a:14.3f}{b:14.3f}{rt:11.3f}{a / rt:8.2f}{b / rt:11.2f}")
    if r is None:
        print("\nR with glmnet was not found (Rscript): no comparison.")
        return
    tight = multinomial_path(X, y, type_multinomial=args.type, tol=1e-14, maxit=10**7)
    lam, B = r[2], r[3]
    m = min(len(lam), len(tight.lambdas))
    C = tight._stacked()[:m]                        # λ × term × class
    ours = np.transpose(C, (0, 2, 1)).reshape(m, -1)  # as R's rows: class-major
    print(f"\nλ: {len(tight.lambdas)} (R {len(lam)}), max relative difference "
          f"{np.max(np.abs(tight.lambdas[:m] / lam[:m] - 1)):.1e}; coefficients at "
          f"thresh=1e-14: max |Δ| {np.max(np.abs(ours - B[:m])):.2e} "
          f"(largest |coef| {np.max(np.abs(B)):.3g})")
    exact = multinomial_path(X, y, type_multinomial=args.type, lambdas=lam[:m], kkt_tol=1e-8)
    E = exact._stacked()
    E = np.transpose(E, (0, 2, 1)).reshape(E.shape[0], -1)
    k = min(len(E), m)
    print(f"precise path (kkt_tol=1e-8) on R's λ: max |Δ| / max(1, |β|) "
          f"{np.max(np.abs(E[:k] - B[:k]) / np.maximum(1, np.abs(B[:k]))):.2e} from R at "
          f"thresh=1e-14, {np.max(np.abs(E[:k] - ours[:k]) / np.maximum(1, np.abs(ours[:k]))):.2e} "
          f"from ours at tol=1e-14")


if __name__ == "__main__":
    main()
