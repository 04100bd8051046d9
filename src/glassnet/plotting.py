"""Pictures: the cost curve, a classifier's decision boundary, the activation functions.

Each function follows matplotlib's convention for plotting functions: it draws on the
Axes given as ``ax=`` (a new figure's when none is given) and returns the Axes it drew on;
given ``path``, it also saves the figure (a PNG unless the name says otherwise).
matplotlib (the ``plot`` extra) is imported only when one of them is called.

Without ``ax=`` the figure is built with ``matplotlib.figure.Figure`` rather than
``pyplot``: it needs no display and no GUI backend (it renders with Agg), and nothing
accumulates in pyplot's list of open figures however many are made. The figure is
``ax.figure``: end a Jupyter cell with it to see it; in a script save it (``path=``), or
draw on axes of your own (``fig, ax = plt.subplots()``, ``ax=ax``) and call ``plt.show()``.

The decision boundary uses TensorFlow Playground's look: orange for the negative class
(label 0 or −1), blue for the positive class (label 1 or +1), and a diverging
orange–white–blue background that shows the output unit's value over the plane.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from . import activations as activations_module
from . import metrics
from .errors import DataError, GlassnetTypeError, ShapeError
from .validation import as_float_array, check_finite

if TYPE_CHECKING:  # matplotlib is imported only when a picture is drawn
    from matplotlib.axes import Axes

#: where a figure may be saved: a file name (its suffix picks the format), a binary file
Destination = str | os.PathLike[str] | IO[bytes] | None

# TensorFlow Playground's colours (negative, middle, positive).
ORANGE, WHITE, BLUE = "#f59322", "#e8eaeb", "#0877bd"
# Further classes of a multi-class problem, after orange (class 0) and blue (class 1).
_MORE_CLASSES = ["#2ca02c", "#9467bd", "#d62728", "#8c564b", "#e377c2", "#7f7f7f"]


def _new_axes(ax=None, figsize=(6.0, 4.5)):
    """Axes to draw on: the caller's ``ax``, or one on a new pyplot-free Figure."""
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _finish(fig, path, drawn):
    """Save the figure when a path (or a binary file object) is given; return ``drawn``.

    The file is a PNG unless its name ends in another format matplotlib writes (.svg,
    .pdf, ...); a file object gets a PNG.
    """
    if path is not None:
        fmt = "png"
        if isinstance(path, (str, os.PathLike)):
            suffix = os.path.splitext(os.fspath(path))[1][1:].lower()
            if suffix in fig.canvas.get_supported_filetypes():
                fmt = suffix
        fig.savefig(path, format=fmt, dpi=100)
    return drawn


# --------------------------------------------------------------------------- cost curve
def _cost_series(history):
    """(train costs, validation costs or None, best epoch or None) from what was given."""
    if hasattr(history, "keys"):
        if "cost" not in history:
            raise DataError(
                f"the history has no 'cost' entry (it has {', '.join(map(str, history.keys()))})")
        train = history["cost"]
        val = history["val_cost"] if "val_cost" in history else None
    elif isinstance(history, (str, bytes)) or not hasattr(history, "__len__"):
        raise GlassnetTypeError(
            "cost_curve needs the History that training returned (or a list of costs per "
            f"epoch), got {type(history).__name__}"
        )
    else:
        train, val = history, None
    train = as_float_array(train, "the cost per epoch", np.float64).ravel()
    if train.size == 0:
        raise DataError("the history holds no cost: train for at least one epoch first")
    check_finite(train, "the cost per epoch")
    if val is not None:
        val = as_float_array(val, "the validation cost per epoch", np.float64).ravel()
    return train, val, getattr(history, "best_epoch", None)


def cost_curve(history: Any, path: Destination = None, ax: Axes | None = None) -> Axes:
    """The cost J per epoch: training, and validation when the history has it.

    ``history`` is what ``net.fit`` / ``glassnet.training.train`` returned (or a mapping
    with "cost" and optionally "val_cost", or a plain list of costs). When training
    stopped early, a dotted line marks the best epoch, whose parameters were kept.
    """
    train, val, best_epoch = _cost_series(history)
    fig, ax = _new_axes(ax)
    epochs = np.arange(1, train.size + 1)
    ax.plot(epochs, train, color=BLUE, label="training cost J")
    if val is not None and val.size:
        ax.plot(np.arange(1, val.size + 1), val, color=ORANGE, label="validation cost")
    if best_epoch is not None and getattr(history, "stopped_early", False):
        ax.axvline(best_epoch, color="0.4", linestyle=":", label=f"best epoch ({best_epoch})")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost J")
    ax.set_title("Cost per epoch")
    ax.grid(True, alpha=0.3)
    ax.legend()
    return _finish(fig, path, ax)


# --------------------------------------------------------------------- decision boundary
def _playground_colormap():
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("playground", [ORANGE, WHITE, BLUE])


