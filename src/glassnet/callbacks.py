"""Callbacks: code that training runs after every epoch, as Keras' callbacks.

A callback is a ``Callback`` (its ``on_train_begin(run)``, ``on_epoch_end(run, epoch,
logs)`` and ``on_train_end(run)`` are called) or a plain function ``f(epoch, history)``
called after every epoch. ``epoch`` counts from 1 within the call to ``fit``; ``logs`` is
the epoch's scores under the notes' names and Keras' (``{"cost": …, "loss": …, "val_cost":
…, "val_loss": …, "accuracy": …}``); ``run`` gives the network (``run.net``), the history
(``run.history``) and the parameters at the start of the epoch (``run.start``).
Returning True (or setting ``run.stop = True``) ends training after this epoch.

* ``EarlyStopping``: stop when a monitored score stopped improving, keep the best parameters.
* ``ModelCheckpoint``: save the network to a glassnet file (``glassnet.save``, atomic).
* ``CSVLogger``: one line per epoch in a CSV file.
"""

import csv
import math
import os
from collections.abc import Callable
from typing import Any

import numpy as np

from .errors import ConfigError
from .history import KERAS_NAMES
from .validation import check_non_negative, check_positive_int

_NOTES_NAMES = {keras: notes for notes, keras in KERAS_NAMES.items()}


class Callback:
    """Does nothing at every point of training; subclasses override what they need."""

    def on_train_begin(self, run: Any) -> None:
        """Before the first epoch."""

    def on_epoch_end(self, run: Any, epoch: int, logs: dict[str, float]) -> bool | None:
        """After each epoch; return True to stop training."""

    def on_train_end(self, run: Any) -> None:
        """After the last epoch (also when training stopped early; not after an error)."""


class FunctionCallback(Callback):
    """A plain function ``f(epoch, history)`` run after every epoch; True stops."""

    def __init__(self, function: Callable[[int, Any], Any]) -> None:
        self.function = function

    def on_epoch_end(self, run: Any, epoch: int, logs: dict[str, float]) -> bool | None:
        return self.function(epoch, run.history)


def as_callbacks(callbacks: Any) -> list[Callback]:
    """The list of Callback objects ``callbacks`` names (Callbacks and functions)."""
    if callbacks is None:
        return []
    items = [callbacks] if callable(callbacks) or isinstance(callbacks, Callback) else callbacks
    try:
        items = list(items)
    except TypeError:
        raise ConfigError(f"callbacks must be a list of Callback objects or functions "
                          f"f(epoch, history), got {callbacks!r}") from None
    out = []
    for item in items:
        if isinstance(item, Callback):
            out.append(item)
        elif callable(item):
            out.append(FunctionCallback(item))
        else:
            raise ConfigError(f"a callback must be a Callback object or a function "
                              f"f(epoch, history), got {item!r}")
    return out


def _monitored(monitor):
    """The notes' key of a monitored score named either way ("val_loss" is "val_cost")."""
    if not isinstance(monitor, str):
        raise ConfigError(f"monitor must name a score such as 'val_cost', got {monitor!r}")
    return _NOTES_NAMES.get(monitor, monitor)


def _read(logs, key):
    if key not in logs:
        raise ConfigError(f"the monitored score {key!r} is not recorded; recorded are: "
                          f"{', '.join(logs)} (val_ scores need validation data)")
    return logs[key]


