"""Training: gradient descent over epochs, minibatches, a history, and the safeguards.

One epoch visits every example once. With ``batch_size=None`` each epoch is one step on
all m examples (batch gradient descent, the notes' loop); with a batch size B the examples
are reshuffled every epoch and cut into ⌈m/B⌉ minibatches, the last one smaller when B
does not divide m (it is used, not dropped or carried over). Each step is

    forward on the batch → cost J → backward → optimizer step with the epoch's rate α.

The cost recorded for an epoch is the mean of its minibatch costs, each taken before its
own step (as scikit-learn's ``loss_curve_`` and Keras do); with batch descent it is exactly
J of the parameters the epoch started with.

Safeguards: a cost that turns NaN or infinite stops training with a ``DivergenceError``
naming the epoch and suggesting a smaller learning rate, and the parameters are put back
as they were at the start of that epoch; so does any exception or Ctrl-C during an epoch.
"""

import sys
import time

import numpy as np

from . import metrics as metrics_module
from . import optimizers, regularization, schedules
from .errors import ConfigError, DivergenceError
from .validation import (
    check_learning_rate,
    check_non_negative,
    check_positive_int,
    check_X,
    check_Y,
)


class History:
    """What training recorded, epoch by epoch.

    ``history["cost"]`` (also ``history.cost``) is the training cost per epoch; with
    validation data ``history["val_cost"]``; each requested metric adds ``history[name]``
    and ``history["val_" + name]``. ``epochs`` is how many epochs ran, ``stopped_early``
    whether the plateau rule ended training, ``best_epoch`` the epoch (from 1) with the
    lowest monitored cost.
    """

    def __init__(self):
        self.records = {"cost": []}
        self.epochs = 0
        self.stopped_early = False
        self.best_epoch = None
        self.seconds = 0.0

    def __getitem__(self, key):
        return self.records[key]

    def __contains__(self, key):
        return key in self.records

    def keys(self):
        return self.records.keys()

    @property
    def cost(self):
        return self.records["cost"]

    def add(self, key, value):
        self.records.setdefault(key, []).append(value)

    def __repr__(self):
        last = {k: round(v[-1], 6) for k, v in self.records.items() if v}
        return f"History(epochs={self.epochs}, last={last})"


def _progress_bar(epochs, progress):
    """A tqdm bar when ``progress`` is True, or when it is None and stderr is a terminal."""
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=epochs, unit="epoch", leave=True)


def _batches(m, batch_size, rng, shuffle):
    """Index arrays of one epoch's minibatches (the last may be smaller)."""
    order = rng.permutation(m) if shuffle else np.arange(m)
    return [order[i:i + batch_size] for i in range(0, m, batch_size)]


#: the most bytes of X gathered by one call: a small data set gets a whole epoch of
#: minibatches at once, a large one a minibatch at a time (X is never copied whole)
_CHUNK_BYTES = 256 * 1024