def _check_points(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """X as (2, m) floats and y as m labels (a row of Y, or one-hot columns, also taken)."""
    X = as_float_array(X, "X", np.float64)
    if X.ndim != 2 or X.shape[0] != 2:
        rows = X.ndim == 2 and X.shape[1] == 2
        hint = "; it looks like examples are rows: pass X.T" if rows else ""
        raise ShapeError(
            f"a decision boundary is drawn in the plane of two features: X must have shape "
            f"(2, m), examples as columns; got shape {X.shape}{hint}"
        )
    check_finite(X, "X")
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[0] > 1:  # one-hot columns, as Y for softmax
        y = np.argmax(y, axis=0)
    y = y.ravel()
    if y.size != X.shape[1]:
        raise ShapeError(f"y has {y.size} labels but X has m = {X.shape[1]} examples (columns)")
    if y.size == 0:
        raise DataError("X has no examples (m = 0 columns): there is nothing to draw")
    return X, y


def _model_output(model, grid):
    """The model's output on the grid points (columns): shape (n[L], points)."""
    if hasattr(model, "forward"):
        return np.asarray(model.forward(grid), dtype=np.float64)
    if hasattr(model, "predict_proba"):
        # scikit-learn's convention: examples are rows; convert at this one place.
        P = np.asarray(model.predict_proba(grid.T), dtype=np.float64).T
        return P[1:] if P.shape[0] == 2 else P
    raise GlassnetTypeError(
        "decision_boundary needs a model with .forward(X) (a glassnet Network) or "
        f".predict_proba(X) (an estimator), got {type(model).__name__}"
    )


def _value_scale(model, A, y):
    """(threshold, low, high) of a single output unit's value, for the colour scale.

    The threshold is where the class changes: the middle of the output activation's range
    (0.5 for sigmoid, 0 for tanh), or, for a model that does not say, 0 when the labels
    are ±1 and 0.5 otherwise.
    """
    g = getattr(model, "output_activation", None)
    if g is None and hasattr(model, "predict_proba"):
        g = activations_module.get("sigmoid")
    if g is not None:
        threshold = metrics.threshold_for(g)
        low, high = g.output_range
    else:
        threshold = 0.0 if np.all(np.isin(y, (-1, 1))) else 0.5
        low, high = -np.inf, np.inf
    if not (np.isfinite(low) and np.isfinite(high)):
        reach = max(float(np.max(np.abs(A - threshold))), 1e-12)
        low, high = threshold - reach, threshold + reach
    return threshold, low, high


def _grid(X, resolution):
    """A resolution × resolution grid over the data's box plus a 10% margin."""
    lo, hi = X.min(axis=1), X.max(axis=1)
    pad = 0.1 * np.where(hi > lo, hi - lo, 1.0)
    x1 = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    x2 = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    G1, G2 = np.meshgrid(x1, x2)
    return G1, G2, np.vstack([G1.ravel(), G2.ravel()])


def decision_boundary(model: Any, X: npt.ArrayLike, y: npt.ArrayLike,
                      path: Destination = None, ax: Axes | None = None,
                      resolution: int = 200) -> Axes:
    """The plane of two features coloured by the model's output, with the data on top.

    ``model`` is a Network with n_x = 2 (anything with ``.forward(X)`` taking columns, or
    an estimator with ``.predict_proba``); X has shape (2, m) and y holds the m labels.
    With one output unit the background shows its value on an orange–white–blue scale
    and a grey line marks the decision boundary (A[L] = threshold); with several output
    units each region is coloured by its predicted class (argmax).
    """
    X, y = _check_points(X, y)
    n_x = getattr(model, "n_x", 2)
    if n_x != 2:
        raise ShapeError(
            f"decision_boundary draws the plane of 2 input features, but this network has "
            f"n_x = {n_x} inputs (W[1] has {n_x} columns)"
        )
    G1, G2, grid = _grid(X, resolution)
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        A = _model_output(model, grid)
    if A.ndim != 2 or A.shape[1] != grid.shape[1]:
        raise ShapeError(
            f"the model must return A[L] of shape (n[L], m) for X of shape (2, m); for "
            f"m = {grid.shape[1]} grid points it returned shape {A.shape}"
        )
    if not np.all(np.isfinite(A)):
        raise DataError("the model's output holds NaN or inf on the plane: it cannot be drawn")
    fig, ax = _new_axes(ax, figsize=(5.5, 5.0))
    extent = (G1[0, 0], G1[0, -1], G2[0, 0], G2[-1, 0])
    if A.shape[0] == 1:
        threshold = _draw_output_value(fig, ax, model, A[0].reshape(G1.shape), y, extent)
    else:
        threshold = None
        _draw_class_regions(ax, np.argmax(A, axis=0).reshape(G1.shape), A.shape[0], extent)
    for label, colour in _label_colours(y, threshold):
        chosen = y == label
        ax.scatter(X[0, chosen], X[1, chosen], s=22, color=colour, edgecolors="white",
                   linewidths=0.7, label=f"y = {_label_text(label)}")
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title("Decision boundary")
    ax.legend(loc="upper right", fontsize="small", framealpha=0.8)
    return _finish(fig, path, ax)


def _draw_output_value(fig, ax, model, values, y, extent):
    """One output unit: its value on the diverging scale, and the line A[L] = threshold."""
    from matplotlib.colors import TwoSlopeNorm

    threshold, low, high = _value_scale(model, values, y)
    norm = TwoSlopeNorm(vcenter=threshold, vmin=min(low, values.min()),
                        vmax=max(high, values.max()))
    image = ax.imshow(values, origin="lower", extent=extent, aspect="auto",
                      cmap=_playground_colormap(), norm=norm, alpha=0.85)
    if values.min() < threshold < values.max():
        ax.contour(values, levels=[threshold], colors="0.35", linewidths=1.0,
                   origin="lower", extent=extent)
    fig.colorbar(image, ax=ax, label="A[L]: the output unit's value")
    return threshold


def _draw_class_regions(ax, regions, k, extent):
    """Several output units: each region in the colour of its predicted class (argmax)."""
    from matplotlib.colors import ListedColormap

    ax.imshow(regions, origin="lower", extent=extent, aspect="auto",
              cmap=ListedColormap(_palette(k)), vmin=-0.5, vmax=k - 0.5, alpha=0.35,
              interpolation="nearest")


def _label_text(label):
    return f"{label:g}" if isinstance(label, (int, float, np.number)) else str(label)


def _palette(k):
    """k class colours: orange, blue, then more."""
    return ([ORANGE, BLUE] + _MORE_CLASSES * (k // len(_MORE_CLASSES) + 1))[:k]


def _label_colours(y, threshold):
    """(label, colour) for each label in y.

    With one output unit a numeric label is orange below the threshold and blue above it
    (0 and −1 orange, 1 and +1 blue), even if only one class is present; otherwise the
    sorted labels take the class colours in order, as the output units do.
    """
    labels = np.unique(y)
    if threshold is not None and np.issubdtype(labels.dtype, np.number):
        return [(label, BLUE if label > threshold else ORANGE) for label in labels]
    return list(zip(labels, _palette(len(labels)), strict=True))


# -------------------------------------------------------------------- activation figures
_DEFAULT_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu")


def activation_functions(names: str | Sequence[str | Mapping[str, Any]] | None = None,
                         path: Destination = None, z_range: tuple[float, float] = (-5.0, 5.0),
                         ax: Axes | Sequence[Axes] | None = None) -> np.ndarray:
    """One panel per activation: g(z) and its derivative g'(z), as the notes draw them.

    ``names`` lists activations by name (default: sigmoid, tanh, ReLU, leaky ReLU, ELU,
    SELU); the curves come from ``glassnet.activations`` itself, ``forward`` and
    ``derivative``, so the figure shows exactly what the network computes. Softmax has no
    element-wise derivative and cannot be drawn this way. ``ax`` is one Axes per activation
    (a single Axes for a single activation); returned is a NumPy array of the Axes drawn on,
    one per activation.
    """
    names = list(_DEFAULT_ACTIVATIONS if names is None else
                 [names] if isinstance(names, str) else names)
    if not names:
        raise DataError("activation_functions needs at least one activation name")
    gs = [activations_module.get(name) for name in names]
    for g in gs:
        if not g.elementwise:
            raise GlassnetTypeError(
                f"{g.name} works on a whole column at once and has no element-wise g'(z) "
                "to draw; choose element-wise activations"
            )
    fig, axes = _panels(len(gs), ax)
    z = np.linspace(z_range[0], z_range[1], 801)
    for panel, g in zip(axes, gs, strict=True):
        a = g.forward(z)
        panel.plot(z, a, color=BLUE, label="g(z)")
        panel.plot(z, g.derivative(z, a), color=ORANGE, linestyle="--", label="g'(z)")
        panel.axhline(0, color="0.6", linewidth=0.6)
        panel.axvline(0, color="0.6", linewidth=0.6)
        panel.set_title(g.formula, fontsize="small")
        panel.set_xlabel("z")
        panel.grid(True, alpha=0.3)
        panel.legend(fontsize="small")
    return _finish(fig, path, axes)


def _panels(k, ax):
    """(figure, array of k Axes): the caller's ``ax``, or a grid of up to 3 columns."""
    if ax is not None:
        axes = np.atleast_1d(np.asarray(ax, dtype=object)).ravel()
        if axes.size != k:
            raise DataError(f"ax holds {axes.size} Axes for {k} activations: give one per "
                            "activation")
        return axes[0].figure, axes
    from matplotlib.figure import Figure

    columns = min(3, k)
    rows = -(-k // columns)
    fig = Figure(figsize=(3.6 * columns, 3.0 * rows), layout="constrained")
    grid = fig.subplots(rows, columns, squeeze=False).ravel()
    for unused in grid[k:]:
        unused.set_visible(False)
    return fig, grid[:k]
