"""The playground's data sets: how each built-in set is made, the uploaded table, the split.

Every built-in data set is a *recipe*: a call of ``glassnet.datasets`` and how its points
are fitted into the view. The session runs the recipe; the exported Python snippet prints
it (``Recipe.source``), so both read the same facts. TensorFlow Playground's sets are drawn
over its square [−6, 6]²; the extra sets, whose generators work near the unit square, are
moved to their centre and scaled into it.
"""

import functools
import math
import os
import tempfile
from dataclasses import dataclass, field

import numpy as np

from .. import datasets
from ..errors import DataError
from . import protocol, wire

VIEW = (-6.0, 6.0)  #: TensorFlow Playground's square, for the built-in data sets
THUMBNAIL_POINTS = 120


@dataclass(frozen=True)
class Recipe:
    """A built-in data set: ``glassnet.datasets.<call>(**arguments, noise=, seed=)``, then
    X ↦ (X − centre)·scale; ``one_d`` adds x2 = 0; ``signs`` makes labels ±1 classes 0/1."""

    call: str
    arguments: dict = field(default_factory=dict)
    n_classes: int = 2  #: 0 for regression
    centre: tuple = ()
    scale: float = 1.0
    one_d: bool = False
    signs: bool = False

    def make(self, noise, seed):
        """(X (2, m), labels) of this set with noise 0 … 0.5 and a seed."""
        X, y = getattr(datasets, self.call)(**self.arguments, noise=noise, seed=seed)
        if self.centre:
            X = X - np.array(self.centre).reshape(-1, 1)
        if self.scale != 1:
            X = X * self.scale
        if self.one_d:
            X = np.vstack([X, np.zeros_like(X)])
        if self.signs:
            y = (y > 0).astype(int)
        return X, y

    def source(self, noise, seed):
        """The lines of Python that ``make`` runs (the exported snippet prints them)."""
        settings = "".join(f"{k}={v!r}, " for k, v in self.arguments.items())
        lines = [f"X, y = gn.datasets.{self.call}({settings}noise={noise:g}, seed={seed})"]
        if self.centre:
            lines.append(f"X = X - {[[c] for c in self.centre]!r}  # centred in the view")
        if self.scale != 1:
            lines.append(f"X = X * {self.scale:g}  # scaled into the view")
        if self.one_d:
            lines.append("X = np.vstack([X, np.zeros_like(X)])  # one input: x2 = 0")
        if self.signs:
            lines.append("y = (y > 0).astype(int)  # class 1 is the playground's +1 (blue)")
        return lines


RECIPES = {
    **{name: Recipe("playground", {"name": name}, signs=True)
       for name in ("circle", "xor", "gauss", "spiral")},
    **{name: Recipe("playground", {"name": name}, n_classes=0)
       for name in ("reg-plane", "reg-gauss")},
    "moons": Recipe("moons", {"n_samples": 500}, centre=(0.5, 0.25), scale=3.0),
    "spiral3": Recipe("spiral", {"n_classes": 3, "n_samples": 600}, n_classes=3, scale=5.0),
    "curve": Recipe("curve", {"n_samples": 300}, n_classes=0, scale=5.0, one_d=True),
}


class Data:
    """The examples of a session: raw points, labels, the split, and the view around them.

    ``X_*`` hold the raw coordinates (x1, x2) as columns, shape (2, m); a 1-D data set
    keeps x2 = 0 and its view's vertical axis shows the label. ``labels_*`` hold class
    numbers 0 … k−1 (classification: class 1 is TensorFlow Playground's +1, drawn blue) or
    real targets (regression, ``n_classes`` 0), whose colour scale spans ±``output_scale``.
    """

    def __init__(self, X, labels, n_classes, one_d, view, train_ratio, seed):
        self.n_classes, self.one_d = n_classes, one_d
        self.X_train, self.labels_train, self.X_test, self.labels_test = datasets.split(
            X, labels, train_ratio=train_ratio, seed=seed)
        # regression on the playground's square keeps TensorFlow's colour scale, ±1
        self.output_scale = 1.0 if n_classes or (view is None and not one_d) else (
            _nice_ceiling(np.max(np.abs(labels))))
        if view is None:
            view = (VIEW, VIEW if not one_d else (-self.output_scale, self.output_scale))
        self.view = view


