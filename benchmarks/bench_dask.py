"""Logistic regression with standard errors on Parquet data larger than the workers' memory.

Writes n × p float32 inputs and a 0/1 outcome to Parquet, starts a ``LocalCluster`` whose
workers' memory limits add up to less than the data, and reports, in the same run:

* the floor: one plain read pass over the same columns (``X.sum(0)`` and ``y.sum()``);
* ``fit_neuron(X=..., y=...)`` on the Dask arrays: wall time, passes over the data (the
  check pass included), time per pass and per full Newton pass (cost, gradient and X'WX)
  against the floor, peak worker memory and any bytes spilled to disk;
* dask-glm's ``newton`` and ``lbfgs`` and dask-ml's ``LogisticRegression`` (no penalty),
  when they are installed (the benchmark says so when not): wall time, largest |β − β̂|
  against our MLE, and whether they give standard errors.

Not run in CI. Usage::

    python benchmarks/bench_dask.py                       # 2.4e7 × 20, workers 2 × 900 MB
    python benchmarks/bench_dask.py --rows 2e6 --memory-limit 500MB --no-peers
"""

from __future__ import annotations

import argparse
import shutil
import threading
import time
import warnings
from pathlib import Path

import numpy as np

import glmnet_bridge as gb


def write_parquet(path, n, p, part_rows, seed=0):
    """Write the data partition by partition (never more than one in memory)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.mkdir(parents=True, exist_ok=True)
    beta = np.random.default_rng(seed).uniform(-0.5, 0.5, p) / np.sqrt(p / 10)
    for i, start in enumerate(range(0, n, part_rows)):
        rng = np.random.default_rng([seed, i])
        m = min(part_rows, n - start)
        X = rng.standard_normal((m, p), dtype=np.float32)
        y = (rng.random(m) < 1 / (1 + np.exp(-(0.2 + X @ beta)))).astype(np.float32)
        frame = pd.DataFrame(X, columns=[f"x{j + 1}" for j in range(p)]).assign(y=y)
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False),
                       path / f"part-{i:05d}.parquet")


class PeakMemory:
    """Poll every worker's resident memory in a thread; keep the largest seen."""

    def __init__(self, client, every=0.25):
        self.client, self.every, self.peak, self._stop = client, every, 0, threading.Event()

    def __enter__(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        import psutil

        while not self._stop.is_set():
            try:
                rss = self.client.run(lambda: psutil.Process().memory_info().rss)
                self.peak = max([self.peak, *rss.values()])
            except Exception:  # a worker restarting: keep polling
                pass
            self._stop.wait(self.every)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def spilled(client):
    """Return the bytes the workers hold on disk (spilled), summed."""
    info = client.scheduler_info()["workers"].values()
    return sum(w.get("metrics", {}).get("spilled_bytes", {}).get("disk", 0) for w in info)


def floor(X, y, repeats=2):
    import dask

    best = np.inf
    for _ in range(repeats):
        t = time.perf_counter()
        dask.compute(X.sum(axis=0), y.sum())
        best = min(best, time.perf_counter() - t)
    return best


def peers(ddf, xcols, ours, maxiter):
    """Yield (name, seconds, max |β − ours|, gives SEs) for each installed peer."""
    import dask.array as da

    try:
        from dask_glm.algorithms import lbfgs, newton
        from dask_glm.families import Logistic
    except ImportError:
        print("dask-glm is not installed: its newton and lbfgs are skipped "
              "(pip install dask-glm)")
    else:
        A = ddf[[*xcols, "y"]].to_dask_array(lengths=True)
        X, y = A[:, :-1], A[:, -1]
        X1 = da.concatenate([da.ones((X.shape[0], 1), chunks=(X.chunks[0], 1),
                                     dtype=X.dtype), X], axis=1)
        for name, fn, kw in (("dask-glm newton", newton, dict(max_iter=maxiter, tol=1e-8)),
                             ("dask-glm lbfgs", lbfgs, dict(max_iter=maxiter, tol=1e-8))):
            t = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                beta = fn(X1, y, family=Logistic, **kw)
            yield name, time.perf_counter() - t, np.max(np.abs(beta - ours)), "no"
    try:
        from dask_ml.linear_model import LogisticRegression
    except ImportError:
        print("dask-ml is not installed: its LogisticRegression is skipped "
              "(pip install dask-ml)")
        return
    A = ddf[[*xcols, "y"]].to_dask_array(lengths=True)
    X, y = A[:, :-1], A[:, -1]
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # dask-ml's penalty-free option: C = inf would divide by zero; a huge C is no penalty
        est = LogisticRegression(penalty="l2", C=1e12, solver="newton", max_iter=maxiter,
                                 tol=1e-8).fit(X, y)
    beta = np.r_[est.intercept_, est.coef_.ravel()]
    yield "dask-ml LogisticRegression (newton)", time.perf_counter() - t, \
        np.max(np.abs(beta - ours)), "no"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=2.4e7)
    parser.add_argument("--cols", type=int, default=20)
    parser.add_argument("--partition", type=float, default=2e5, help="rows per file")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="900MB",
                        help="per worker (a worker holds ~370 MB once its libraries load)")
    parser.add_argument("--dir", default="/tmp/glmnet_bridge_bench_dask")
    parser.add_argument("--peer-maxiter", type=int, default=100)
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the Parquet files")
    parser.add_argument("--reuse", action="store_true",
                        help="fit the Parquet files a --keep run left (same --rows, --cols)")
    args = parser.parse_args()

    import dask
    import dask.dataframe as dd
    from dask.utils import parse_bytes
    from distributed import Client, LocalCluster

    n, p = int(args.rows), args.cols
    path = Path(args.dir)
    t = time.perf_counter()
    if not (args.reuse and path.exists()):
        shutil.rmtree(path, ignore_errors=True)
        write_parquet(path, n, p, int(args.partition))
    size = sum(f.stat().st_size for f in path.glob("*.parquet"))
    raw = n * (p + 1) * 4
    limit = args.workers * parse_bytes(args.memory_limit)
    print(f"data: {n:,} × {p} float32 + y: {raw / 1e9:.2f} GB in memory, {size / 1e9:.2f} GB "
          f"of Parquet, written in {time.perf_counter() - t:.0f} s")
    print(f"workers: {args.workers} × 1 thread × {args.memory_limit} = {limit / 1e9:.2f} GB "
          f"({'less' if limit < raw else 'MORE'} than the data)")

    cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1,
                           memory_limit=args.memory_limit, processes=True,
                           dashboard_address=":0")
    client = Client(cluster)
    try:
        ddf = dd.read_parquet(str(path))
        xcols = [f"x{j + 1}" for j in range(p)]
        # one array, then its columns: X and y share the partitions (and each one read)
        A = ddf[[*xcols, "y"]].to_dask_array()
        X, y = A[:, :p], A[:, p]
        base = floor(X, y)
        print(f"floor: one plain read pass over X and y: {base:.2f} s")

        with PeakMemory(client) as mem:
            t = time.perf_counter()
            fit = gb.fit_neuron(X=X, y=y)
            bse = fit.bse
            took = time.perf_counter() - t
        engine = fit.model.engine
        passes = engine.passes[0] + 1  # the check pass that built the design
        t = time.perf_counter()
        engine.evaluate(fit.params.to_numpy(), order=2)
        full = time.perf_counter() - t
        t = time.perf_counter()
        _, g, _ = engine.evaluate(fit.params.to_numpy(), order=1, value=False)
        grad = time.perf_counter() - t
        print(f"glmnet_bridge: {took:.1f} s to the MLE with standard errors, converged "
              f"{fit.converged}, {fit.n_iter} Newton iterations, {passes} passes over the data "
              f"(check pass included)")
        print(f"  per pass {took / passes:.2f} s = {took / passes / base:.2f}× the floor; one "
              f"full Newton pass (cost, gradient, X'WX) {full:.2f} s = {full / base:.2f}×, a "
              f"gradient pass {grad:.2f} s = {grad / base:.2f}×")
        print(f"  peak worker memory {mem.peak / 1e6:.0f} MB (limit {args.memory_limit}), "
              f"spilled to disk {spilled(client) / 1e6:.0f} MB; |score| at the MLE "
              f"{np.max(np.abs(g)) / n:.1e} (mean cost scale)")
        print(f"  bse[x1] = {bse.iloc[1]:.6g} (standard errors: yes)")
        if not args.no_peers:
            ours = fit.params.to_numpy()
            print(f"{'peer':28s} {'time s':>8s} {'× ours':>7s} {'max |Δβ|':>10s}  SEs")
            for name, sec, diff, ses in peers(ddf, xcols, ours, args.peer_maxiter):
                print(f"{name:28s} {sec:8.1f} {sec / took:7.1f} {diff:10.2e}  {ses}")
    finally:
        client.close()
        cluster.close()
        if not args.keep:
            shutil.rmtree(path, ignore_errors=True)
    dask.config.refresh()


if __name__ == "__main__":
    main()
