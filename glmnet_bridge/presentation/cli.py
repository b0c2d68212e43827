"""The ``glmnet-bridge`` command: compare, train and report from a terminal.

Every verb has ``--help``; with no options each runs on the bundled Spector data.
"""

from __future__ import annotations

import argparse
import sys

from ..core.activations import BINARY_ACTIVATIONS

__all__ = ["main", "build_parser"]

SPECTOR_FORMULA = "GRADE ~ GPA + TUCE + PSI"
MODEL_ACTIVATIONS = (*BINARY_ACTIVATIONS, "exp", "identity", "softmax")


def _load(path):
    import pandas as pd

    from .. import datasets

    if path is None:
        return datasets.load_spector(), "Spector & Mazzeo PSI data (bundled)"
    return pd.read_csv(path), path


def _comparison(args, verb):
    """Fit what ``compare`` and ``report`` share: the data, the formula, the Comparison."""
    from ..comparison.compare import compare

    data, source = _load(args.data)
    formula = args.formula or (SPECTOR_FORMULA if args.data is None else None)
    if formula is None:
        raise SystemExit(f"glmnet-bridge {verb}: --formula is required with --data")
    return compare(formula, data=data, activations=tuple(args.activations), solver=args.solver,
                   cov_type=args.cov_type, quadratic=args.quadratic,
                   title=f"{source}: {formula}  ({len(data)} rows)")


def _compare(args):
    cmp = _comparison(args, "compare")
    print(cmp.summary(digits=args.digits))
    if args.output:
        cmp.table.to_csv(args.output, index=False)
        print(f"\ntable written to {args.output}")
    return 0


def _report(args):
    cmp = _comparison(args, "report")
    path = cmp.report(args.output, title=args.title)
    print(f"report written to {path}")
    return 0


def _model_options(p):
    p.add_argument("--data", metavar="FILE.csv", help="a CSV file with a header row")
    p.add_argument("--formula", help=f'a patsy formula (default with the bundled data: '
                                     f'"{SPECTOR_FORMULA}")')
    p.add_argument("--activations", nargs="+", default=["logistic", "probit"],
                   choices=MODEL_ACTIVATIONS, metavar="NAME",
                   help="activations to fit: " + ", ".join(BINARY_ACTIVATIONS)
                        + " for a 0/1 outcome, exp for counts, identity for a continuous "
                          "outcome, softmax for categories (default: logistic probit)")
    p.add_argument("--solver", default="newton", choices=("newton", "lbfgs", "gd", "sgd"),
                   help="the neuron's solver (default: newton)")
    p.add_argument("--cov-type", default="expected", choices=("expected", "observed"),
                   help="information matrix for standard errors (default: expected, as R's "
                        "glm)")
    p.add_argument("--quadratic", action=argparse.BooleanOptionalAction, default=True,
                   help="also show the sigmoid neuron fitted with the quadratic cost "
                        "(least squares, not the MLE) (default: on)")


def _train(args):
    from .. import datasets
    from ..neural.network import Network

    if args.mnist:
        (Xt, yt), (Xv, yv), (Xs, ys) = datasets.load_mnist(args.mnist)
        source = f"MNIST ({args.mnist})"
    else:
        (Xt, yt), (Xv, yv), (Xs, ys) = datasets.load_digits()
        source = "bundled handwritten digits (8×8)"
    sizes = args.sizes or [Xt.shape[1], 30, 10]
    epochs = args.epochs if args.epochs is not None else (30 if args.mnist else 60)
    if sizes[0] != Xt.shape[1]:
        raise SystemExit(f"glmnet-bridge train: the input layer must have {Xt.shape[1]} "
                         f"neurons for {source}, got {sizes[0]}")
    net = Network(sizes, activation=args.activation, cost=args.cost, init=args.init,
                  seed=args.seed, dtype=args.dtype)
    print(f"{source}: {len(yt)} training, {len(yv)} validation, {len(ys)} test images")
    print(f"{net!r}, {epochs} epochs, mini-batch {args.batch_size}, η = {args.eta}, "
          f"λ = {args.lmbda}, seed {args.seed}")
    hist = net.fit(Xt, yt, epochs=epochs, batch_size=args.batch_size, eta=args.eta,
                   lmbda=args.lmbda, validation_data=(Xv, yv), verbose=not args.quiet)
    print(hist.to_string(float_format=lambda v: f"{v:.4f}"))
    print(f"test accuracy: {net.score(Xs, ys):.4f}")
    if args.save:
        net.save(args.save)
        print(f"network saved to {args.save}")
    return 0


