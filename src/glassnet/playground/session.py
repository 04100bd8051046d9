"""A playground session: one browser tab's data, network and training loop.

The session is plain, synchronous Python (the server drives it from a WebSocket): it
builds its data with ``glassnet.datasets``, its network with ``glassnet.Network`` and
trains with the same per-step path as ``glassnet.training`` (forward, backward, optimizer
step), so the page shows the library at work, not a copy of it. After some epochs it
draws a *frame*: one forward pass over the 100×100 grid of the view gives every neuron's
activations at once, which are sent as one byte per pixel.

Two ways to train (the ``recipe`` setting):

* ``glassnet`` (default): a sigmoid output with cross-entropy for two classes, softmax for
  three or more, a linear output with ½ squared error for regression; the core's default
  initializers (Xavier for tanh/sigmoid, He for the ReLU family), zero biases.
* ``tensorflow``: TensorFlow Playground's own choices, so that its loss figures can be
  compared one for one: a tanh output, targets ±1, ½ squared error, weights U(−0.5, 0.5),
  biases 0.1.

Departures from TensorFlow Playground (kept on purpose): the examples are reshuffled every
epoch and an epoch's last, smaller batch is used as it is (not carried into the next
epoch), as in ``glassnet.training``.
"""

import base64
import contextlib
import functools
import io
import json
import math
import os
import struct
import tempfile
import time

import numpy as np

from .. import datasets, explain, metrics, optimizers
from ..errors import ConfigError, DataError
from ..layers import Dense
from ..network import Network
from ..training import _batches, _divergence_message, _Minibatches
from . import protocol

GRID = 100  #: the output map has GRID × GRID pixels, every neuron's map too
VIEW = (-6.0, 6.0)  #: TensorFlow Playground's square, for the built-in data sets
#: how the extra data sets are fitted into the view (their generators work near the unit
#: square): the points are scaled by this factor, after moving their centre to 0
EXTRA_SCALE = {"moons": 3.0, "spiral3": 5.0, "curve": 5.0}
EXTRA_SIZE = {"moons": 500, "spiral3": 600, "curve": 300}
THUMBNAIL_POINTS = 120


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


def _builtin(name, noise, seed):
    """(X (2, m), labels, n_classes, one_d, view) of a built-in data set, noise 0…0.5."""
    if name in protocol.TENSORFLOW_SETS:
        X, y = datasets.playground(name, noise=noise, seed=seed)
        if name.startswith("reg-"):
            return X, y, 0, False, None
        return X, (y > 0).astype(np.int64), 2, False, None
    m, scale = EXTRA_SIZE[name], EXTRA_SCALE[name]
    if name == "moons":
        X, y = datasets.moons(n_samples=m, noise=noise, seed=seed)
        return (X - np.array([[0.5], [0.25]])) * scale, y, 2, False, None
    if name == "spiral3":
        X, y = datasets.spiral(n_classes=3, n_samples=m, noise=noise, seed=seed)
        return X * scale, y, 3, False, None
    X, y = datasets.curve(n_samples=m, noise=noise, seed=seed)
    return np.vstack([X * scale, np.zeros_like(X)]), y, 0, True, None


@functools.lru_cache(maxsize=1)
def catalog():
    """The "catalog" message: a sample of every built-in data set, for the thumbnails."""
    samples = {}
    for name in (*protocol.CLASSIFICATION_SETS, *protocol.REGRESSION_SETS):
        X, labels, _, one_d, _ = _builtin(name, 0.0, 0)
        pick = np.random.default_rng(0).choice(X.shape[1], THUMBNAIL_POINTS, replace=False)
        samples[name] = _points(X[:, pick], labels[pick], one_d)
    return {"type": "catalog", "datasets": samples, "choices": protocol.CHOICES}


