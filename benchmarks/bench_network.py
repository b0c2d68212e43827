"""One epoch of mini-batch SGD for a [784, 30, 10] network: this package against its peers.

Peers, timed in the same process and alternated round by round:

* a per-example loop, a faithful Python 3 copy of the algorithm of Nielsen's
  ``network.py`` (column vectors, one ``backprop`` per example, gradients summed
  per mini-batch) — kept here, in the benchmark, not in the package;
* PyTorch on the CPU (``nn.Sequential`` of Linear and Sigmoid, autograd and
  ``torch.optim.SGD``), when installed (``pip install torch==2.13.0``);
* the matrix products alone: the five products per step that backpropagation
  needs, with nothing else — the floor any implementation pays.

An epoch is about 6 · n · (784·30 + 30·10) floating-point operations (7.1e9 for
n = 50,000); each line prints seconds, GFLOP/s and the ratio to this package.

Usage::

    python benchmarks/bench_network.py                   # random data of MNIST's shape
    python benchmarks/bench_network.py --mnist PATH      # real MNIST (IDX folder or mnist.pkl.gz)
    python benchmarks/bench_network.py --dtype float32 --repeats 5
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np

import glmnet_bridge as gb

SIZES = [784, 30, 10]


# --------------------------------------------------------------------- Nielsen's loop
def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _sigmoid_prime(z):
    return _sigmoid(z) * (1 - _sigmoid(z))


class NielsenNetwork:
    """network.py's Network, in Python 3, with its per-example backprop."""

    def __init__(self, sizes, seed=0):
        rng = np.random.default_rng(seed)
        self.num_layers = len(sizes)
        self.sizes = sizes
        self.biases = [rng.standard_normal((y, 1)) for y in sizes[1:]]
        self.weights = [rng.standard_normal((y, x)) for x, y in zip(sizes[:-1], sizes[1:])]

    def epoch(self, training_data, mini_batch_size, eta):
        random.shuffle(training_data)
        n = len(training_data)
        mini_batches = [training_data[k:k + mini_batch_size]
                        for k in range(0, n, mini_batch_size)]
        for mini_batch in mini_batches:
            self.update_mini_batch(mini_batch, eta)

    def update_mini_batch(self, mini_batch, eta):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        self.weights = [w - (eta / len(mini_batch)) * nw
                        for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - (eta / len(mini_batch)) * nb
                       for b, nb in zip(self.biases, nabla_b)]

    def backprop(self, x, y):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        activation = x
        activations = [x]
        zs = []
        for b, w in zip(self.biases, self.weights):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = _sigmoid(z)
            activations.append(activation)
        delta = (activations[-1] - y) * _sigmoid_prime(zs[-1])
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for layer in range(2, self.num_layers):
            z = zs[-layer]
            sp = _sigmoid_prime(z)
            delta = np.dot(self.weights[-layer + 1].transpose(), delta) * sp
            nabla_b[-layer] = delta
            nabla_w[-layer] = np.dot(delta, activations[-layer - 1].transpose())
        return (nabla_b, nabla_w)


# --------------------------------------------------------------------- the contenders
def make_runners(X, y, batch, dtype):
    n = X.shape[0]
    Y = np.eye(10)[y]
    runners = {}

    net = gb.Network(SIZES, seed=0, dtype=dtype)
    Xi, Yi = net._inputs(X), net._targets(y, n)

    def ours():
        net._sgd_epoch(Xi, Yi, net.rng.permutation(n), batch, 3.0, 1.0)
    runners["glmnet_bridge Network"] = ours

    if dtype == "float64":
        nielsen = NielsenNetwork(SIZES)
        data = [(X[i].reshape(-1, 1), Y[i].reshape(-1, 1)) for i in range(n)]
        random.seed(0)

        def loop():
            nielsen.epoch(data, batch, 3.0)
        runners["Nielsen per-example loop"] = loop

    try:
        import torch
    except ImportError:
        print("  (PyTorch is not installed: `pip install torch==2.13.0` to time it too)")
    else:
        tdtype = torch.float64 if dtype == "float64" else torch.float32
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(784, 30), torch.nn.Sigmoid(),
                                    torch.nn.Linear(30, 10), torch.nn.Sigmoid()).to(tdtype)
        opt = torch.optim.SGD(model.parameters(), lr=3.0)
        tx = torch.from_numpy(X.astype(dtype))
        ty = torch.from_numpy(Y.astype(dtype))

        def torch_epoch():
            perm = torch.randperm(n)
            for s in range(0, n, batch):
                idx = perm[s:s + batch]
                out = model(tx[idx])
                # the quadratic cost, ½‖a − y‖² averaged over the batch: SGD's η/m·Σ∇C_x
                loss = 0.5 * ((out - ty[idx]) ** 2).sum(dim=1).mean()
                opt.zero_grad()
                loss.backward()
                opt.step()
        runners[f"PyTorch {torch.__version__} autograd"] = torch_epoch

    W1 = np.asarray(net.weights[0], dtype=dtype)
    W2 = np.asarray(net.weights[1], dtype=dtype)
    Xd = X.astype(dtype)

    def products():
        for s in range(0, n, batch):
            xb = Xd[s:s + batch]
            a1 = xb @ W1.T
            a2 = a1 @ W2.T
            _ = a2.T @ a1
            d1 = a2 @ W2
            _ = d1.T @ xb
    runners["matrix products alone (floor)"] = products
    return runners


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", help="MNIST IDX folder or mnist.pkl.gz (default: random "
                                        "data of shape 50,000 × 784)")
    parser.add_argument("--batch-sizes", nargs="+", type=int, default=[10, 100])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dtype", default="float64", choices=("float64", "float32"))
    args = parser.parse_args(argv)
    if args.mnist:
        (X, y), _, _ = gb.datasets.load_mnist(args.mnist)
        source = f"MNIST from {args.mnist}"
    else:
        rng = np.random.default_rng(0)
        X, y = rng.random((50_000, 784)), rng.integers(0, 10, 50_000)
        source = "random data of MNIST's shape"
    flops = 6 * X.shape[0] * (784 * 30 + 30 * 10)
    from threadpoolctl import threadpool_info
    blas = sorted({(i["internal_api"], i.get("architecture"), i["num_threads"])
                   for i in threadpool_info()})
    print(f"{source}: {X.shape[0]:,} × 784, {args.dtype}; one epoch ≈ {flops:.2e} flop; "
          f"BLAS {blas}")
    for batch in args.batch_sizes:
        runners = make_runners(X, y, batch, args.dtype)
        times = {k: [] for k in runners}
        for _ in range(args.repeats):
            for name, run in runners.items():
                t0 = time.perf_counter()
                run()
                times[name].append(time.perf_counter() - t0)
        ours = np.median(times["glmnet_bridge Network"])
        print(f"\nbatch size {batch} (median of {args.repeats} epochs)")
        print(f"  {'':34s} {'s/epoch':>9s} {'GFLOP/s':>8s} {'time/ours':>10s}")
        for name in runners:
            med = np.median(times[name])
            print(f"  {name:34s} {med:9.3f} {flops / med / 1e9:8.1f} {med / ours:10.2f}")


if __name__ == "__main__":
    main()
