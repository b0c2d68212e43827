"""The ``glmnet-bridge`` command: compare, train and report from a terminal.

Every verb has ``--help``; with no options each runs on the bundled data. A user error is one
line on stderr naming the fix, exit status 2 (``--debug`` shows the traceback).
"""

from __future__ import annotations

import argparse
import sys

from ..core.activations import ACTIVATIONS, BINARY_ACTIVATIONS, get_activation
from .userdata import UsageError, check_output, read_table, table_arrays

__all__ = ["main", "build_parser"]

SPECTOR_FORMULA = "GRADE ~ GPA + TUCE + PSI"
MODEL_ACTIVATIONS = (*BINARY_ACTIVATIONS, "exp", "identity", "softmax")


def _version():
    from importlib import metadata

    try:
        return metadata.version("glmnet_bridge")
    except metadata.PackageNotFoundError:  # pragma: no cover - a checkout never installed
        return "(not installed)"


def _model_activation(name):
    """Argparse type: an activation a compare/report can fit, aliases (logit, …) accepted."""
    if str(name).lower() == "softmax":
        return "softmax"
    try:
        act = get_activation(name).name
    except ValueError:
        act = None
    if act not in MODEL_ACTIVATIONS:
        raise argparse.ArgumentTypeError(
            f"{name!r} is not one of: " + ", ".join(MODEL_ACTIVATIONS)
            + " (aliases such as logit, sigmoid, log are accepted)")
    return act


def _hidden_activation(name):
    """Argparse type: a hidden-layer activation of the network."""
    try:
        act = get_activation(name).name
    except ValueError:
        act = None
    if act is None or act == "step":
        names = [a for a in ACTIVATIONS if a not in ("step", "softmax")]
        raise argparse.ArgumentTypeError(f"{name!r} is not one of: " + ", ".join(names))
    return act


def _load(args):
    from .. import datasets

    if args.data is None:
        return datasets.load_spector(), "Spector & Mazzeo PSI data (bundled)"
    data, description = read_table(args.data, sep=args.sep, encoding=args.encoding)
    args._columns = list(data.columns)
    return data, description


def _comparison(args, verb):
    """Fit what ``compare`` and ``report`` share: the data, the formula, the Comparison."""
    from ..comparison.compare import compare

    if args.data is not None and not args.formula:
        raise UsageError("--formula is required with --data, e.g. --formula 'y ~ x1 + x2'")
    quadratic = args.quadratic
    if quadratic is None:  # on only where it means something: the sigmoid's least squares
        quadratic = "logistic" in args.activations
    elif quadratic and "logistic" not in args.activations:
        raise UsageError("--quadratic fits the sigmoid (logistic) neuron by least squares; "
                         "add logistic to --activations or drop --quadratic")
    data, source = _load(args)
    formula = args.formula or SPECTOR_FORMULA
    return compare(formula, data=data, activations=tuple(dict.fromkeys(args.activations)),
                   solver=args.solver, cov_type=args.cov_type, quadratic=quadratic,
                   title=getattr(args, "title", None)
                   or f"{source}: {formula}  ({len(data)} rows)")


def _compare(args):
    check_output(args.output, (".csv",))
    cmp = _comparison(args, "compare")
    print(cmp.summary(digits=args.digits))
    if args.output:
        cmp.table.to_csv(args.output, index=False)
        print(f"\ntable written to {args.output}")
    return 0


def _report(args):
    check_output(args.output, (".html", ".htm", ".md"))
    cmp = _comparison(args, "report")
    path = cmp.report(args.output, title=args.title)
    print(f"report written to {path}")
    return 0


def _data_options(p):
    p.add_argument("--data", metavar="FILE.csv", help="a CSV file with a header row")
    p.add_argument("--sep", help="the CSV delimiter (default: sniffed among , ; tab |)")
    p.add_argument("--encoding", help="the CSV encoding (default: UTF-8, else Windows-1252)")