def build_parser():
    """Return the argument parser of the ``glmnet-bridge`` command."""
    parser = argparse.ArgumentParser(
        prog="glmnet-bridge",
        description="Neural networks and GLMs side by side: a sigmoid neuron fitted by "
                    "maximum likelihood is logistic regression, a normal-CDF neuron is probit.",
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    verbs.required = True

    c = verbs.add_parser(
        "compare", help="fit neurons and the GLMs they equal, and print them side by side",
        description="Fit one neuron per activation and print its weights beside the "
                    "statsmodels GLM coefficients. With no options: the bundled Spector "
                    f"data, {SPECTOR_FORMULA}.")
    _model_options(c)
    c.add_argument("--digits", type=int, default=6, help="significant digits (default: 6)")
    c.add_argument("--output", metavar="table.csv", help="also write the table to a CSV file")
    c.set_defaults(run=_compare)

    t = verbs.add_parser(
        "train", help="train a network on handwritten digits",
        description="Train a network with chapter 1's mini-batch SGD on the bundled digits "
                    "(or MNIST files you have) and print cost and accuracy per epoch.")
    t.add_argument("--mnist", metavar="PATH",
                   help="MNIST IDX folder or Nielsen's mnist.pkl.gz (default: bundled digits)")
    t.add_argument("--sizes", nargs="+", type=int, metavar="N",
                   help="neurons per layer (default: inputs 30 10)")
    t.add_argument("--epochs", type=int,
                   help="default: 30 on MNIST as in chapter 1; 60 on the bundled digits, "
                        "whose 1,197 training images give 40 times fewer steps per epoch")
    t.add_argument("--batch-size", type=int, default=10, help="default: 10")
    t.add_argument("--eta", type=float, default=3.0, help="learning rate (default: 3.0)")
    t.add_argument("--lmbda", type=float, default=0.0,
                   help="L2 weight decay λ, Nielsen's convention (default: 0)")
    t.add_argument("--activation", default="sigmoid", help="hidden activation (default: sigmoid)")
    t.add_argument("--cost", default="quadratic",
                   choices=("quadratic", "cross_entropy", "log_likelihood"),
                   help="default: quadratic (chapter 1)")
    t.add_argument("--init", default="normal", choices=("normal", "scaled"),
                   help="weights N(0, 1) or N(0, 1/n_in) (default: normal)")
    t.add_argument("--dtype", default="float64", choices=("float64", "float32"))
    t.add_argument("--seed", type=int, default=0, help="default: 0")
    t.add_argument("--save", metavar="NET.npz", help="save the trained network")
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    t.set_defaults(run=_train)

    r = verbs.add_parser(
        "report", help="write a comparison report (HTML or Markdown)",
        description="Fit as `compare` does and write a self-contained report: one HTML file "
                    "with the figures embedded, or Markdown with PNG files beside it. With no "
                    "options: the bundled Spector data, to report.html.")
    _model_options(r)
    r.add_argument("--output", default="report.html", metavar="report.html",
                   help="where to write it; .html or .md (default: report.html)")
    r.add_argument("--title", help="the report's heading")
    r.set_defaults(run=_report)
    return parser


def main(argv=None):
    """Run the ``glmnet-bridge`` command line; return the exit status."""
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