def make_data(state, upload=None):
    """The Data a state asks for (the uploaded table when its data set is "upload")."""
    name = _data_name(state)
    ratio = state["percTrainData"] / 100
    table = upload if name == protocol.UPLOAD else _builtin(name, state["noise"] / 100,
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


def targets(labels, n_out, output):
    """The notes' Y (n[L], m) for labels, as the output activation needs them."""
    if output == "softmax":
        return datasets.one_hot(labels, classes=np.arange(n_out))[0]
    Y = np.asarray(labels, dtype=np.float64).reshape(1, -1)
    return 2.0 * Y - 1.0 if output == "tanh" else Y  # tanh: TensorFlow's ±1 targets


def build_network(state, n_x, n_classes, parameters=None):
    """The Network a state asks for: hidden layers, output and loss, initializers."""
    tensorflow = state["recipe"] == "tensorflow"
    if n_classes >= 3:
        n_out, output, loss = n_classes, "softmax", "categorical_cross_entropy"
    elif n_classes == 2 and not tensorflow:
        n_out, output, loss = 1, "sigmoid", "binary_cross_entropy"
    else:
        n_out, output, loss = 1, ("tanh" if n_classes == 2 else "linear"), "half_squared_error"
    weights = {"name": "uniform", "low": -0.5, "high": 0.5} if tensorflow else None
    bias = {"name": "constant", "value": 0.1} if tensorflow else "zeros"
    if state["initZero"]:
        weights = "zeros"  # the symmetry demo: every weight 0, biases as the recipe says
    units = [*state["networkShape"], n_out]
    layers = [Dense(n, g, weights, bias)
              for n, g in zip(units, [*state["activations"], output], strict=True)]
    net = Network.from_layers(n_x, layers, loss=loss, seed=state["initSeed"])
    if parameters is not None:
        net.parameters[...] = parameters
    return net


def _data_name(state):
    """The name of the data set a state trains on (its problem type decides which key)."""
    return state["dataset"] if state["problem"] == "classification" else state["regDataset"]


class Diverged(Exception):
    """Training stopped being finite; the message says why and what to try."""


class Session:
    """One tab's playground: state (the settings), data, network, optimizer, epoch."""

    def __init__(self, state=None):
        self.upload = None
        self.playing = False
        self.state = self._fit_features(state or protocol.defaults())
        self._new_data()

    # ------------------------------------------------------------------ building
    def _new_data(self):
        self.data = make_data(self.state, self.upload)
        self._new_network()

    def _fit_features(self, state):
        """Turn off the features of x2 for a 1-D data set (x1 stays on if nothing is left)."""
        name = _data_name(state)
        if (self.upload[3] if name == protocol.UPLOAD else name == "curve"):
            state = {**state, **{key: False for key in protocol.USES_X2}}
            state["x"] = state["x"] or not any(state[key] for key in protocol.FEATURES)
        return state

    def _feature_keys(self):
        keys = [key for key in protocol.FEATURES if self.state[key]]
        if not keys:
            raise ConfigError("choose at least one input feature (x1, x2, …)")
        if self.data.one_d and any(key in protocol.USES_X2 for key in keys):
            raise ConfigError("this data set has one input, x1: features of x2 are not "
                              "available")
        return keys

    def _new_network(self, parameters=None):
        names = [protocol.FEATURES[key] for key in self._feature_keys()]
        d = self.data
        self.net = build_network(self.state, len(names), d.n_classes, parameters)
        self.optimizer = optimizers.get(self.state["optimizer"])
        self._rng = np.random.default_rng(self.state["initSeed"])
        output = self.net.output_activation.name
        self.A_train = datasets.features(d.X_train, names)
        self.A_test = datasets.features(d.X_test, names)
        self.Y_train = targets(d.labels_train, self.net.sizes[-1], output)
        self.Y_test = targets(d.labels_test, self.net.sizes[-1], output)
        (x_lo, x_hi), (y_lo, y_hi) = d.view
        self._minibatches = (None, None)  # (batch size, buffers), made by the first epoch
        x1, x2 = np.meshgrid(np.linspace(x_lo, x_hi, GRID), np.linspace(y_hi, y_lo, GRID))
        if d.one_d:
            x2 = np.zeros_like(x2)
        self._grid = np.vstack([x1.ravel(), x2.ravel()])  # row 0 of the map is the top
        self._grid_features = datasets.features(self._grid, names)
        if parameters is None:
            self.epoch = 0

    def reset(self):
        """Back to epoch 0 and the weight seed's starting weights (same seed, same start)."""
        self._new_network()

    # ------------------------------------------------------------------ changes
    @contextlib.contextmanager
    def _all_or_nothing(self):
        """If a change fails, the session is as it was: data, network, epoch and all.

        (Changes build new objects rather than alter the old ones, so keeping the old
        attributes is enough.)
        """
        saved = dict(self.__dict__)
        try:
            yield
        except Exception:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise

    def apply(self, changes):
        """Apply checked setting changes; returns the set of their effects."""
        old = self.state
        new = protocol.check_settings(changes, old)
        if self.data.one_d and _data_name(new) == _data_name(old) and any(
                new[key] and not old[key] for key in protocol.USES_X2):
            raise ConfigError("this data set has one input, x1: features of x2 are not "
                              "available")
        with self._all_or_nothing():
            if self.upload is not None and _data_name(new) != protocol.UPLOAD:
                self.upload = None  # another data set chosen: the uploaded one is let go
                for key in ("dataset", "regDataset"):
                    if new[key] == protocol.UPLOAD:
                        new[key] = protocol.SETTINGS[key].default
            self.state = new = self._fit_features(new)
            done = protocol.effects(old, new)
            self._rebuild(done, old)
        return done

    def _rebuild(self, done, old):
        if "data" in done:
            self._new_data()
        elif "network" in done:
            self._new_network()
        elif "live" in done:
            if self.state["activations"] != old["activations"]:
                self._new_network(parameters=self.net.parameters.copy())
            if self.state["optimizer"] != old["optimizer"]:
                self.optimizer = optimizers.get(self.state["optimizer"])

    def regenerate(self):
        """New data from a new seed; the network and its training go on (as TensorFlow)."""
        self.state = {**self.state, "seed": int(np.random.default_rng().integers(
            protocol.MAX_SEED))}
        self.data = make_data(self.state, self.upload)
        self._new_network(parameters=self.net.parameters.copy())

    def new_weights(self):
        """A new weight seed, and the network back at epoch 0 with its draw."""
        self.state = {**self.state, "initSeed": int(np.random.default_rng().integers(
            protocol.MAX_SEED))}
        self._new_network()

    def set_upload(self, content, name="the uploaded file"):
        """Train on an uploaded CSV table from now on (its label decides the problem)."""
        table = read_upload(content, name)
        classes = table[2] > 0
        with self._all_or_nothing():
            self.upload = table
            self.state = self._fit_features({
                **self.state, "problem": "classification" if classes else "regression",
                ("dataset" if classes else "regDataset"): protocol.UPLOAD})
            self._new_data()

    def edit(self, kind, layer, row, col, value):
        """Set one weight W[l][row, col] or bias b[l][row] (the page's click-to-edit)."""
        net = self.net
        if not 1 <= layer <= net.L:
            raise ConfigError(f"there is no layer {layer}: this network has L = {net.L}")
        target = net.W[layer] if kind == "W" else net.b[layer]
        if row >= target.shape[0] or col >= target.shape[1]:
            where = f"[{row}, {col}]" if kind == "W" else f"[{row}]"
            raise ConfigError(f"{kind}[{layer}]{where} does not exist: {kind}[{layer}] has "
                              f"shape {target.shape}")
        target[row, col] = value

    # ------------------------------------------------------------------ training
    def _epoch(self):
        """One epoch of minibatch gradient descent (glassnet.training's per-step path).

        The per-step cost is not computed: the page shows the losses of whole sets, taken
        once per frame.
        """
        net, state = self.net, self.state
        rate, kind = state["regularizationRate"], state["regularization"]
        m, batch_size = self.A_train.shape[1], min(state["batchSize"], self.A_train.shape[1])
        if self._minibatches[0] != batch_size:  # the buffers of training's minibatches
            self._minibatches = (batch_size, _Minibatches(self.A_train, self.Y_train,
                                                          batch_size))
        batches = _batches(m, batch_size, self._rng, True)
        for A0, Y, _ in self._minibatches[1].epoch(batches):
            # TensorFlow Playground's rate r adds α·r·w to each step; the notes' penalty
            # (λ/2m)‖W‖² adds α·(λ/m)·w, so λ = r·m with m this batch's size
            net.l1 = rate * A0.shape[1] if kind == "L1" else 0.0
            net.l2 = rate * A0.shape[1] if kind == "L2" else 0.0
            net._forward(A0)
            net._backward(Y)
            self.optimizer.step(net.parameters, net.gradients, state["learningRate"])

    def train(self, epochs, seconds=math.inf):
        """Run up to ``epochs`` epochs, or fewer when ``seconds`` have passed.

        Raises ``Diverged`` (and pauses) when the parameters stop being finite; they are
        put back as they were at the start of that epoch.
        """
        start = np.empty_like(self.net.parameters)
        deadline = time.perf_counter() + seconds
        done = 0
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            while done < epochs:
                np.copyto(start, self.net.parameters)
                self._epoch()
                if not np.all(np.isfinite(self.net.parameters)):
                    np.copyto(self.net.parameters, start)
                    self.playing = False
                    raise Diverged(self._divergence_advice(self.epoch + 1))
                self.epoch += 1
                done += 1
                if time.perf_counter() >= deadline:
                    break

    def _divergence_advice(self, epoch):
        rate = self.state["learningRate"]
        text = _divergence_message(epoch, math.nan, rate).replace("the cost became nan",
                                                                  "the weights became NaN")
        smaller = [r for r in protocol.LEARNING_RATES if r < rate]
        hint = f" Training is paused: choose a learning rate of {smaller[-1]:g} or less" \
            if smaller else " Training is paused"
        return text + hint + ", add L2 regularization, or press Reset."

    # ------------------------------------------------------------------ what the page sees
    def scores(self):
        """Training and test loss (without the penalty, as TensorFlow shows) and accuracy."""
        net = self.net
        out = {}
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            for part, A0, Y in (("train", self.A_train, self.Y_train),
                                ("test", self.A_test, self.Y_test)):
                A = net._forward(A0)
                out[f"{part}Loss"] = _finite_or_none(net.loss.cost(A, Y))
                if self.data.n_classes:
                    threshold = metrics.threshold_for(net.output_activation)
                    out[f"{part}Accuracy"] = metrics.accuracy(A, Y, threshold)
                else:
                    out[f"{part}Accuracy"] = None
        return out

    def maps(self):
        """Every neuron's map, layer by layer, as uint8 (0 = −1 orange, 255 = +1 blue).

        One forward pass over the grid gives A[l] for all layers at once. Hidden values
        are clipped to [−1, 1] (TensorFlow's colour scale); outputs are put on that scale:
        2a − 1 for probabilities, a / output_scale for regression.
        """
        net = self.net
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            net._forward(self._grid_features)
            A = [net._last.A[l] for l in range(1, net.L + 1)]
            out = A[-1]
            name = net.output_activation.name
            if name in ("sigmoid", "softmax"):
                A[-1] = 2.0 * out - 1.0
            elif name == "linear":
                A[-1] = out / self.data.output_scale
            return quantize(np.vstack(A))

    def feature_maps(self):
        """The seven input features' maps over the view (those of x2 are 0 for 1-D data)."""
        with np.errstate(over="ignore", invalid="ignore"):
            F = datasets.features(self._grid, list(protocol.FEATURES.values()))
            # x1², x2² and x1·x2 reach 36 on the view: scale them to [−1, 1] for display
            scale = np.max(np.abs(F), axis=1, keepdims=True)
            return quantize(F / np.where(scale > 0, scale, 1.0))

    def frame(self):
        """The binary frame: a JSON header, then every neuron's map (uint8, GRID²)."""
        net = self.net
        header = {
            "type": "frame",
            "epoch": self.epoch,
            "playing": self.playing,
            **self.scores(),
            "W": [_rounded(net.W[l]) for l in range(1, net.L + 1)],
            "b": [_rounded(net.b[l][:, 0]) for l in range(1, net.L + 1)],
        }
        return pack(header, self.maps())

    def describe(self):
        """The "state" message: settings, hash, network layout, view and feature maps."""
        d, net = self.data, self.net
        return {
            "type": "state",
            "state": self.state,
            "hash": protocol.to_hash(self.state),
            "sizes": net.sizes,
            "features": self._feature_keys(),
            "activations": [layer.activation.name for layer in net.layers],
            "loss": net.loss.name,
            "nClasses": d.n_classes,
            "oneD": d.one_d,
            "view": d.view,
            "outputScale": d.output_scale,
            "grid": GRID,
            "uploaded": self.upload is not None,
            "playing": self.playing,
            "limits": {"layers": protocol.MAX_HIDDEN_LAYERS, "neurons": protocol.MAX_NEURONS},
        }

    def points(self):
        """The "data" message: every example (coordinates, label) by part, feature maps."""
        d = self.data
        return {
            "type": "data",
            "view": d.view,
            "featureMaps": base64.b64encode(self.feature_maps().tobytes()).decode(),
            "train": _points(d.X_train, d.labels_train, d.one_d),
            "test": _points(d.X_test, d.labels_test, d.one_d),
        }

    def explain(self, layer, unit, x1, x2):
        """Neuron ``unit`` of layer ``layer`` at the point (x1, x2), with its numbers."""
        net = self.net
        if not 1 <= layer <= net.L or not unit < net.sizes[layer]:
            raise ConfigError(f"there is no neuron {unit + 1} in layer {layer}")
        names = [protocol.FEATURES[key] for key in self._feature_keys()]
        point = np.array([[x1], [0.0 if self.data.one_d else x2]])
        A0 = datasets.features(point, names)
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            net._forward(A0)
            A_prev = net._last.A[layer - 1][:, 0]
            Z = net._last.Z[layer][:, 0]
            A = net._last.A[layer][:, 0]
        g = net.layers[layer - 1].activation
        return {
            "type": "explain",
            "layer": layer, "unit": unit, "x1": x1, "x2": x2,
            "inputs": names if layer == 1 else [f"a[{layer - 1}]_{j + 1}"
                                                for j in range(net.sizes[layer - 1])],
            "a_prev": A_prev.tolist(),
            "w": net.W[layer][unit].tolist(),
            "b": float(net.b[layer][unit, 0]),
            "z": float(Z[unit]),
            "z_all": Z.tolist() if g.name == "softmax" else None,
            "a": float(A[unit]),
            "activation": g.name,
            "formula": g.formula,
            # the explain mode's worked solution of the whole forward pass at this point
            "worked": explain.trace(net, A0).to_text(),
        }

    # ------------------------------------------------------------------ exports
    def model_bytes(self):
        """The network as a glassnet file (``glassnet.load`` opens it)."""
        from .. import io as model_io

        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "playground-model.npz")
            model_io.save(self.net, path)
            with open(path, "rb") as file:
                return file.read()

    def data_csv(self):
        """The data as CSV: x1[, x2], label, one example per line, training set first."""
        d = self.data
        columns = ["x1", "label"] if d.one_d else ["x1", "x2", "label"]
        out = io.StringIO()
        out.write(",".join(columns) + "\n")
        for X, labels in ((d.X_train, d.labels_train), (d.X_test, d.labels_test)):
            rows = [X[0]] if d.one_d else [X[0], X[1]]
            table = np.column_stack([*rows, labels])
            np.savetxt(out, table, delimiter=",", fmt="%.17g" if not d.n_classes else
                       ["%.17g"] * len(rows) + ["%d"])
        return out.getvalue()

    def snippet(self):
        """Python code that rebuilds this configuration with the library."""
        from .snippet import snippet

        return snippet(self)


