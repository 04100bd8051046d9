"""Training: epochs of gradient descent, with validation, metrics, callbacks and a history.

``train(net, X, Y, ...)`` runs epochs of the epoch runner (``glassnet.epochs``: the
minibatches, the steps, the divergence guard) with the rate α the schedule gives each
epoch; after each epoch it scores the network on the validation data, records the scores
in a ``History`` and calls the callbacks (``glassnet.callbacks``), any of which may stop
it. The strategies are passed in, as joelnet's ``train`` takes its batch iterator: the
batch iterator (``batches=Batches(batch_size, shuffle, seed)``), the epoch engine
(``engine=``), the optimizer, the schedule, the callbacks.

``Network.fit`` is the same training, Keras-style, and continues where the last ``fit``
on the same network stopped (``FitState``).
"""

from __future__ import annotations

import reprlib
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from . import compiled, optimizers, schedules, warmup
from .callbacks import Callback, EarlyStopping, as_callbacks
from .epochs import Batches, EpochRunner, NumpyEngine, generator
from .errors import ConfigError, DivergenceError, ShapeError
from .history import History
from .metrics import check_metrics, metric_value, threshold_for
from .validation import (
    check_learning_rate,
    check_non_negative,
    check_positive_int,
    check_X,
    check_Y,
)

if TYPE_CHECKING:
    from .network import Network

__all__ = ["History", "train", "FitState", "split_validation"]


class Run:
    """What callbacks see of a run: the network, its history, the runner's epoch start."""

    def __init__(self, net, history, runner):
        self.net, self.history, self._runner = net, history, runner
        self.stop = False

    @property
    def start(self):
        """The parameters at the start of the last epoch."""
        return self._runner.start


def train(net: Network, X: ArrayLike, Y: ArrayLike, *, epochs: int = 100,
          learning_rate: float | None = None, optimizer: Any = "sgd", schedule: Any = "constant",
          batches: Batches | None = None, engine: str | type = "numpy", watch: Any = None,
          validation_data: tuple[ArrayLike, ArrayLike] | None = None,
          metrics: str | Sequence[str] = (), callbacks: Sequence[Any] = (),
          progress: bool | None = None, first_epoch: int = 0, **settings: Any) -> History:
    """Train ``net`` on X (n_x, m) and Y (n[L], m) by gradient descent; return a History.

    ``optimizer`` is a name (sgd, momentum, classic_momentum, rmsprop, adam), a settings
    dict or an Optimizer (which keeps its running averages); ``learning_rate`` is α₀ (the
    optimizer's usual rate when None); ``schedule`` gives α of each epoch, counted from
    ``first_epoch``. ``batches`` is the batch iterator (``glassnet.epochs.Batches``; the
    default is batch gradient descent), ``engine`` the class that runs an epoch's steps or
    its name: "numpy" (``NumpyEngine``, the default), "compiled" (the notes' per-example
    loop compiled by Numba, ``glassnet.compiled``; the `fast` extra) or "auto" (the
    compiled one where it is faster: small steps, ``glassnet.compiled.AUTO_MAX_WORK``),
    ``watch`` the divergence rule (``glassnet.divergence``; None: the full rule).
    ``metrics`` may hold "accuracy" and "r2"; ``validation_data`` is (X_val, Y_val);
    ``callbacks`` a list of ``glassnet.callbacks`` objects and functions f(epoch, history).

    ``settings`` are the shortcuts for strategies: ``batch_size``, ``shuffle`` and
    ``seed`` build the Batches; ``early_stopping=True`` with ``patience`` (10), ``tol``
    (1e-4) and ``restore_best`` (True) adds an EarlyStopping on the validation cost (the
    training cost without validation data); ``callback`` is one more function callback.
    The regularization rates λ₁ and λ₂ are the network's alone (``Network(..., l2=...)``
    or ``net.l2 = ...``): ``l1=``/``l2=`` here are refused.
    """
    X = check_X(X, net.n_x, net.dtype)
    Y = check_Y(Y, net.sizes[-1], X.shape[1], net.dtype, net.loss)
    epochs = check_positive_int(epochs, "epochs", minimum=0)
    first_epoch = check_positive_int(first_epoch, "first_epoch", minimum=0)
    optimizer = optimizers.get(optimizer)
    learning_rate = check_learning_rate(
        optimizer.default_learning_rate if learning_rate is None else learning_rate)
    schedule = schedules.get(schedule)
    batches, callbacks = _shortcuts(batches, as_callbacks(callbacks), settings,
                                    validation_data is not None)
    scores = _Scores(net, X, Y, validation_data, metrics)
    engine = compiled.engine_for(engine, net, optimizer, NumpyEngine, batches.size(X.shape[1]),
                                 warmup.ready)

    runner = EpochRunner(net, X, Y, batches, engine, watch)
    run = Run(net, History(), runner)
    bar = _progress_bar(epochs, progress)
    started = time.perf_counter()
    for callback in callbacks:
        callback.on_train_begin(run)
    try:
        for epoch in range(1, epochs + 1):
            cost = runner.run_epoch(optimizer, schedule.rate(learning_rate,
                                                             first_epoch + epoch - 1))
            run.history.add(scores.after_epoch(cost))
            logs = run.history.last()
            if bar is not None:
                bar.update(1)
                bar.set_postfix({key: f"{value:.4g}" for key, value in logs.items()
                                 if key not in ("loss", "val_loss")})
            stops = [bool(callback.on_epoch_end(run, epoch, logs)) for callback in callbacks]
            if any(stops) or run.stop:
                break
    except DivergenceError as error:
        error.history = run.history
        raise
    finally:
        if bar is not None:
            bar.close()
        run.history.seconds = time.perf_counter() - started
    for callback in callbacks:
        callback.on_train_end(run)
    return run.history


