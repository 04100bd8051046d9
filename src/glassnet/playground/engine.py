"""The playground's engines: which one trains a session, and the last step for the maths panel.

A session trains with ``engine="auto"`` by default: the compiled engine
(``glassnet.compiled``) where ``compiled.engine_for`` says it is faster, NumPy's
otherwise. The maths panel shows the backward pass of the last training step: its
minibatch's A[l], dA[l], dZ[l] and the gradients dW[l], db[l]. NumPy's engine leaves them
in the network's caches; the compiled kernel keeps none (its work is a few numbers per
example, overwritten by the next). So ``CompiledLastStep`` keeps, each epoch, what the
epoch started from (the order of the examples, the optimizer's running averages and
step count; the runner keeps the parameters), and on demand recomputes the last step:
the epoch's earlier steps again with the same kernel from the same start (the same
arithmetic on the same numbers, so the same parameters to the last bit), then the last
minibatch's forward and backward pass with the network's own NumPy passes. The panel's
numbers are then NumPy's own from the parameters that step started from.

Numba compiles the kernel once into its disk cache (``glassnet.warmup`` does it in a
background process; until it is there, "auto" is NumPy's engine), and each process then
loads it from there on its first call, which takes a moment (some 0.5 s, more on a busy
machine). ``warm_up`` loads it in a background thread when the server starts; until it has,
"auto" sessions train with NumPy's engine, so the first Play never waits for it.
"""

import copy
import logging
import threading
import time

import numpy as np

from .. import compiled, optimizers, warmup
from ..epochs import NumpyEngine
from ..errors import NotFittedError
from ..network import Network

log = logging.getLogger("glassnet.playground")


def backward_pass(net):
    """Copies of the network's last backward pass (later passes overwrite its caches): the
    minibatch's A[l], dA[l] (None where the loss and output make dZ[L] = A[L] − Y
    directly), dZ[l], and the gradients dW[l], db[l]."""

    def kept(arrays, start=1):
        return [None] * start + [copied(arrays, l) for l in range(start, net.L + 1)]

    def copied(arrays, l):
        try:
            return arrays[l].copy()
        except NotFittedError:  # dA[L], never formed when dZ[L] = A[L] − Y
            return None

    return {"m": net.A[0].shape[1], "A": kept(net.A, 0), "dA": kept(net.dA),
            "dZ": kept(net.dZ), "dW": kept(net.dW), "db": kept(net.db)}


class NumpyLastStep(NumpyEngine):
    """NumPy's engine; the last step is read from the network's caches, so it must be
    read before any other forward pass (``from_caches``)."""

    from_caches = True

    def last_step(self, start):
        """The last step's backward pass (``start``, the epoch's first parameters, unused)."""
        return backward_pass(self.net)


class CompiledLastStep(compiled.CompiledEngine):
    """The compiled engine, keeping what recomputes the last step of its last epoch."""

    from_caches = False
    _epoch = None  # (order, optimizer, α, t, running averages) at the last epoch's start
    _replica = None  # the network the last step is recomputed on, built once

    def steps(self, order, optimizer, learning_rate, s=None):
        self._epoch = (order, optimizer, learning_rate, optimizer.t,
                       {key: value.copy() for key, value in optimizer.state.items()})
        return super().steps(order, optimizer, learning_rate, s)

    def last_step(self, start):
        """The last epoch's last step, recomputed from ``start`` (the parameters that
        epoch started from; the runner's ``start``); None before any epoch."""
        if self._epoch is None:
            return None
        order, optimizer, learning_rate, t, state = self._epoch
        if self._replica is None:
            self._replica = self.net.copy()
        net = self._replica
        np.copyto(net.parameters, start)
        net.l1, net.l2 = self.net.l1, self.net.l2
        B = self.batch_size
        last = (order.shape[0] - 1) // B * B  # where the last minibatch starts
        if last:  # the steps before it, on their examples in the epoch's order
            replay = copy.copy(optimizer)  # its settings; the running averages as they were
            replay.state = {key: value.copy() for key, value in state.items()}
            replay.t = t
            earlier = order[:last]
            compiled.CompiledEngine(net, self.X_rows[earlier].T, self.Y_rows[earlier].T,
                                    B).steps(np.arange(last), replay, learning_rate)
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            net.forward_unchecked(self.X_rows[order[last:]].T)
            net.backward_unchecked(self.Y_rows[order[last:]].T)
        return backward_pass(net)


_warm_up: dict = {}  # "thread": the warm-up thread, once started; "ok": True once it loaded


def engine_class(spec, net, optimizer, batch_size):
    """The engine class a session trains with: ``compiled.engine_for``'s choice for
    ``spec`` ("auto", "numpy" or "compiled"), except that "auto" keeps NumPy's while the
    warm-up loads the kernel."""
    chosen = compiled.engine_for(spec, net, optimizer, NumpyLastStep, batch_size, warmup.ready)
    if chosen is NumpyLastStep or (spec == "auto" and not compiled_ready()):
        return NumpyLastStep
    return CompiledLastStep


def compiled_ready():
    """True unless a warm-up was started and has not loaded the kernel (yet, or ever)."""
    return "thread" not in _warm_up or _warm_up.get("ok", False)


def warm_up():
    """Load the compiled kernel into this process in a daemon thread, once (nothing when
    Numba is not installed); returns the thread, or None."""
    if not compiled.available():
        return None
    if "thread" not in _warm_up:
        _warm_up["thread"] = threading.Thread(target=_load, name="glassnet-warm-up",
                                              daemon=True)
        _warm_up["thread"].start()
    return _warm_up["thread"]


#: how long the warm-up waits for ``glassnet.warmup``'s background compile
COMPILE_SECONDS = 600


def _load(poll=0.5):
    """Once the kernel is in Numba's disk cache (``glassnet.warmup.ready``, which else
    starts compiling it there in a background process: then wait for it, unless none may
    start), one compiled epoch of a tiny network loads it: the kernel the sessions call,
    with the same argument types (the codes of activations, loss and optimizer are plain
    integers)."""
    try:
        deadline = time.monotonic() + COMPILE_SECONDS
        if not warmup.ready("float64"):
            if not warmup.allowed() or warmup.cache_dir() is None:
                return  # no compile coming: "auto" stays NumPy's (as engine_for says too)
            while not warmup.cached("float64"):
                if time.monotonic() > deadline:
                    raise TimeoutError("the background compile did not finish")
                time.sleep(poll)
        net = Network([2, 2, 1], "tanh", seed=0)
        X, Y = np.zeros((2, 4)), np.zeros((1, 4))
        compiled.CompiledEngine(net, X, Y, 2).run_epoch(np.arange(4), optimizers.get("sgd"),
                                                       0.1)
    except Exception as exc:  # then NumPy's engine trains: slower, never wrong
        log.warning("the compiled engine could not be prepared (%s: %s); the playground "
                    "trains with NumPy's engine", type(exc).__name__, exc)
        return
    _warm_up["ok"] = True