# ---------------------------------------------------------------------- encoding
def quantize(values):
    """Values on [−1, 1] (clipped; NaN as 0) as uint8 0 … 255, 0 ↦ 128."""
    values = np.nan_to_num(values, nan=0.0, posinf=1.0, neginf=-1.0)
    return np.rint((np.clip(values, -1.0, 1.0) + 1.0) * 127.5).astype(np.uint8)


def pack(header, maps):
    """Binary frame: uint32 header length (little-endian), the JSON header, padding to a
    multiple of 4 bytes, then the maps' bytes."""
    text = json.dumps(header, separators=(",", ":")).encode()
    pad = (-len(text)) % 4
    return struct.pack("<I", len(text)) + text + b" " * pad + maps.tobytes()


def unpack(frame):
    """(header, maps as a flat uint8 array) of a binary frame (tests and tools use it)."""
    (n,) = struct.unpack_from("<I", frame)
    header = json.loads(frame[4:4 + n])
    start = 4 + n + (-n) % 4
    return header, np.frombuffer(frame, dtype=np.uint8, offset=start)


def _rounded(array):
    return np.round(np.asarray(array, dtype=float), 6).tolist()


def _finite_or_none(value):
    return float(value) if np.isfinite(value) else None


def _points(X, labels, one_d):
    x2 = labels if one_d else X[1]  # a 1-D data set is drawn as (x, y)
    return {"x1": _rounded(X[0]), "x2": _rounded(x2), "label": _rounded(labels)}