_SHORTCUTS = ("batch_size", "shuffle", "seed", "early_stopping", "patience", "tol",
              "restore_best", "callback")


#: the settings that belong to the network, refused by train() and fit()
_NETWORK_SETTINGS = {"l1": "the L1 rate λ₁", "l2": "the L2 rate λ₂"}


def _shortcuts(batches, callbacks, settings, has_validation):
    """The strategies the shortcut settings stand for (see ``train``)."""
    for key, name in _NETWORK_SETTINGS.items():
        if key in settings:
            value = reprlib.repr(settings[key])
            raise ConfigError(f"{key}= ({name}) is a setting of the network, not of "
                              f"training: set it on the network, as Network(..., "
                              f"{key}={value}) or net.{key} = {value}, then train")
    unknown = sorted(set(settings) - set(_SHORTCUTS))
    if unknown:
        raise ConfigError(f"train() got unknown settings: {', '.join(unknown)}")
    batch_keys = {"batch_size", "shuffle", "seed"} & set(settings)
    if batches is not None and batch_keys:
        raise ConfigError(f"give either batches= or {', '.join(sorted(batch_keys))}, not both")
    if batches is None:
        batches = Batches(settings.get("batch_size"), settings.get("shuffle", True),
                          settings.get("seed"))
    if settings.get("early_stopping"):
        callbacks = [*callbacks, EarlyStopping(
            monitor="val_cost" if has_validation else "cost",
            min_delta=settings.get("tol", 1e-4), patience=settings.get("patience", 10),
            restore_best_weights=settings.get("restore_best", True))]
    else:
        check_positive_int(settings.get("patience", 10), "patience")
        check_non_negative(settings.get("tol", 1e-4), "tol")
    if settings.get("callback") is not None:
        callbacks = [*callbacks, *as_callbacks([settings["callback"]])]
    return batches, callbacks


class _Scores:
    """An epoch's scores: its cost, the metrics on the training data, the validation ones."""

    def __init__(self, net, X, Y, validation_data, metrics):
        self.net, self.X, self.Y = net, X, Y
        self.names = check_metrics(metrics)
        self.validation = None if validation_data is None else _validation(net,
                                                                            validation_data)
        self.threshold = threshold_for(net.output_activation)

    def after_epoch(self, cost):
        out = {"cost": cost}
        if not self.names and self.validation is None:
            return out
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            if self.names:
                A = self.net.predict_unchecked(self.X)  # a chunk at a time: no cache of all m
                out.update(self._metrics(A, self.Y))
            if self.validation is not None:
                X_val, Y_val = self.validation
                A = self.net.predict_unchecked(X_val)
                out["val_cost"] = self.net.cost_of_output(A, Y_val)
                out.update({f"val_{k}": v for k, v in self._metrics(A, Y_val).items()})
        return out

    def _metrics(self, A, Y):
        return {name: metric_value(name, A, Y, self.threshold) for name in self.names}


