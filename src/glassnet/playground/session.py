"""A playground session: one browser tab's data, network and training loop.

The session is plain, synchronous Python (the server drives it from a WebSocket): it
builds its data with ``glassnet.datasets``, its network with ``glassnet.Network`` and
trains with the library's epoch runner (``glassnet.epochs``, as ``glassnet.training``
does), so the page shows the library at work, not a copy of it. Its engine is
``engine="auto"``'s (the compiled one on small networks; ``playground.engine`` says how
the maths panel still gets the last step's backward pass). After some epochs it
draws a *frame*: one forward pass over the 100×100 grid of the view gives every neuron's
activations at once, which are sent as one byte per pixel at the size the page draws them
(``playground.wire``).

Two ways to train (the ``recipe`` setting):

* ``glassnet`` (default): a sigmoid output with cross-entropy for two classes, softmax for
  three or more (or, with ``loss=squaredError``, the same outputs with ½ squared error),
  a linear output with ½ squared error for regression; the core's default initializers
  (Xavier for tanh/sigmoid, He for the ReLU family), zero biases.
* ``tensorflow``: TensorFlow Playground's own choices, so that its loss figures can be
  compared one for one: a tanh output, targets ±1, ½ squared error, weights U(−0.5, 0.5),
  biases 0.1.

Departures from TensorFlow Playground (kept on purpose): the examples are reshuffled every
epoch and an epoch's last, smaller batch is used as it is (not carried into the next
epoch), as in ``glassnet.training``. TensorFlow's regularization rate r adds α·r·w to each
step; the notes' penalty (λ/2m)‖W‖² adds α·(λ/m)·w, so the session sets λ = r·B on its
network, B the batch size, whenever r, the kind of penalty or B changes (the last, smaller
batch of an epoch then gets λ/m_b a little above r).

The inputs are the chosen features of ``glassnet.datasets.FEATURES`` and, if the state has
one, a custom feature: a formula of x1 and x2 read by ``glassnet.expressions`` (never run
as Python), which must be a finite number on every example and over the whole view.

Data sets are in ``playground.data``, the encoding of what is sent in ``playground.wire``.
"""

import base64
import contextlib
import io
import math
import os
import tempfile
import time

import numpy as np

from .. import datasets, explain, expressions, metrics, optimizers
from .. import io as model_io
from ..compiled import check_engine_name
from ..epochs import Batches, EpochRunner
from ..errors import ConfigError, DivergenceError
from ..layers import Dense
from ..network import Network
from . import protocol, wire
from .data import RECIPES, data_name, make_data, read_upload
from .engine import engine_class
from .snippet import snippet
from .wire import GRID

#: the settings λ = r·B is made of (``Session._set_penalty``)
PENALTY_SETTINGS = ("regularization", "regularizationRate", "batchSize")
#: the stop conditions (``Session.stop_reason``)
STOP_SETTINGS = ("stopEpoch", "stopLoss", "stopScore")


def build_network(state, n_x, n_classes, parameters=None):
    """The Network a state asks for: hidden layers, output and loss, initializers."""
    tensorflow = state["recipe"] == "tensorflow"
    squared = state["loss"] == "squaredError"
    if n_classes >= 3:
        n_out, output = n_classes, "softmax"
        loss = "half_squared_error" if squared else "categorical_cross_entropy"
    elif n_classes == 2 and not tensorflow:
        n_out, output = 1, "sigmoid"
        loss = "half_squared_error" if squared else "binary_cross_entropy"
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



def _display_map(F):
    """Feature maps (k, GRID²) as uint8 on [−1, 1]: each scaled by its largest |value|
    (x1², x2² and x1·x2 reach 36 on the view)."""
    scale = np.max(np.abs(F), axis=1, keepdims=True)
    return wire.quantize(F / np.where(scale > 0, scale, 1.0))