def _lower_is_better(key):
    """Costs improve downwards, metrics (accuracy, R²) upwards."""
    return key.removeprefix("val_") == "cost"


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience``
    epochs in a row; with ``restore_best_weights``, end with the best parameters seen.

    ``monitor`` is a recorded score: "val_cost" (Keras' "val_loss", the default), "cost",
    or a metric. As in Keras, an improvement is a change beyond ``min_delta`` in the
    score's better direction (down for a cost, up for accuracy and R²).

    Departure from Keras, on purpose: the training cost of an epoch is taken *during* it
    (each minibatch before its step), so it belongs to the parameters the epoch started
    with, not to those it ended with; when "cost" is monitored, the parameters kept are
    those at the epoch's start. So with batch descent the restored network's cost is
    exactly ``history.cost[history.best_epoch]`` (the parameters at the end of epoch
    ``best_epoch`` are those epoch ``best_epoch + 1`` started with), and with "val_cost"
    it is exactly ``history["val_cost"][history.best_epoch - 1]``.
    """

    def __init__(self, monitor: str = "val_cost", min_delta: float = 0.0, patience: int = 0,
                 restore_best_weights: bool = False) -> None:
        self.monitor = _monitored(monitor)
        self.min_delta = check_non_negative(min_delta, "min_delta")
        self.patience = check_positive_int(patience, "patience", minimum=0)
        self.restore_best_weights = bool(restore_best_weights)

    def on_train_begin(self, run: Any) -> None:
        self.best, self.best_parameters, self.wait = None, None, 0
        self.sign = 1.0 if _lower_is_better(self.monitor) else -1.0

    def on_epoch_end(self, run: Any, epoch: int, logs: dict[str, float]) -> bool | None:
        score = self.sign * _read(logs, self.monitor)
        if self.best is None or score < self.best - self.min_delta:
            self.best, self.wait = score, 0
            at_start = self.monitor == "cost"  # see the class docstring
            run.history.best_epoch = epoch - 1 if at_start else epoch
            source = run.start if at_start else run.net.parameters
            if self.best_parameters is None:
                self.best_parameters = source.copy()
            else:
                np.copyto(self.best_parameters, source)
            return False
        self.wait += 1
        if self.wait >= self.patience:
            run.history.stopped_early = True
            return True
        return False

    def on_train_end(self, run: Any) -> None:
        if self.restore_best_weights and self.best_parameters is not None:
            np.copyto(run.net.parameters, self.best_parameters)


class ModelCheckpoint(Callback):
    """Save the network to ``path`` (a glassnet file, written atomically by
    ``glassnet.save``) after every epoch, or with ``save_best_only`` only when ``monitor``
    improved. ``path`` may hold ``{epoch}``, filled in with the epoch's number."""

    def __init__(self, path: str | os.PathLike, monitor: str = "val_cost",
                 save_best_only: bool = False) -> None:
        self.path = path
        self.monitor = _monitored(monitor)
        self.save_best_only = bool(save_best_only)

    def on_train_begin(self, run: Any) -> None:
        self.best = math.inf

    def on_epoch_end(self, run: Any, epoch: int, logs: dict[str, float]) -> bool | None:
        from .io import save

        if self.save_best_only:
            sign = 1.0 if _lower_is_better(self.monitor) else -1.0
            score = sign * _read(logs, self.monitor)
            if not score < self.best:
                return False
            self.best = score
        save(run.net, str(self.path).replace("{epoch}", str(epoch)))
        return False


class CSVLogger(Callback):
    """Write one line per epoch to the CSV file ``path``: the epoch (from 1) and the
    epoch's scores under Keras' names (``loss``, ``val_loss``, metrics), as Keras'
    CSVLogger does; with ``append`` the lines go after those already in the file."""

    def __init__(self, path: str | os.PathLike, separator: str = ",",
                 append: bool = False) -> None:
        self.path, self.separator, self.append = path, separator, bool(append)

    def on_train_begin(self, run: Any) -> None:
        self._header = not (self.append and os.path.exists(self.path)
                            and os.path.getsize(self.path))
        if self._header:
            self._open("w").close()  # a new log, even if no epoch follows

    def on_epoch_end(self, run: Any, epoch: int, logs: dict[str, float]) -> bool | None:
        # the file is opened per line, so that nothing is left open if training fails
        row = {"epoch": epoch, **{key: value for key, value in logs.items()
                                  if key not in KERAS_NAMES}}
        with self._open("a") as file:
            writer = csv.DictWriter(file, fieldnames=list(row), delimiter=self.separator)
            if self._header:
                writer.writeheader()
                self._header = False
            writer.writerow(row)
        return False

    def _open(self, mode):
        try:
            return open(self.path, mode, newline="", encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot write the CSV log {self.path}: {exc.strerror}") from None