class _Minibatches:
    """An epoch's minibatches, as views of buffers kept for the whole training run.

    Shuffling moves indices, not the data. Each epoch, the columns of X are gathered in
    the epoch's order into a buffer that holds a chunk of whole minibatches (as many as fit
    in _CHUNK_BYTES, at least one), so that small minibatches cost one NumPy call per
    chunk rather than per step; Y, which has only n[L] rows, is put in the epoch's order
    at once. ``outputs`` receives each minibatch's A[L], so that the epoch's cost can be
    taken in one go at its end. Batch gradient descent (one batch of all m examples) uses
    X and Y as they are: the order of the columns does not change the gradient.
    """

    def __init__(self, X, Y, batch_size):
        n_x, m = X.shape
        if not (X.flags.c_contiguous or X.flags.f_contiguous):
            X = np.ascontiguousarray(X)  # np.take would copy a strided X at every call
        self.X, self.Y = X, Y
        self.outputs = np.empty(Y.shape, Y.dtype)
        if batch_size == m:
            self.Y_epoch = Y
            self._X_chunk, self.chunks = None, [(0, m, [(X, Y, self.outputs)])]
            return
        per_chunk = max(1, _CHUNK_BYTES // (batch_size * n_x * X.itemsize))
        width = min(m, per_chunk * batch_size)
        self._X_chunk = _like(X, (n_x, width))
        self.Y_epoch = _like(Y, Y.shape)
        self.chunks = []
        for start in range(0, m, width):
            stop = min(start + width, m)
            views = [(self._X_chunk[:, i - start:min(i + batch_size, stop) - start],
                      self.Y_epoch[:, i:min(i + batch_size, stop)],
                      self.outputs[:, i:min(i + batch_size, stop)])
                     for i in range(start, stop, batch_size)]
            self.chunks.append((start, stop, views))

    def epoch(self, batches):
        """(X, Y, the slot for A[L]) of each of the epoch's minibatches, in order."""
        if self._X_chunk is None:
            yield from self.chunks[0][2]
            return
        order = np.concatenate(batches)  # the minibatches are consecutive slices of one order
        _take_columns(self.Y, order, self.Y_epoch)
        for start, stop, views in self.chunks:
            _take_columns(self.X, order[start:stop], self._X_chunk[:, :stop - start])
            yield from views


def _like(source, shape):
    """An empty buffer of ``shape`` laid out as ``source`` (examples contiguous or not)."""
    order = "F" if source.flags.f_contiguous and not source.flags.c_contiguous else "C"
    return np.empty(shape, source.dtype, order=order)


def _take_columns(source, idx, out):
    """out[:, j] = source[:, idx[j]], copying along the axis that is contiguous in memory.

    When each example (column) is contiguous, as in X = rows.T for data stored one example
    per row, whole columns are copied: several times faster than gathering from every row.
    mode="clip" spares np.take the copy it makes to check bounds (idx is a permutation).
    """
    if source.flags.f_contiguous and out.flags.f_contiguous:
        np.take(source.T, idx, axis=0, out=out.T, mode="clip")
    else:
        np.take(source, idx, axis=1, out=out, mode="clip")


def _evaluate(net, X, Y, metric_names, threshold):
    """Cost and metrics of the network on (X, Y), without touching training state."""
    A = net._forward(X)
    scores = {"cost": net._cost(A, Y)}
    for name in metric_names:
        fn = metrics_module.METRICS[name]
        scores[name] = fn(A, Y, threshold) if name == "accuracy" else fn(A, Y)
    return scores


def train(net, X, Y, *, epochs=100, learning_rate=None, optimizer="sgd", batch_size=None,
          shuffle=True, seed=None, l1=None, l2=None, schedule="constant",
          validation_data=None, metrics=(), early_stopping=False, patience=10, tol=1e-4,
          restore_best=True, progress=None, callback=None):
    """Train ``net`` on X (n_x, m) and Y (n[L], m) by gradient descent; return a History.

    ``optimizer`` is a name (sgd, momentum, classic_momentum, rmsprop, adam) or an
    Optimizer; ``learning_rate`` defaults to the optimizer's usual rate. ``l1``/``l2`` set
    the network's regularization rates for this and later training. ``schedule`` changes
    the rate per epoch. ``metrics`` may hold "accuracy" and "r2". With ``early_stopping``
    training stops when the monitored cost (validation cost if ``validation_data`` is
    given, training cost otherwise) has not improved by ``tol`` for ``patience`` epochs,
    and with ``restore_best`` the best parameters seen are restored. ``callback(epoch,
    history)`` runs after every epoch; returning True stops training.
    """
    X = check_X(X, net.n_x, net.dtype)
    Y = check_Y(Y, net.sizes[-1], X.shape[1], net.dtype, net.loss)
    epochs = check_positive_int(epochs, "epochs", minimum=0)
    opt = optimizers.get(optimizer)
    base_rate = check_learning_rate(
        opt.default_learning_rate if learning_rate is None else learning_rate)
    sched = schedules.get(schedule)
    m = X.shape[1]
    batch_size = m if batch_size is None else min(check_positive_int(batch_size, "batch size"), m)
    if l1 is not None:
        net.l1 = check_non_negative(l1, "the L1 rate λ₁")
    if l2 is not None:
        net.l2 = check_non_negative(l2, "the L2 rate λ₂")
    metric_names = _check_metrics(metrics)
    patience = check_positive_int(patience, "patience")
    tol = check_non_negative(tol, "tol")
    if validation_data is not None:
        Xv = check_X(validation_data[0], net.n_x, net.dtype)
        Yv = check_Y(validation_data[1], net.sizes[-1], Xv.shape[1], net.dtype, net.loss)

    rng = np.random.default_rng(seed)
    threshold = metrics_module.threshold_for(net.output_activation)
    history = History()
    minibatches = _Minibatches(X, Y, batch_size)
    epoch_start = np.empty_like(net.parameters)
    best = {"cost": np.inf, "parameters": None, "wait": 0}
    bar = _progress_bar(epochs, progress)
    started = time.perf_counter()
    try:
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            for epoch in range(1, epochs + 1):
                rate = sched.rate(base_rate, epoch - 1)
                np.copyto(epoch_start, net.parameters)
                try:
                    cost = _epoch(net, minibatches, m, batch_size, rng, shuffle, opt, rate)
                except BaseException:
                    np.copyto(net.parameters, epoch_start)
                    raise
                if not np.isfinite(cost) or not np.all(np.isfinite(net.parameters)):
                    np.copyto(net.parameters, epoch_start)
                    raise DivergenceError(_divergence_message(epoch, cost, rate),
                                          epoch=epoch, history=history)
                history.add("cost", cost)
                if metric_names:
                    train_scores = _evaluate(net, X, Y, metric_names, threshold)
                    for name in metric_names:
                        history.add(name, train_scores[name])
                monitored = cost
                if validation_data is not None:
                    scores = _evaluate(net, Xv, Yv, metric_names, threshold)
                    for name, value in scores.items():
                        history.add(f"val_{name}", value)
                    monitored = scores["cost"]
                history.epochs = epoch
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix(cost=f"{cost:.4g}")
                if _improved(best, monitored, tol, net, epoch, history):
                    best["wait"] = 0
                else:
                    best["wait"] += 1
                if callback is not None and callback(epoch, history):
                    break
                if early_stopping and best["wait"] >= patience:
                    history.stopped_early = True
                    break
    finally:
        if bar is not None:
            bar.close()
        history.seconds = time.perf_counter() - started
    if early_stopping and restore_best and best["parameters"] is not None:
        np.copyto(net.parameters, best["parameters"])
    return history


def _epoch(net, minibatches, m, batch_size, rng, shuffle, opt, rate):
    """One pass over the data; returns the mean of the minibatch costs.

    Weighted by the minibatch sizes m_b, that mean is (1/m) Σᵢ L(a(i), y(i)), each a(i)
    computed by the parameters of its own step, plus (1/m) Σ_b m_b·(each step's
    regularization term). So the losses are taken once, at the end of the epoch, from the
    A[L] kept in ``outputs``: a few NumPy calls per epoch instead of per step.
    """
    penalty = 0.0
    for Xb, Yb, slot in minibatches.epoch(_batches(m, batch_size, rng, shuffle)):
        np.copyto(slot, net._forward(Xb))
        if net.l1 or net.l2:
            m_b = Xb.shape[1]
            penalty += m_b * regularization.penalty(net.parameters[:net.n_weights], m_b,
                                                    net.l1, net.l2)
        net._backward(Yb)
        opt.step(net.parameters, net.gradients, rate)
    return net.loss.cost(minibatches.outputs, minibatches.Y_epoch) + penalty / m


def _improved(best, monitored, tol, net, epoch, history):
    if monitored < best["cost"] - tol:
        best["cost"] = monitored
        best["parameters"] = net.parameters.copy()
        history.best_epoch = epoch
        return True
    return False


def _check_metrics(metrics):
    names = [metrics] if isinstance(metrics, str) else list(metrics)
    for name in names:
        if name not in metrics_module.METRICS:
            raise ConfigError(
                f"unknown metric {name!r}; valid names are: {', '.join(metrics_module.METRICS)}"
            )
    return names


def _divergence_message(epoch, cost, rate):
    return (
        f"training diverged at epoch {epoch}: the cost became {cost} (not a finite number). "
        f"The parameters were put back as they were at the start of epoch {epoch}. "
        f"Try a smaller learning rate (this epoch used α = {rate:g}), e.g. α = {rate / 10:g}, "
        "or scale the inputs."
    )
