"""The epoch runner: one epoch of minibatch gradient descent, guarded against divergence.

One epoch visits every example once. The examples are put in the epoch's order (a new
permutation each epoch when shuffling) and cut into ⌈m/B⌉ minibatches of B consecutive
examples, the last one smaller when B does not divide m (it is used, not dropped or carried
over). Each minibatch takes one step,

    forward on the batch → backward → optimizer step with the epoch's rate α,

and the epoch's cost is the mean of the minibatch costs, each taken before its own step
(as scikit-learn's ``loss_curve_`` and Keras do); with one batch of all m examples (batch
gradient descent) it is exactly J of the parameters the epoch started with.

Three strategies, each replaceable:

* ``Batches`` decides each epoch's order of the examples (the batch iterator);
* an *engine* runs the steps of one epoch: ``NumpyEngine`` here; another engine (a
  compiled one, say) is any class built as ``engine(net, X, Y, batch_size)`` whose
  ``run_epoch(order, optimizer, learning_rate)`` returns the epoch's ``(loss, penalty)``
  (the core's engines also offer its parts, ``steps`` and ``epoch_loss``, which the
  estimators use);
* ``EpochRunner`` puts them together, keeps a snapshot of the parameters at the start of
  every epoch, puts them back if the epoch fails or diverges (``glassnet.divergence``
  judges), and raises ``DivergenceError``.
"""

import numbers

import numpy as np

from . import divergence, regularization
from .errors import ConfigError, DivergenceError
from .validation import check_positive_int


class Batches:
    """The batch iterator: the order of the m examples in each epoch, and the batch size B.

    ``batch_size=None`` is batch gradient descent (one batch of all m examples). With
    ``shuffle`` the order is a new permutation every epoch, drawn from the generator
    ``seed`` makes (an int, None, or a NumPy Generator, which is then used as it is and
    goes on from where it is).
    """

    def __init__(self, batch_size=None, shuffle=True, seed=None):
        self.batch_size = None if batch_size is None else check_positive_int(batch_size,
                                                                             "batch size")
        self.shuffle = bool(shuffle)
        self.rng = generator(seed)

    def size(self, m):
        """B for m examples: the batch size, at most m."""
        return m if self.batch_size is None else min(self.batch_size, m)

    def order(self, m):
        """The epoch's order of the examples: a permutation of 0 … m−1, or None (as stored).

        Batch gradient descent does not use the order (the order of the columns does not
        change the gradient), but it is drawn all the same, so that a generator shared with
        the caller moves on as it always has.
        """
        return self.rng.permutation(m) if self.shuffle else None

    def split(self, m, order):
        """The index arrays of the epoch's minibatches (the last may be smaller)."""
        order = np.arange(m) if order is None else order
        B = self.size(m)
        return [order[i:i + B] for i in range(0, m, B)]


def generator(seed):
    """The NumPy Generator a seed gives: an int ≥ 0, None (fresh entropy), or a Generator
    (used as it is). Anything else is a ConfigError naming the seed."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ConfigError(f"the seed must be a whole number ≥ 0, None or a NumPy Generator, "
                          f"got {seed!r}")
    return np.random.default_rng(int(seed))


#: the most bytes of X gathered by one call: a small data set gets a whole epoch of
#: minibatches at once, a large one a minibatch at a time (X is never copied whole)
CHUNK_BYTES = 256 * 1024


class Minibatches:
    """An epoch's minibatches, as views of buffers kept for the whole training run.

    Shuffling moves indices, not the data. Each epoch, the columns of X and Y are gathered
    in the epoch's order into buffers that hold a chunk of whole minibatches (as many as
    fit in CHUNK_BYTES of X, at least one), so that small minibatches cost one NumPy call
    per chunk rather than per step. ``outputs`` receives each minibatch's A[L], so that the
    losses of a chunk's examples can be taken in one go once its steps are done. Batch
    gradient descent (one batch of all m examples) uses X and Y as they are.
    """

    def __init__(self, X, Y, batch_size):
        n_x, m = X.shape
        if not (X.flags.c_contiguous or X.flags.f_contiguous):
            X = np.ascontiguousarray(X)  # np.take would copy a strided X at every call
        self.X, self.Y = X, Y
        self.outputs = np.empty(Y.shape, Y.dtype)
        if batch_size == m:
            self._X_chunk = self._Y_chunk = None
            self.chunks = [(0, m, [(X, Y, self.outputs)])]
            return
        per_chunk = max(1, CHUNK_BYTES // (batch_size * n_x * X.itemsize))
        width = min(m, per_chunk * batch_size)
        self._X_chunk = _like(X, (n_x, width))
        self._Y_chunk = _like(Y, (Y.shape[0], width))
        self.chunks = []
        for start in range(0, m, width):
            stop = min(start + width, m)
            views = [(self._X_chunk[:, i - start:min(i + batch_size, stop) - start],
                      self._Y_chunk[:, i - start:min(i + batch_size, stop) - start],
                      self.outputs[:, i:min(i + batch_size, stop)])
                     for i in range(start, stop, batch_size)]
            self.chunks.append((start, stop, views))

    def epoch(self, order):
        """The epoch's chunks in ``order`` (a permutation of the m examples, or None for
        the order they are stored in): for each, (X, Y, the slot for A[L]) of its
        minibatches, and its examples' (A[L] slots, Y)."""
        if self._X_chunk is None:
            yield self.chunks[0][2], (self.outputs, self.Y)
            return
        order = np.arange(self.X.shape[1]) if order is None else order
        for start, stop, views in self.chunks:
            width = stop - start
            _take_columns(self.X, order[start:stop], self._X_chunk[:, :width])
            _take_columns(self.Y, order[start:stop], self._Y_chunk[:, :width])
            yield views, (self.outputs[:, start:stop], self._Y_chunk[:, :width])


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


