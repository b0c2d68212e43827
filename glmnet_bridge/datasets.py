"""Data sets that ship with the package: nothing is downloaded at run time.

Files live in the top-level ``data/`` folder, installed as ``glmnet_bridge.data``.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from .exceptions import DataError

__all__ = ["load_spector", "load_iris", "load_digits", "load_mnist", "data_path", "Split"]


def data_path(name):
    """Return a path-like handle to the bundled file ``name`` (works from a wheel too).

    Parameters
    ----------
    name : str
        A file name in ``data/``, e.g. ``"spector.csv"``.

    Returns
    -------
    importlib.resources.abc.Traversable
    """
    path = resources.files("glmnet_bridge.data").joinpath(name)
    if not path.is_file():
        raise FileNotFoundError(f"no bundled data file {name!r}")
    return path


def load_spector():
    """Load Spector & Mazzeo's PSI data (32 students), as shipped by statsmodels.

    Columns: ``GPA`` (grade point average), ``TUCE`` (test of understanding of
    college economics), ``PSI`` (1 if taught by the personalised system of
    instruction) and ``GRADE`` (1 if the grade improved). The classic model is
    ``GRADE ~ GPA + TUCE + PSI`` (Greene, *Econometric Analysis*, probit and logit).

    Returns
    -------
    pandas.DataFrame
        32 rows, all columns float64 as statsmodels gives them.
    """
    with data_path("spector.csv").open("r") as fh:
        frame = pd.read_csv(fh)
    return frame.astype(float)


def load_iris():
    """Load Fisher's iris data: 150 flowers, four measurements (cm) and the species.

    Columns ``SepalLength``, ``SepalWidth``, ``PetalLength``, ``PetalWidth`` and
    ``Species`` (setosa, versicolor, virginica; 50 each), as shipped by scikit-learn.

    Returns
    -------
    pandas.DataFrame
    """
    with data_path("iris.csv").open("r") as fh:
        return pd.read_csv(fh)


class Split(tuple):
    """``(train, validation, test)``, each an ``(X, y)`` pair, as Nielsen's ``load_data``."""

    __slots__ = ()

    def __new__(cls, train, validation, test):
        """Hold the three (X, y) pairs."""
        return super().__new__(cls, (train, validation, test))

    @property
    def train(self):
        """Return the training pair (X, y)."""
        return self[0]

    @property
    def validation(self):
        """Return the validation pair (X, y)."""
        return self[1]

    @property
    def test(self):
        """Return the test pair (X, y)."""
        return self[2]

    def __repr__(self):
        sizes = ", ".join(f"{name}={len(part[1])}" for name, part in
                          zip(("train", "validation", "test"), self, strict=True))
        return f"Split({sizes})"


DIGITS_SPLIT = (1197, 300, 300)


def load_digits(split=True, scale=True):
    """Load the bundled handwritten digits: 1,797 real 8×8 images, labels 0–9.

    Alpaydin & Kaynak's optical digits (the UCI test set, as shipped by
    scikit-learn), nothing downloaded. The split is fixed: a permutation with
    seed 0 gives 1,197 training, 300 validation and 300 test images.

    Parameters
    ----------
    split : bool, default True
        Return a :class:`Split`; False returns all rows as one ``(X, y)``.
    scale : bool, default True
        Pixel counts 0–16 divided by 16, so inputs lie in [0, 1] as MNIST's do.

    Returns
    -------
    Split or tuple
        X has shape (n, 64), float64; y holds int labels.
    """
    import gzip

    import numpy as np

    with data_path("digits.csv.gz").open("rb") as fh, gzip.open(fh, "rt") as text:
        raw = np.loadtxt(text, delimiter=",")
    X, y = raw[:, :-1], raw[:, -1].astype(int)
    if scale:
        X = X / 16.0
    if not split:
        return X, y
    order = np.random.default_rng(0).permutation(len(y))
    a, b = DIGITS_SPLIT[0], DIGITS_SPLIT[0] + DIGITS_SPLIT[1]
    parts = (order[:a], order[a:b], order[b:])
    return Split(*[(X[p], y[p]) for p in parts])