class Session:
    """One tab's playground: state (the settings), data, network, optimizer, epoch.

    ``engine`` ("auto", "numpy" or "compiled") is the engine that trains it, as
    ``train(engine=...)``'s; the maths panel gets NumPy's numbers with either.
    """

    def __init__(self, state=None, engine="auto"):
        self.engine = check_engine_name(engine)
        self.upload = None
        self.playing = False
        self.stopped = None  # why the last training stopped by a stop condition
        self._features_2d = None  # the features a 1-D data set switched off, to restore
        self.last_step = None  # the last training step's backward pass (see explain)
        self.problems = []  # what of the asked state could not be used, and why
        self.focus = None  # the hidden neuron whose map frames carry at full size
        self._frames = wire.Encoder()  # this tab's frames, each sent as a change
        self.state = self._fit_features(state or protocol.defaults())
        try:
            self._new_data()
        except ConfigError as exc:  # a link's custom feature not finite on this data
            if not self.state["customFeature"]:
                raise
            self.problems.append(f"customFeature: {exc}")
            self.state = {**self.state, "customFeature": ""}
            self._new_data()

    # ------------------------------------------------------------------ building
    def _new_data(self):
        self.data = make_data(self.state, self.upload)
        self._new_network()

    def _fit_features(self, state):
        """The features a data set needs. A 1-D set turns off the features of x2 (x1 stays
        on if nothing is left) and remembers them; the next 2-D set turns them back on (x2
        when none were remembered), so that leaving the curve never leaves x1 alone."""
        name = data_name(state)
        one_d = self.upload[3] if name == protocol.UPLOAD else RECIPES[name].one_d
        was_one_d = getattr(self, "data", None) is not None and self.data.one_d
        features = {key: state[key] for key in protocol.FEATURES}
        if one_d:
            if any(features[key] for key in protocol.USES_X2):
                self._features_2d = features
            state = {**state, **{key: False for key in protocol.USES_X2}}
            state["x"] = state["x"] or not any(state[key] for key in protocol.FEATURES)
        elif was_one_d and not any(features[key] for key in protocol.USES_X2):
            state = {**state, **(self._features_2d or {"y": True})}
            self._features_2d = None
        return state

    def _feature_keys(self):
        keys = [key for key in protocol.FEATURES if self.state[key]]
        if not keys and not self.state["customFeature"]:
            raise ConfigError("choose at least one input feature (x1, x2, …)")
        if self.data.one_d and any(key in protocol.USES_X2 for key in keys):
            raise ConfigError("this data set has one input, x1: features of x2 are not "
                              "available")
        return keys

    def _feature_names(self):
        """The names of the network's inputs, in order: the chosen built-in features, then
        the custom feature's formula (if any)."""
        custom = self.state["customFeature"]
        return [protocol.FEATURES[key] for key in self._feature_keys()] + (
            [custom] if custom else [])

    def _custom(self):
        """The custom feature's Expression, checked on this data (or None)."""
        text = self.state["customFeature"]
        if not text:
            return None
        custom = expressions.parse(text)
        if self.data.one_d and custom.uses("x2"):
            raise ConfigError(f"this data set has one input, x1: the custom feature {text!r} "
                              "uses x2")
        return custom

    def _inputs(self, X, where="at"):
        """The network's input A[0] for raw points X (2, m): the built-in features, then
        the custom one (refused where it is not a finite number), computed from their names
        as ``glassnet predict`` computes them from an exported model's."""
        return expressions.feature_inputs(X, self._feature_names(), where)

    def _new_network(self, parameters=None):
        names = self._feature_names()
        custom = self._custom()
        d = self.data
        self.net = build_network(self.state, len(names), d.n_classes, parameters)
        self.A_train = self._inputs(d.X_train, "on a training example at")
        self._set_penalty()
        self.optimizer = optimizers.get(self.state["optimizer"])
        self._rng = np.random.default_rng(self.state["initSeed"])
        g, classes = self.net.output_activation, range(d.n_classes) if d.n_classes else None
        self.A_test = self._inputs(d.X_test, "on a test example at")
        self.Y_train = datasets.targets(d.labels_train, g, classes)
        self.Y_test = datasets.targets(d.labels_test, g, classes)
        (x_lo, x_hi), (y_lo, y_hi) = d.view
        self._runner = None  # the epoch runner, made by the first epoch
        self.last_step = None
        x1, x2 = np.meshgrid(np.linspace(x_lo, x_hi, GRID), np.linspace(y_hi, y_lo, GRID))
        if d.one_d:
            x2 = np.zeros_like(x2)
        self._grid = np.vstack([x1.ravel(), x2.ravel()])  # row 0 of the map is the top
        self._grid_features = self._inputs(self._grid, "in the view, at")
        self._custom_map = None if custom is None else self._grid_features[-1:]
        if parameters is None:
            self.epoch = 0
            self.stopped = None

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
        if self.data.one_d and data_name(new) == data_name(old) and any(
                new[key] and not old[key] for key in protocol.USES_X2):
            raise ConfigError("this data set has one input, x1: features of x2 are not "
                              "available")
        with self._all_or_nothing():
            if self.upload is not None and data_name(new) != protocol.UPLOAD:
                self.upload = None  # another data set chosen: the uploaded one is let go
                for key in ("dataset", "regDataset"):
                    if new[key] == protocol.UPLOAD:
                        new[key] = protocol.SETTINGS[key].default
            self.state = new = self._fit_features(new)
            if any(new[key] != old[key] for key in STOP_SETTINGS):
                self.stopped = None  # what stopped the training is no longer the condition
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
                # before any training the page shows the link's starting weights: draw
                # the new activations' ones (as the link does); later, training goes on
                self._new_network(parameters=None if self.epoch == 0 else
                                  self.net.parameters.copy())
            if self.state["optimizer"] != old["optimizer"]:
                self.optimizer = optimizers.get(self.state["optimizer"])
            if any(self.state[key] != old[key] for key in PENALTY_SETTINGS):
                self._set_penalty()

    def batch_size(self):
        """B: the state's batch size, at most the m training examples."""
        return min(self.state["batchSize"], self.A_train.shape[1])

    def _set_penalty(self):
        """λ₁ or λ₂ of the network from the state's rate r: λ = r·B (module docstring)."""
        kind, rate = self.state["regularization"], self.state["regularizationRate"]
        B = self.batch_size()
        self.net.l1 = rate * B if kind == "L1" else 0.0
        self.net.l2 = rate * B if kind == "L2" else 0.0

    def regenerate(self):
        """New data from a new seed; the network and its training go on (as TensorFlow)."""
        with self._all_or_nothing():  # the custom feature may not be finite on the new data
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
            # the other problem type's key goes back to its default: picking that type
            # then trains on its own data set, not on this table
            key, other = ("dataset", "regDataset") if classes else ("regDataset", "dataset")
            self.state = self._fit_features({
                **self.state, "problem": "classification" if classes else "regression",
                key: protocol.UPLOAD, other: protocol.SETTINGS[other].default})
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
        self._runner = None  # the divergence rule starts from the edited network

    # ------------------------------------------------------------------ training
    def _epoch_runner(self):
        """The runner of this network's epochs, with the state's batch size.

        It is built again when the network, the data or the batch size changed (or a
        weight was edited); the batch order comes from the session's generator, drawn on
        from epoch to epoch. Its epochs are numbered on from the session's. Its engine is
        changed, the runner kept, when another one is now chosen (the compiled one once
        the warm-up has compiled it): the engines share the optimizer's state.
        """
        B = self.batch_size()
        engine = engine_class(self.engine, self.net, self.optimizer, B)
        if self._runner is None or self._runner.batches.batch_size != B:
            self._runner = EpochRunner(self.net, self.A_train, self.Y_train,
                                       Batches(B, shuffle=True, seed=self._rng), engine)
            self._runner.epoch = self.epoch
            self._runner.watch.best_epoch = self.epoch + 1
        elif type(self._runner.engine) is not engine:
            self._runner.engine = engine(self.net, self.A_train, self.Y_train, B)
        return self._runner

    def train(self, epochs, seconds=math.inf):
        """Run up to ``epochs`` epochs, or fewer when ``seconds`` have passed.

        Raises ``DivergenceError`` (and pauses) when training diverges
        (``glassnet.divergence``: parameters or cost not finite, or a cost grown far
        beyond where it started); the runner has put back the parameters of the epoch
        with the lowest cost so far (``advice`` says what to do on the page).
        """
        runner = self._epoch_runner()
        deadline = time.perf_counter() + seconds
        done = 0
        # NumPy's last step is in the network's caches, which the stop conditions' forward
        # passes overwrite: then it is kept after each epoch, else once at the end
        each_epoch = runner.engine.from_caches and bool(self.state["stopLoss"]
                                                        or self.state["stopScore"])
        try:
            while done < epochs:  # epochs may be math.inf: then only ``seconds`` ends the run
                # learningRate is the wire's (TensorFlow's) name of learning_rate, α
                runner.run_epoch(self.optimizer, self.state["learningRate"])
                self.epoch += 1
                done += 1
                if each_epoch:
                    self._keep_last_step()  # before the scores' forward passes
                self.stopped = self.stop_reason()
                if self.stopped:
                    self.playing = False
                    break
                if time.perf_counter() >= deadline:
                    break
        except DivergenceError:
            self.playing = False
            self.last_step = None
            raise
        if not each_epoch:
            self._keep_last_step()

    def _keep_last_step(self):
        """Keep the last step's backward pass for the maths panel
        (``playground.engine.backward_pass``), from the runner's engine."""
        runner = self._runner
        self.last_step = runner.engine.last_step(runner.start) or self.last_step

    def dead(self):
        """Text naming a dead network, or None: a hidden layer whose every unit has
        g'(z) = 0 on every training example (ReLU units all at z ≤ 0) passes no gradient
        back and outputs a constant, so training can no longer change the output."""
        net = self.net
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            net.forward_unchecked(self.A_train)
            for l in range(1, net.L):
                g = net.layers[l - 1].activation
                if not np.any(g.derivative(net.Z[l], net.A[l])):
                    return (f"the network is dead at epoch {self.epoch}: every unit of hidden "
                            f"layer {l} ({g.name}) has g'(z) = 0 on every training example, "
                            "so no gradient flows back through it and its output is the same "
                            "for every input. Training is paused: press Reset (or New "
                            "weights), and choose a smaller learning rate.")
        return None

    def play(self):
        """Play, unless a stop condition is met already: then stay paused, with
        ``stopped`` naming it (training at most stops there again; changing or clearing the
        condition, or Reset, lets Play train). Returns whether the session plays."""
        reason = self.stop_reason()
        if reason:
            self.stopped = (f"{reason}; Play trains on once the condition is changed or "
                            "cleared, or after Reset")
        else:
            self.stopped = None
        self.playing = reason is None
        return self.playing

    def stop_reason(self):
        """Why training stops now (a stop condition of the state is met), or None. (Its
        forward passes overwrite the network's caches of the last step.)"""
        state = self.state
        if state["stopEpoch"] and self.epoch >= state["stopEpoch"]:
            return f"stopped at epoch {self.epoch} (stopEpoch={state['stopEpoch']})"
        if not (state["stopLoss"] or state["stopScore"]):
            return None
        scores = self.scores()
        loss = scores["testLoss"]
        if state["stopLoss"] and loss is not None and loss <= state["stopLoss"]:
            return f"stopped: test loss {loss:.4g} <= {state['stopLoss']:g}"
        score, name = scores["testAccuracy"], "test accuracy"
        if score is None:
            score, name = scores["testR2"], "test R²"
        if state["stopScore"] and score is not None and score >= state["stopScore"]:
            return f"stopped: {name} {score:.4g} >= {state['stopScore']:g}"
        return None

    def advice(self):
        """What to do on the page after a divergence (the server adds it to the message)."""
        smaller = [r for r in protocol.LEARNING_RATES if r < self.state["learningRate"]]
        choose = f": choose a learning rate of {smaller[-1]:g} or less" if smaller else ""
        return f"Training is paused{choose}, add L2 regularization, or press Reset."

    # ------------------------------------------------------------------ what the page sees
    def scores(self):
        """Training and test loss (without the penalty, as TensorFlow shows), and accuracy
        for classification or R² for regression (the other is None)."""
        net = self.net
        out = {}
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            for part, A0, Y in (("train", self.A_train, self.Y_train),
                                ("test", self.A_test, self.Y_test)):
                A = net.forward_unchecked(A0)
                out[f"{part}Loss"] = wire.finite_or_none(net.loss.cost(A, Y))
                out[f"{part}Accuracy"] = out[f"{part}R2"] = None
                if self.data.n_classes:
                    threshold = metrics.threshold_for(net.output_activation)
                    out[f"{part}Accuracy"] = metrics.accuracy(A, Y, threshold)
                else:
                    out[f"{part}R2"] = wire.finite_or_none(metrics.r2(A, Y))
        return out

    def _grid_values(self):
        """Every neuron's values over the grid on the page's scale, (neurons, GRID, GRID).

        One forward pass over the grid gives A[l] for all layers at once. Hidden values
        are clipped to [−1, 1] later (TensorFlow's colour scale); outputs are put on that
        scale: 2a − 1 for probabilities, a / output_scale for regression.
        """
        net = self.net
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            net.forward_unchecked(self._grid_features)
            A = [net.A[l] for l in range(1, net.L + 1)]
            out = A[-1]
            name = net.output_activation.name
            if name in ("sigmoid", "softmax"):
                A[-1] = 2.0 * out - 1.0
            elif name == "linear":
                A[-1] = out / self.data.output_scale
            return np.vstack(A).reshape(-1, GRID, GRID)

    def maps(self):
        """Every neuron's map at full size, layer by layer: uint8, (neurons, GRID²)."""
        return wire.quantize(self._grid_values()).reshape(-1, GRID * GRID)

    def set_focus(self, layer, unit):
        """Show hidden neuron ``unit`` of layer ``layer`` large: frames carry its map at
        full size (layer None: none; the output layer's maps are always at full size)."""
        net = self.net
        if layer is not None and not (1 <= layer <= net.L and unit < net.sizes[layer]):
            raise ConfigError(f"there is no neuron {unit + 1} in layer {layer}")
        self.focus = None if layer is None or layer == net.L else (layer, unit)

    def _focus(self):
        """The focus, if this network has that hidden neuron (the network may have changed)."""
        if self.focus is None:
            return None
        layer, unit = self.focus
        return self.focus if layer < self.net.L and unit < self.net.sizes[layer] else None

    def _frame_maps(self):
        """A frame's maps, in the wire's order: every neuron's small map, the output layer's
        maps at full size, the focus neuron's map at full size."""
        V, sizes = self._grid_values(), self.net.sizes
        parts = [V[:, ::wire.THUMB_STEP, ::wire.THUMB_STEP], V[-sizes[-1]:]]
        focus = self._focus()
        if focus is not None:
            parts.append(V[sum(sizes[1:focus[0]]) + focus[1]])
        return wire.quantize(np.concatenate([part.ravel() for part in parts]))

    def feature_maps(self):
        """The seven input features' maps over the view (those of x2 are 0 for 1-D data)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return _display_map(datasets.features(self._grid, list(protocol.FEATURES.values())))

    def frame(self):
        """The binary frame: a JSON header and the maps (``playground.wire``): the change
        since this tab's last frame, or all of them when the list of maps changed."""
        net, focus = self.net, self._focus()
        header = {
            "type": "frame",
            "epoch": self.epoch,
            "playing": self.playing,
            "stopped": self.stopped,
            **self.scores(),
            "W": [wire.rounded(net.W[l]) for l in range(1, net.L + 1)],
            "b": [wire.rounded(net.b[l][:, 0]) for l in range(1, net.L + 1)],
            "focus": None if focus is None else list(focus),
        }
        return self._frames.pack(header, (tuple(net.sizes), focus), self._frame_maps())

    def describe(self):
        """The "state" message: settings, hash, network layout, view and feature maps."""
        d, net = self.data, self.net
        return {
            "type": "state",
            "state": self.state,
            "hash": protocol.to_hash(self.state),
            "sizes": net.sizes,
            # the keys of the features fed in ("custom" for the custom feature)
            "features": self._feature_keys() + (["custom"] if self._custom_map is not None
                                                else []),
            "activations": [layer.activation.name for layer in net.layers],
            "loss": net.loss.name,
            "nClasses": d.n_classes,
            "oneD": d.one_d,
            "view": d.view,
            "outputScale": d.output_scale,
            "grid": GRID,
            "thumb": wire.THUMB,
            "uploaded": self.upload is not None,
            "playing": self.playing,
            "limits": dict(zip(("layers", "neurons"), protocol.LIMITS[self.state["limits"]],
                               strict=True)),
            # the custom feature's map, scaled to [−1, 1] as the others (base64 uint8)
            "customMap": None if self._custom_map is None else base64.b64encode(
                _display_map(self._custom_map).tobytes()).decode(),
        }

    def points(self):
        """The "data" message: every example (coordinates, label) by part, feature maps."""
        d = self.data
        return {
            "type": "data",
            "view": d.view,
            "featureMaps": base64.b64encode(self.feature_maps().tobytes()).decode(),
            "train": wire.points(d.X_train, d.labels_train, d.one_d),
            "test": wire.points(d.X_test, d.labels_test, d.one_d),
        }

    def explain(self, layer, unit, x1, x2):
        """Neuron ``unit`` of layer ``layer`` at the point (x1, x2), with its numbers."""
        net = self.net
        if not 1 <= layer <= net.L or not unit < net.sizes[layer]:
            raise ConfigError(f"there is no neuron {unit + 1} in layer {layer}")
        names = self._feature_names()
        point = np.array([[x1], [0.0 if self.data.one_d else x2]])
        A0 = self._inputs(point)
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            net.forward_unchecked(A0)
            A_prev = net.A[layer - 1][:, 0]
            Z = net.Z[layer][:, 0]
            A = net.A[layer][:, 0]
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
            "backward": self._backward_of(layer, unit),
        }

    def _backward_of(self, l, i):
        """Neuron i of layer l in the last training step (None before the first): on each
        of that minibatch's m examples its dA and dZ, and the inputs A[l−1]; its row of
        dW[l] and its db[l], exactly as the network computed them."""
        step = self.last_step
        if step is None:
            return None
        dA = step["dA"][l]
        return {"m": step["m"], "a_prev": wire.exact(step["A"][l - 1]),
                "dA": None if dA is None else wire.exact(dA[i]),
                "dZ": wire.exact(step["dZ"][l][i]), "dW": wire.exact(step["dW"][l][i]),
                "db": wire.exact(step["db"][l][i, 0]),
                "penalty": bool(self.net.l1 or self.net.l2)}

    # ------------------------------------------------------------------ exports
    def model_bytes(self):
        """The network as a glassnet file (``glassnet.load`` opens it); its metadata also
        lists the input features by name, a custom one as its formula (``features``), and
        the raw columns x1[, x2] they are computed from (``inputs``: 1 or 2), for
        ``glassnet predict``."""
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "playground-model.npz")
            model_io.write_archive(path, "network", {
                **self.net.config(), "features": self._feature_names(),
                "inputs": 1 if self.data.one_d else 2}, {"parameters": self.net.parameters})
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
        return snippet(self)