class NumpyEngine:
    """The steps of one epoch with the network's own NumPy passes.

    The epoch's cost J is (1/m) Σᵢ L(a(i), y(i)), each a(i) computed by the parameters of
    its own step, plus (1/m) Σ_b m_b·(each step's regularization term). So the losses are
    taken once a chunk of minibatches (``Minibatches``) has taken its steps, from the A[L]
    kept in ``Minibatches.outputs``: a few NumPy calls per chunk instead of per step, and
    no copy of Y in the epoch's order. Runs under the caller's np.errstate.
    """

    def __init__(self, net, X, Y, batch_size):
        self.net = net
        self.minibatches = Minibatches(X, Y, batch_size)
        self._losses = []  # the last epoch's L(a(i), y(i)), a row per chunk

    def run_epoch(self, order, optimizer, learning_rate):
        """One step per minibatch in ``order``; returns (the epoch's loss, its penalty)."""
        penalty = self.steps(order, optimizer, learning_rate)
        return self.epoch_loss(), penalty / self.minibatches.X.shape[1]

    def epoch_loss(self):
        """(1/m) Σᵢ L(a(i), y(i)) over the last epoch's examples, each a(i) taken at its
        own step."""
        return float(np.mean(np.concatenate(self._losses, axis=1)))

    def steps(self, order, optimizer, learning_rate):
        """The epoch's steps in ``order``; returns Σ_b m_b·(the regularization term of step
        b) and leaves each example's A[L], taken at its step, in ``outputs`` (columns in the
        epoch's order)."""
        net = self.net
        penalty = 0.0
        self._losses = []
        for views, (A_chunk, Y_chunk) in self.minibatches.epoch(order):
            for Xb, Yb, slot in views:
                np.copyto(slot, net.forward_unchecked(Xb))
                if net.l1 or net.l2:
                    m_b = Xb.shape[1]
                    penalty += m_b * regularization.penalty(net.parameters[:net.n_weights],
                                                            m_b, net.l1, net.l2)
                net.backward_unchecked(Yb)
                optimizer.step(net.parameters, net.gradients, learning_rate)
            self._losses.append(net.loss.chunked_loss(A_chunk, Y_chunk))
        return penalty

    @property
    def outputs(self):
        """A[L] of the last epoch's examples, one column each, in that epoch's order."""
        return self.minibatches.outputs


class EpochRunner:
    """Runs epochs of minibatch descent on one network and one training set.

    Build it once per (network, X, Y, batches); each ``run_epoch(optimizer,
    learning_rate)`` runs one epoch and returns its cost J. X (n_x, m) and Y (n[L], m)
    must already be checked (``check_X``/``check_Y``) and stay unchanged while the runner
    is used. If the epoch raises (or Ctrl-C), the parameters are put back as they were at
    its start; if its cost is not finite, the parameters are not, or the cost diverges
    (``glassnet.divergence.Watch``), the parameters are put back (by that rule: at the start
    of the lowest-cost epoch so far) and ``DivergenceError`` is raised, naming the epoch and
    a learning rate tried briefly on a copy of the network.

    ``watch`` is the divergence rule, a class built as ``watch(net, X, Y)`` with
    ``judge`` and ``restore`` (``glassnet.divergence.Watch`` by default, ``FiniteWatch``
    for the narrower rule). ``advise=False`` skips the trial of smaller rates (the trial itself runs that way).
    ``epoch`` counts the epochs this runner has completed; ``start`` holds the parameters
    at the start of the last epoch (read it, do not keep it: the next epoch overwrites it).
    """

    def __init__(self, net, X, Y, batches=None, engine=NumpyEngine, watch=None, advise=True):
        self.net, self.X, self.Y, self.advise = net, X, Y, advise
        self.batches = Batches() if batches is None else batches
        self.engine = engine(net, X, Y, self.batches.size(X.shape[1]))
        self.start = np.empty_like(net.parameters)
        self.epoch = 0
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            self.watch = (watch or divergence.Watch)(net, X, Y)

    def run_epoch(self, optimizer, learning_rate):
        """One epoch with learning rate α; returns its cost J (regularization included)."""
        net = self.net
        np.copyto(self.start, net.parameters)
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            try:
                loss, penalty = self.engine.run_epoch(self.batches.order(self.X.shape[1]),
                                                      optimizer, learning_rate)
            except BaseException:
                np.copyto(net.parameters, self.start)
                raise
            epoch = self.epoch + 1
            verdict = self.watch.judge(epoch, loss, loss + penalty, self.start)
        if verdict is not None:
            self._diverged(epoch, verdict, optimizer, learning_rate)
        self.epoch = epoch
        return float(loss + penalty)

    def _diverged(self, epoch, verdict, optimizer, learning_rate):
        net = self.net
        restored_epoch = self.watch.restore(net.parameters, self.start, epoch)
        advice = divergence.advise(net, self.X, self.Y, optimizer, learning_rate,
                                   self._trial_runner) if self.advise else None
        raise DivergenceError(divergence.message(epoch, verdict, learning_rate,
                                                 restored_epoch, advice),
                              epoch=epoch, reason=verdict.reason,
                              restored_epoch=restored_epoch,
                              suggested_rate=advice.rate if advice else None)

    def _trial_runner(self, trial):
        """A runner of ``trial`` (a copy of the network) on the same data, batch size and
        engine, with its own shuffling and no advice of its own: ``divergence.advise``
        tries smaller rates with it."""
        B = self.batches.size(self.X.shape[1])
        return EpochRunner(trial, self.X, self.Y, Batches(B, shuffle=True, seed=0),
                           type(self.engine), advise=False)