def _validation(net, validation_data):
    """(X_val, Y_val) checked, from a pair of arrays."""
    if isinstance(validation_data, (str, bytes)) or not hasattr(validation_data, "__len__") \
            or len(validation_data) != 2:
        raise ShapeError("validation_data must be a pair (X_val, Y_val) with X_val of shape "
                         "(n_x, m_val) and Y_val of shape (n[L], m_val)")
    X_val = check_X(validation_data[0], net.n_x, net.dtype)
    return X_val, check_Y(validation_data[1], net.sizes[-1], X_val.shape[1], net.dtype,
                          net.loss)


def split_validation(X: ArrayLike, Y: ArrayLike, fraction: float
                     ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """(X, Y) and (X_val, Y_val): the last ``fraction`` of the m columns held out, before
    any shuffling, as Keras' ``validation_split`` (m_val = m − ⌊m·(1 − fraction)⌋)."""
    if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) \
            or not 0 < fraction < 1:
        raise ConfigError(f"validation_split must be a fraction in (0, 1), got {fraction!r}")
    X, Y = np.asarray(X), np.asarray(Y)
    if X.ndim != 2 or Y.ndim not in (1, 2):
        raise ShapeError(f"validation_split needs X of shape (n_x, m), got shape {X.shape}")
    Y2 = Y.reshape(1, -1) if Y.ndim == 1 else Y
    m = X.shape[1]
    split_at = int(np.floor(m * (1.0 - fraction)))
    if split_at < 1 or split_at == m:
        raise ConfigError(f"validation_split = {fraction:g} of m = {m} examples leaves "
                          f"{'no training' if split_at < 1 else 'no validation'} examples")
    return (X[:, :split_at], Y2[:, :split_at]), (X[:, split_at:], Y2[:, split_at:])


def _progress_bar(epochs, progress):
    """A tqdm bar when ``progress`` is True, or when it is None and stderr is a terminal."""
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=epochs, unit="epoch", leave=True)


class FitState:
    """What a later ``net.fit`` continues: the optimizer (with its running averages), the
    epochs run so far (the schedule's position) and the shuffling generator.

    ``Network.fit`` keeps one in ``net.fit_state``; ``fit(..., fresh_start=True)`` starts
    a new one. It lives in memory only: a saved and loaded network starts fresh.
    """

    def __init__(self, seed: Any) -> None:
        self.seed = seed
        self.rng = generator(seed)
        self.optimizer: optimizers.Optimizer | None = None
        self.epochs = 0

    def optimizer_for(self, spec: Any) -> optimizers.Optimizer:
        """The optimizer ``spec`` names: the kept one when it names the same optimizer with
        the same settings (so Adam's moments go on), else a new one (kept from now on)."""
        wanted = optimizers.get(spec)  # an Optimizer given is itself
        if wanted is spec or self.optimizer is None or wanted != self.optimizer:
            self.optimizer = wanted
        return self.optimizer

    def batches(self, batch_size: int | None, shuffle: bool, seed: Any) -> Batches:
        """The batch iterator: the kept generator goes on unless a new ``seed`` is given."""
        if seed is not None and not isinstance(seed, np.random.Generator) and seed != self.seed:
            self.seed, self.rng = seed, generator(seed)
        elif isinstance(seed, np.random.Generator):
            self.seed, self.rng = None, seed
        return Batches(batch_size, shuffle, self.rng)


class _CountEpochs(Callback):
    """A callback counting the epochs of a fit into its FitState (the schedule's position)."""

    def __init__(self, state):
        self.state = state

    def on_epoch_end(self, run, epoch, logs):
        self.state.epochs += 1
        return False


def fit(net, X, Y, *, epochs, learning_rate, optimizer, batch_size, shuffle, seed, schedule,
        validation_data, validation_split, metrics, callbacks, progress, fresh_start,
        **settings):
    """``Network.fit``: see its docstring (which has the defaults)."""
    if validation_split is not None:
        split = split_validation(X, Y, validation_split)
        if validation_data is None:  # as in Keras, validation_data overrides the split
            (X, Y), validation_data = split
    state = None if fresh_start else getattr(net, "fit_state", None)
    if state is None:
        state = net.fit_state = FitState(seed)  # a bad seed is refused before it is kept
    batches = state.batches(batch_size, shuffle, seed)  # before the optimizer is replaced
    return train(net, X, Y, epochs=epochs, learning_rate=learning_rate,
                 optimizer=state.optimizer_for(optimizer), schedule=schedule, batches=batches,
                 validation_data=validation_data, metrics=metrics,
                 callbacks=[*as_callbacks(callbacks), _CountEpochs(state)], progress=progress,
                 first_epoch=state.epochs, **settings)