def _model_options(p):
    _data_options(p)
    p.add_argument("--formula", help=f'a patsy formula (default with the bundled data: '
                                     f'"{SPECTOR_FORMULA}")')
    p.add_argument("--activations", nargs="+", default=["logistic", "probit"],
                   type=_model_activation, metavar="NAME",
                   help="activations to fit: " + ", ".join(BINARY_ACTIVATIONS)
                        + " (or logit) for a 0/1 outcome, exp for counts, identity for a "
                          "continuous outcome, softmax for categories (default: logistic "
                          "probit)")
    p.add_argument("--solver", default="newton", choices=("newton", "lbfgs", "gd", "sgd"),
                   help="the neuron's solver (default: newton)")
    p.add_argument("--cov-type", default="expected",
                   choices=("expected", "observed", "HC0", "HC1", "HC2", "HC3"),
                   help="standard errors: information matrix (default: expected, as R's glm) "
                        "or robust HC0–HC3 (R's sandwich::vcovHC)")
    p.add_argument("--quadratic", action=argparse.BooleanOptionalAction, default=None,
                   help="also show the sigmoid neuron fitted with the quadratic cost "
                        "(least squares, not the MLE) (default: on when logistic is among "
                        "the activations)")


def _split(n, seed):
    """Shuffle rows once with the seed: 60% training, 20% validation, 20% test."""
    import numpy as np

    order = np.random.default_rng(seed).permutation(n)
    a, b = int(0.6 * n), int(0.8 * n)
    return order[:a], order[a:b], order[b:]


def _user_network_data(args):
    """Return the user's table as standardised inputs and class labels, split three ways."""
    import numpy as np

    if not args.formula:
        raise UsageError("--formula is required with --data, e.g. --formula 'y ~ x1 + x2'")
    data, description = _load(args)
    X, labels, names, levels = table_arrays(args.formula, data)
    if len(labels) < 20:
        raise UsageError(f"{len(labels)} rows are too few to split into training, "
                         "validation and test sets; train needs 20 rows or more")
    tr, va, te = _split(len(labels), args.seed)
    # SGD with one learning rate needs inputs on one scale: z-scores from the training rows.
    mu, sd = X[tr].mean(axis=0), X[tr].std(axis=0)
    sd[sd == 0] = 1.0
    Z = (X - mu) / sd
    source = (f"{description}: {args.formula}; inputs {', '.join(names)} (standardised); "
              f"classes {', '.join(levels)}")
    sets = tuple((Z[i], labels[i]) for i in (tr, va, te))
    return sets, source, len(levels), np.asarray(names)


def _train(args):
    from .. import datasets
    from ..neural.network import Network

    check_output(args.save, (".npz",), option="--save")
    if args.data is not None and args.mnist:
        raise UsageError("give --data or --mnist, not both")
    if args.data is None and args.formula:
        raise UsageError("--formula goes with --data FILE.csv")
    k = None
    if args.data is not None:
        sets, source, k, _ = _user_network_data(args)
        (Xt, yt), (Xv, yv), (Xs, ys) = sets
        unit = "rows"
    elif args.mnist:
        (Xt, yt), (Xv, yv), (Xs, ys) = datasets.load_mnist(args.mnist)
        source, unit = f"MNIST ({args.mnist})", "images"
    else:
        (Xt, yt), (Xv, yv), (Xs, ys) = datasets.load_digits()
        source, unit = "bundled handwritten digits (8×8)", "images"
    sizes = args.sizes or [Xt.shape[1], 30, k or 10]
    epochs = args.epochs if args.epochs is not None else (30 if args.mnist else 60)
    if sizes[0] != Xt.shape[1]:
        raise UsageError(f"the input layer must have {Xt.shape[1]} neurons for {source}, "
                         f"got {sizes[0]}; fix --sizes")
    if k is not None and sizes[-1] != k:
        raise UsageError(f"the output layer must have {k} neurons (one per class), got "
                         f"{sizes[-1]}; fix --sizes")
    net = Network(sizes, activation=args.activation, cost=args.cost, init=args.init,
                  seed=args.seed, dtype=args.dtype)
    print(f"{source}: {len(yt)} training, {len(yv)} validation, {len(ys)} test {unit}")
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