def _read_idx(path, ndim_expected):
    import gzip
    import struct
    import zlib

    import numpy as np

    opener = gzip.open if str(path).endswith(".gz") else open
    try:
        with opener(path, "rb") as fh:
            data = fh.read()
    except (gzip.BadGzipFile, EOFError, zlib.error) as err:
        raise DataError(f"{path}: not a complete gzip file ({err}); download it again, or "
                        "gunzip it and drop the .gz suffix if it is not compressed") from None
    if len(data) < 4:
        raise DataError(f"{path}: {len(data)} bytes, too short for an IDX header; the file "
                        "is truncated: download it again")
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != 0x08 or ndim != ndim_expected:
        raise DataError(f"{path} is not an IDX file of unsigned bytes with {ndim_expected} "
                        "dimension(s), as MNIST's are (check which file is which)")
    if len(data) < 4 + 4 * ndim:
        raise DataError(f"{path}: the IDX header is cut short; the file is truncated: "
                        "download it again")
    shape = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(shape)):
        raise DataError(f"{path}: the header says {shape}, the file holds {arr.size} values; "
                        "it is truncated or corrupt: download it again")
    return arr.reshape(shape)


def _find(folder, stem):
    for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"),
                 stem.replace("-idx", ".idx") + ".gz"):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"no {stem}[.gz] in {folder}")


def load_mnist(path):
    """Read MNIST from files a user has: the IDX files, or Nielsen's ``mnist.pkl.gz``.

    Parameters
    ----------
    path : str or pathlib.Path
        A folder holding ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
        ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte`` (each possibly
        ``.gz``), or the file ``mnist.pkl.gz`` of Nielsen's book (a pickle: load
        only a file you trust).

    Returns
    -------
    Split
        The book's split: the first 50,000 training images for training, the last
        10,000 for validation, and the 10,000 test images; X of shape (n, 784)
        in [0, 1] (float64), y int labels. A smaller IDX set (fewer than 60,000
        training images) holds out its last sixth for validation.

    Raises
    ------
    FileNotFoundError
        No such file or folder, or a folder without the four IDX files.
    glmnet_bridge.DataError
        A truncated or corrupt file, a ``.gz`` that is not gzip, or images and labels
        that differ in number; each names the file.
    """
    import gzip
    import pickle
    import zlib
    from pathlib import Path

    import numpy as np

    path = Path(path)
    if path.is_file():
        try:
            with gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb") as fh:
                parts = pickle.load(fh, encoding="latin1")
        except (OSError, EOFError, zlib.error, pickle.UnpicklingError) as err:
            raise DataError(f"{path}: not a readable mnist.pkl.gz ({err}); download it "
                            "again, or pass the folder of IDX files") from None
        return Split(*[(np.asarray(x, dtype=float).reshape(len(x), -1),
                        np.asarray(t, dtype=int)) for x, t in parts])
    if not path.is_dir():
        raise FileNotFoundError(f"{path} is neither the MNIST folder nor mnist.pkl.gz")
    train_x = _read_idx(_find(path, "train-images-idx3-ubyte"), 3)
    train_y = _read_idx(_find(path, "train-labels-idx1-ubyte"), 1)
    test_x = _read_idx(_find(path, "t10k-images-idx3-ubyte"), 3)
    test_y = _read_idx(_find(path, "t10k-labels-idx1-ubyte"), 1)
    for what, x, t in (("train", train_x, train_y), ("t10k", test_x, test_y)):
        if len(x) != len(t):
            raise DataError(f"{path}: {len(x)} {what} images but {len(t)} {what} labels")

    def flat(x):
        return x.reshape(len(x), int(np.prod(x.shape[1:]))).astype(float) / 255.0

    # The book holds out the last 10,000 of 60,000 for validation: a sixth of a smaller set.
    n_train = len(train_x) - min(10_000, len(train_x) // 6)
    return Split((flat(train_x[:n_train]), train_y[:n_train].astype(int)),
                 (flat(train_x[n_train:]), train_y[n_train:].astype(int)),
                 (flat(test_x), test_y.astype(int)))