def _nice_ceiling(value):
    """The smallest of 1, 1.5, 2, 3, 5, 10, 15, 20, … that is ≥ value."""
    if value <= 1:
        return 1.0
    step = 10.0 ** math.floor(math.log10(value))
    return next(f * step for f in (1, 1.5, 2, 3, 5, 10) if f * step >= value)


def builtin(name, noise, seed):
    """(X (2, m), labels, n_classes, one_d, view) of a built-in data set, noise 0…0.5."""
    recipe = RECIPES[name]
    X, labels = recipe.make(noise, seed)
    return X, labels, recipe.n_classes, recipe.one_d, None


@functools.lru_cache(maxsize=1)
def catalog():
    """The "catalog" message: a sample of every built-in data set, for the thumbnails, the
    drop-downs' choices and the input features (their keys, and those that need x2)."""
    samples = {}
    for name in (*protocol.CLASSIFICATION_SETS, *protocol.REGRESSION_SETS):
        X, labels, _, one_d, _ = builtin(name, 0.0, 0)
        pick = np.random.default_rng(0).choice(X.shape[1], THUMBNAIL_POINTS, replace=False)
        samples[name] = wire.points(X[:, pick], labels[pick], one_d)
    return {"type": "catalog", "datasets": samples, "choices": protocol.CHOICES,
            "features": protocol.FEATURES, "usesX2": protocol.USES_X2,
            "limits": protocol.LIMITS}


def data_name(state):
    """The name of the data set a state trains on (its problem type decides which key)."""
    return state["dataset"] if state["problem"] == "classification" else state["regDataset"]


def make_data(state, upload=None):
    """The Data a state asks for (the uploaded table when its data set is "upload")."""
    name = data_name(state)
    ratio = state["percTrainData"] / 100
    table = upload if name == protocol.UPLOAD else builtin(name, state["noise"] / 100,
                                                             state["seed"])
    return Data(*table, train_ratio=ratio, seed=state["seed"])


def read_upload(content, name="the uploaded file"):
    """(X, labels, n_classes, one_d, view) of an uploaded CSV: 1 or 2 features and a label.

    The label decides the problem: whole numbers with at most 8 distinct values are
    classes (sorted, so −1 becomes class 0 and +1 class 1), anything else is regression.
    """
    if len(content) > protocol.MAX_UPLOAD_BYTES:
        raise DataError(f"{name} has {len(content)} bytes; the limit is "
                        f"{protocol.MAX_UPLOAD_BYTES}")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "upload.csv")
        with open(path, "wb") as file:
            file.write(content)
        try:
            X, y = datasets.load_csv(path)
        except DataError as exc:
            raise DataError(str(exc).replace(path, name)) from None
    n_x, m = X.shape
    if n_x > 2:
        raise DataError(f"{name} has {n_x + 1} columns; the playground takes one or two "
                        "feature columns (x1, x2) and a label column, the label last")
    if m > protocol.MAX_UPLOAD_ROWS:
        raise DataError(f"{name} has {m} examples; the limit is {protocol.MAX_UPLOAD_ROWS}")
    if m < 4:
        raise DataError(f"{name} has {m} examples; the playground needs at least 4 "
                        "(some to train on, some to test)")
    _check_magnitudes(np.vstack([X, y]), name)
    one_d = n_x == 1
    if one_d:
        X = np.vstack([X, np.zeros_like(X)])
    values = np.unique(y)
    if np.all(values == np.round(values)) and 2 <= values.size <= 8:
        labels, k = np.searchsorted(values, y), values.size
    else:
        labels, k = y, 0
    view = tuple(_around(row) for row in (X[0], y if one_d else X[1]))
    return X, labels, k, one_d, view


def _check_magnitudes(table, name):
    """Refuse a value beyond ±MAX_UPLOAD_VALUE, naming its example and column (from 1)."""
    column, example = np.unravel_index(np.argmax(np.abs(table)), table.shape)
    value = table[column, example]
    if abs(value) > protocol.MAX_UPLOAD_VALUE:
        raise DataError(f"{name}: example {example + 1}, column {column + 1} holds {value:g}; "
                        f"the playground takes values from -{protocol.MAX_UPLOAD_VALUE:g} to "
                        f"{protocol.MAX_UPLOAD_VALUE:g}")


def _around(values):
    """An interval holding the values with a margin of a tenth on each side."""
    low, high = float(np.min(values)), float(np.max(values))
    margin = 0.1 * (high - low) or 1.0
    return (low - margin, high + margin)