def _positive_int(text):
    """Parse a whole number ≥ 1 (argparse reports a bad one in a single line)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def build_parser():
    """Return the argument parser of the ``glmnet-bridge`` command."""
    parser = _Parser(
        prog="glmnet-bridge",
        description="Neural networks and GLMs side by side: a sigmoid neuron fitted by "
                    "maximum likelihood is logistic regression, a normal-CDF neuron is probit.",
    )
    parser.add_argument("--version", action="version", version=f"glmnet-bridge {_version()}")
    parser.add_argument("--debug", action="store_true",
                        help="show the Python traceback of an error")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    verbs.required = True

    c = verbs.add_parser(
        "compare", help="fit neurons and the GLMs they equal, and print them side by side",
        description="Fit one neuron per activation and print its weights beside the "
                    "statsmodels GLM coefficients. With no options: the bundled Spector "
                    f"data, {SPECTOR_FORMULA}.")
    _model_options(c)
    c.add_argument("--digits", type=_positive_int, default=6,
                   help="significant digits (default: 6)")
    c.add_argument("--output", metavar="table.csv", help="also write the table to a CSV file")
    c.set_defaults(run=_compare)

    t = verbs.add_parser(
        "train", help="train a network on handwritten digits or on your own table",
        description="Train a network with chapter 1's mini-batch SGD on the bundled digits, "
                    "MNIST files you have, or your own CSV (--data with --formula: the "
                    "outcome's values are the classes, the right-hand side the inputs, "
                    "standardised; rows split 60/20/20 into training, validation and test "
                    "with --seed) and print cost and accuracy per epoch.")
    _data_options(t)
    t.add_argument("--formula", help="with --data: 'class ~ x1 + x2 + C(group)'")
    t.add_argument("--mnist", metavar="PATH",
                   help="MNIST IDX folder or Nielsen's mnist.pkl.gz (default: bundled digits)")
    t.add_argument("--sizes", nargs="+", type=int, metavar="N",
                   help="neurons per layer (default: inputs 30 classes)")
    t.add_argument("--epochs", type=int,
                   help="default: 30 on MNIST as in chapter 1; 60 on the bundled digits, "
                        "whose 1,197 training images give 40 times fewer steps per epoch")
    t.add_argument("--batch-size", type=int, default=10, help="default: 10")
    t.add_argument("--eta", type=float, default=3.0, help="learning rate (default: 3.0)")
    t.add_argument("--lmbda", type=float, default=0.0,
                   help="L2 weight decay λ, Nielsen's convention (default: 0)")
    t.add_argument("--activation", default="sigmoid", type=_hidden_activation,
                   help="hidden activation (default: sigmoid)")
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


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (the usage is one ``--help`` away)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _one_line(exc, args):
    """Return the error as one line, with the fix where the exception alone does not give it."""
    # patsy's messages end with the formula and a line of carets under the culprit
    text = " ".join(str(exc).splitlines()[0].split()) or type(exc).__name__
    columns = getattr(args, "_columns", None)
    if "is not defined" in text:
        text = text[:text.index("is not defined") + len("is not defined")]
        if columns:
            text += ("; the table's columns are: " + ", ".join(map(str, columns[:40]))
                     + " (check the spelling in --formula"
                     + (", and --sep if they run together)" if len(columns) < 3 else ")"))
    elif isinstance(exc, KeyError):
        text = f"no column {exc.args[0]!r}; check the names in --formula"
    elif isinstance(exc, OSError) and getattr(exc, "filename", None):
        text = f"{exc.strerror}: {exc.filename!r}"
    return text


def main(argv=None):
    """Run the ``glmnet-bridge`` command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        import patsy

        user_errors = (UsageError, ValueError, KeyError, OSError, patsy.PatsyError)
    except ImportError:  # pragma: no cover
        user_errors = (UsageError, ValueError, KeyError, OSError)
    try:
        return args.run(args)
    except BrokenPipeError:  # the reader (head, less) has gone: nothing left to say
        sys.stderr.close()
        return 0
    except user_errors as exc:
        if args.debug:
            raise
        print(f"glmnet-bridge {args.verb}: error: {_one_line(exc, args)} "
              "(--debug shows the traceback)", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
