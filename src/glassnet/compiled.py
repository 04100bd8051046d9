"""The compiled engine: an epoch's steps as the notes' per-example loop, compiled by Numba.

The notes first write backpropagation as a loop over the examples of a minibatch,

    for i = 1 … m_b:   a[0] = x(i);  z[l] = W[l] a[l−1] + b[l];  a[l] = g[l](z[l])   (l = 1 … L)
                       dz[L] = a[L] − y(i)  (or dL/da * g'(z[L]));
                       dW[l] += dz[l] a[l−1]ᵀ;  db[l] += dz[l];  dz[l−1] = W[l]ᵀ dz[l] * g'(z[l−1])
    dW := dW / m_b (+ the L1/L2 gradient);  db := db / m_b;  then one optimizer step,

and then vectorize it (``glassnet.network``: one matrix product per layer). In Python the
loop is about a hundred times slower than the vectorized pass; compiled, it is faster than
NumPy's calls on tiny networks, where each NumPy call's fixed cost outweighs its work, and
slower on wide ones, where BLAS wins (docs/speed.md has the benchmark's figures). This
module is that loop, with the loop over the examples i moved innermost (a block of up to
BLOCK examples at a time): every sum is the notes' per-example sum, in the same order,
but the innermost loops run through consecutive memory, which the compiler vectorizes.
It is written once in the notes' names and compiled by Numba
(``pip install 'glassnet[fast]'``): ``CompiledEngine`` runs every minibatch step of an
epoch (forward, backward, optimizer step) in one compiled call. It is an engine of
``glassnet.epochs.EpochRunner``, and gives the NumPy engine's results up to the order of
the sums (tests/test_compiled_engine.py proves it for every activation, loss, optimizer
and regularization).

One kernel serves every network: the activations, the loss and the optimizer enter as
integer codes (the tables below), so Numba compiles it once per dtype, and caches the
machine code on disk (``cache=True``: in ``__pycache__`` beside this file, or Numba's
user-wide cache directory when that is read-only; ``NUMBA_CACHE_DIR`` chooses another).
"""

import contextlib
import importlib.util
import threading

import numpy as np

from . import activations, losses, optimizers
from .errors import ConfigError

#: set to False to act as if the `fast` extra were missing (the tests do); else whether it
#: is installed: Numba, and scipy-openblas32 (the vectorized pass's BLAS: ``load_blas``)
fast_installed = all(importlib.util.find_spec(name) is not None
                     for name in ("numba", "scipy_openblas32"))
#: what the compiled engine says when the `fast` extra is missing
MISSING = ("the compiled engine needs Numba and scipy-openblas32: "
           "pip install 'glassnet[fast]'")

#: activation name → code in the kernel (softmax only on the output layer)
ACTIVATIONS = {"linear": 0, "sigmoid": 1, "tanh": 2, "relu": 3, "leaky_relu": 4, "elu": 5,
               "selu": 5, "swish": 6, "mish": 7, "softmax": 8}
#: loss name → code; the shortcut dZ[L] = A[L] − Y has its own code
LOSSES = {"binary_cross_entropy": 0, "categorical_cross_entropy": 1,
          "half_squared_error": 2, "mean_squared_error": 3}
SHORTCUT = 4
#: optimizer name → code (classic momentum with Nesterov's step has its own)
OPTIMIZERS = {"sgd": 0, "momentum": 1, "classic_momentum": 2, "nesterov": 3, "rmsprop": 4,
              "adam": 5, "sklearn_adam": 6}
#: the running averages each optimizer keeps in its ``state``, in the kernel's order
STATE_KEYS = {"sgd": (), "momentum": ("V",), "classic_momentum": ("v",),
              "nesterov": ("v",), "rmsprop": ("S",), "adam": ("M", "S"),
               "sklearn_adam": ("M", "S")}


def available():
    """True when the `fast` extra (Numba, scipy-openblas32) is installed. Numba is
    imported, and the kernel compiled or loaded from the disk cache, only when a
    CompiledEngine is first built, so that ``import glassnet`` never pays for Numba."""
    return fast_installed


def unsupported(net, optimizer):
    """Why the compiled engine cannot train ``net`` with ``optimizer``, or None if it can.

    Only glassnet's own classes are compiled: a subclass, even under a known name, may
    compute something else, and is left to the NumPy engine.
    """
    for l, layer in enumerate(net.layers, 1):
        if not _known(layer.activation, ACTIVATIONS, activations.activations):
            return f"the activation g[{l}] = {layer.activation.name!r}"
    if not _known(net.loss, LOSSES, losses.losses):
        return f"the loss {net.loss.name!r}"
    if optimizer is not None and not _known(optimizer, OPTIMIZERS, optimizers.optimizers):
        return f"the optimizer {optimizer.name!r}"
    return None


def too_large(net, batch_size):
    """Why the vectorized pass cannot multiply ``net``'s minibatches of ``batch_size``, or
    None: its BLAS (``load_blas``) takes each size as a 32-bit int, at most BLAS_INT_MAX."""
    if batch_size > BLAS_INT_MAX:
        return f"minibatches of {batch_size:,} examples (its BLAS takes at most {BLAS_INT_MAX:,})"
    if max(net.sizes) > BLAS_INT_MAX:
        return f"a layer of {max(net.sizes):,} units (its BLAS takes at most {BLAS_INT_MAX:,})"
    return None


def _known(obj, codes, registry):
    """True when ``obj`` is an instance of exactly the class glassnet registers its name for."""
    return obj.name in codes and type(obj) is registry.registered(obj.name)


#: the most work per step, n_W·B (the number of weights n_W = Σ n[l]·n[l−1] times the
#: minibatch size B, the multiplications of one pass), for which ``engine="compiled"`` and
#: ``"auto"`` pick the compiled per-example loop (``CompiledEngine``); above it, the
#: compiled vectorized pass (``VectorizedEngine``). The loop has no fixed cost per step but
#: multiplies several times slower than BLAS; the vectorized pass pays a few µs per BLAS
#: call; they cross near n_W·B = 3,000 (ReLU's and tanh's networks, float32, one core:
#: 2 → 8 → 8 → 1 with B = 32, 2,816, 13.0 µs a step on the loop, 13.7 vectorized; with
#: 2 → 16 → 16 → 1 and B = 10, 3,040, 14.1 and 11.4). NumPy's engine, the same BLAS
#: products plus some 25 µs of NumPy calls per step, is slower than the vectorized pass at
#: every size measured, so "auto" picks it only where the compiled engines cannot run
#: (``python -m benchmarks.crossover`` measures the three; docs/speed.md has the figures)
AUTO_MAX_WORK = 3_000

#: the multiply-adds n[l]·n[l−1]·B of a step's largest matrix product up to which the
#: vectorized pass runs its products on one BLAS thread, whatever BLAS's own setting: on
#: products this small a second thread's hand-offs cost more than it shares. With BLAS
#: allowed two threads, one was about 2× faster from 524,288 (digits' 64 → 128 → 10 with
#: B = 64) to 2,097,152 (three networks), two 10–35 % faster from 8,388,608 up to the wide
#: 784 → 512 → 512 → 10 with B = 256 (four), and already at 4,194,304 (four networks, an
#: earlier OpenBLAS) (``python -m benchmarks.crossover --threads 2``; docs/speed.md)
ONE_THREAD_MAX_WORK = 2_500_000

#: the engines ``train(engine=...)`` names
ENGINE_NAMES = ("auto", "numpy", "compiled")


def check_engine_name(spec):
    """``spec`` if it is one of ENGINE_NAMES, else a ConfigError listing them."""
    if not isinstance(spec, str) or spec not in ENGINE_NAMES:
        raise ConfigError(f"unknown engine {spec!r}; valid names are: {', '.join(ENGINE_NAMES)}")
    return spec


def engine_for(spec, net, optimizer, numpy_engine, batch_size, ready=None):
    """The engine class ``spec`` names: "numpy", "compiled", "auto" or a class (as it is).

    "compiled" is the faster compiled engine for the step's work n_W·B (B =
    ``batch_size``, the examples of a minibatch): the per-example loop up to AUTO_MAX_WORK,
    the vectorized pass above it. "auto" is that engine when Numba is installed and it
    supports the network and the optimizer, and its machine code is cached
    (``ready(dtype, engine)``, the caller's: ``glassnet.warmup.ready``, which else starts
    compiling it in the background; None: always ready); else NumPy's.
    """
    if not isinstance(spec, str):
        return spec
    check_engine_name(spec)
    if spec == "numpy":
        return numpy_engine
    reason = unsupported(net, optimizer) or too_large(net, batch_size)
    if spec == "compiled" and reason is not None:
        raise ConfigError(f"the compiled engine cannot train {reason}; use engine='numpy'")
    if spec == "auto" and (reason is not None or not available()):
        return numpy_engine
    small = net.n_weights * batch_size <= AUTO_MAX_WORK
    chosen = CompiledEngine if small else VectorizedEngine
    if spec == "compiled":
        return chosen
    # not cached yet: NumPy's engine this time, compiled for the next
    return chosen if ready is None or ready(net.dtype, chosen) else numpy_engine


def _optimizer_name(optimizer):
    if optimizer.name == "classic_momentum" and optimizer.nesterov:
        return "nesterov"
    return optimizer.name


def _optimizer_settings(optimizer):
    """(β₁-like, β₂-like, ε) of the kernel for ``optimizer`` (unused ones are 0)."""
    name = optimizer.name
    if name == "momentum":
        return optimizer.beta, 0.0, 0.0
    if name == "classic_momentum":
        return optimizer.momentum, 0.0, 0.0
    if name == "rmsprop":
        return optimizer.rho, 0.0, optimizer.epsilon
    if name in ("adam", "sklearn_adam"):
        return optimizer.beta_1, optimizer.beta_2, optimizer.epsilon
    return 0.0, 0.0, 0.0


class CompiledEngine:
    """An epoch's steps in one compiled call (see the module's docstring).

    Built as ``CompiledEngine(net, X, Y, batch_size)``; ``run_epoch(order, optimizer,
    learning_rate)`` returns the epoch's (loss, penalty) as ``NumpyEngine`` does. The
    examples are held as rows (Xᵀ, a copy unless X is stored one example per column
    contiguously), so that the loop reads each x(i) from consecutive memory.
    """

    def __init__(self, net, X, Y, batch_size):
        if not available():
            raise ConfigError(f"{MISSING} (or use engine='numpy')")
        reason = unsupported(net, None)
        if reason is not None:
            raise ConfigError(f"the compiled engine cannot train {reason}; use engine='numpy'")
        self.net, self.batch_size = net, batch_size
        self.X_rows = np.ascontiguousarray(X.T)  # x(i) = X_rows[i], contiguous
        self.Y_rows = np.ascontiguousarray(Y.T)
        self.outputs_rows = np.empty_like(self.Y_rows)  # a[L] of each example, at its step
        sizes = np.array(net.sizes, dtype=np.int64)
        self.sizes = sizes
        self.w_at = np.concatenate([[0], np.cumsum(sizes[1:] * sizes[:-1])]).astype(np.int64)
        self.b_at = (net.n_weights + np.concatenate([[0], np.cumsum(sizes[1:])])).astype(
            np.int64)
        acts = [layer.activation for layer in net.layers]
        self.g = np.array([ACTIVATIONS[a.name] for a in acts], dtype=np.int64)
        # the leaky ReLU slope, ELU's (and SELU's) α and scale λ; 0 and 1 elsewhere
        self.g_alpha = np.array([getattr(a, "slope", getattr(a, "alpha", 0.0)) for a in acts])
        self.g_scale = np.array([getattr(a, "scale", 1.0) for a in acts])
        self.loss_code = LOSSES[net.loss.name]  # L(a, y) of the epoch's cost
        self.loss = SHORTCUT if net.uses_shortcut else self.loss_code  # how dz[L] starts
        self.eps = float(np.finfo(net.dtype).eps)  # the clipping ε of the cross-entropies
        self.work, self.rows = self._buffers(sizes, net.dtype)
        self.order = np.arange(0)  # the last epoch's order of the examples
        self._checked = None  # the last optimizer found supported

    def _buffers(self, sizes, dtype):
        """(work, rows): z, a, dz, da of every layer, for a block of m_k ≤ BLOCK examples:
        unit j of the layer that starts at unit `at` holds example i at (at + j)·m_k + i;
        and a[l−1]ᵀ, one example per row."""
        return (np.zeros((4, int(sizes.sum()) * BLOCK), dtype=dtype),
                np.zeros(int(sizes[:-1].max()) * BLOCK, dtype=dtype))

    @staticmethod
    def kernel():
        """The compiled function that runs the steps."""
        return _kernel()

    def run_epoch(self, order, optimizer, learning_rate):
        """One step per minibatch in ``order``; returns (the epoch's loss, its penalty)."""
        m = self.X_rows.shape[0]
        if order is None or self.batch_size == m:  # batch descent: the order as stored
            order = np.arange(m)
        penalty = self.steps(order, optimizer, learning_rate)
        return self.epoch_loss(), penalty / m

    def epoch_loss(self):
        """(1/m) Σᵢ L(a(i), y(i)) over the last epoch's examples, each a(i) taken at its
        own step: the network's loss, summed by one compiled call (``_loss_sum``)."""
        order = self.order
        return _loss_kernel()(self.outputs_rows, self.Y_rows, order, self.loss_code,
                              self.eps) / order.shape[0]

    def steps(self, order, optimizer, learning_rate, s=None):
        """The epoch's steps, the examples taken in ``order`` (an index array of all m).

        Leaves a[L] of each example, computed at its own step, in ``outputs`` (column i:
        the i-th example of the epoch) and returns Σ_b m_b·(the regularization term of
        step b).
        ``s`` (one weight per example, or None) are scikit-learn's sample weights: the
        loss of example i counts s_i times, and each step divides by Σ s_i of its
        minibatch instead of m_b.
        """
        if optimizer is not self._checked:  # checked once per optimizer, not each epoch
            reason = unsupported(self.net, optimizer)
            if reason is not None:
                raise ConfigError(f"the compiled engine cannot train with {reason}; "
                                  f"use engine='numpy'")
            self._checked = optimizer
        self.order = order.astype(np.int64, copy=False)
        penalty = self.kernel()(*self.arguments(self.order, optimizer, learning_rate, s))
        optimizer.t += -(-order.shape[0] // self.batch_size)
        self.net.forget_passes()  # its passes are the kernel's own, not the network's
        return penalty

    def arguments(self, order, optimizer, learning_rate, s=None):
        """The compiled loop's arguments for the steps ``steps`` takes (their types are
        the signature Numba compiles and caches the loop for: glassnet.warmup)."""
        net = self.net
        name = _optimizer_name(optimizer)
        states = [_state(optimizer, key, net.parameters) for key in STATE_KEYS[name]]
        states += [net.gradients[:0]] * (2 - len(states))
        beta_1, beta_2, epsilon = _optimizer_settings(optimizer)
        s = net.gradients[:0] if s is None else np.asarray(s, dtype=net.dtype)
        return (self.X_rows, self.Y_rows, order.astype(np.int64, copy=False), s,
                self.batch_size, self.sizes, self.w_at, self.b_at, self.g,
                self.g_alpha, self.g_scale, self.loss, self.eps, net.parameters,
                net.gradients, self.work, self.rows, self.outputs_rows,
                OPTIMIZERS[name],
                float(learning_rate), float(beta_1), float(beta_2), float(epsilon),
                optimizer.t, float(net.l1), float(net.l2), states[0], states[1])


    @property
    def outputs(self):
        """A[L] of the last epoch's examples, one column each, in that epoch's order."""
        return self.outputs_rows.T


def _state(optimizer, key, theta):
    """The optimizer's running average ``key`` (zeros at first), shaped like θ."""
    buf = optimizer.state.get(key)
    if buf is None or buf.shape != theta.shape or buf.dtype != theta.dtype:
        buf = optimizer.state[key] = np.zeros_like(theta)
    return buf


# ---------------------------------------------------------------------- the kernel
# Everything below is compiled: plain loops over the notes' indices, no NumPy calls.

#: the examples a step works on at once (a minibatch is cut into blocks of at most this
#: many): the innermost loops run over them, through consecutive memory
BLOCK = 64


def _g(code, alpha, scale, z):
    """a = g(z) of one unit (softmax is done per layer, in _forward)."""
    if code == 1:
        return _sigmoid(z)
    if code == 2:
        return _tanh(z)
    if code == 3:
        return _relu(z)
    if code == 4:
        return _leaky_relu(alpha, z)
    if code == 5:
        return scale * (z if z > 0 else alpha * np.expm1(min(z, 0.0)))
    if code == 6:
        return z * _sigmoid(z)
    if code == 7:
        return z * _tanh_softplus(z)
    return z


def _relu(z):
    """max(z, 0), NaN kept as NumPy's maximum keeps it."""
    return z if z > 0 or z != z else 0.0


def _leaky_relu(alpha, z):
    """z, or α·z below 0."""
    return z if z > 0 else alpha * z


def _tanh(z):
    """tanh(z): NumPy's in float64; in float32, ``_tanh_float32`` (``_build`` makes the
    compiled ``_tanh`` choose by the type of z)."""
    return np.tanh(z)


def _tanh_float32(z):
    """tanh(z) of a float32 z to within 1 ulp, in float64 arithmetic that the compiler
    vectorizes (a call of libm's tanhf, which it cannot, cost some 25 ns, 40× this).

    u = e^y − 1 for y = 2z/64 by its Taylor series, squared six times as
    (1 + u)² − 1 = u(2 + u) into e^(2z) − 1, then tanh z = (e^(2z) − 1)/(e^(2z) + 1); no
    term cancels, so small z keep their relative accuracy. |z| > 10 is taken as 10
    (tanh 10 is 1 in float32); a NaN passes through the comparisons as NaN."""
    y = 10.0 if z > 10.0 else (-10.0 if z < -10.0 else float(z))
    y *= 2.0 / 64.0
    u = y * (1.0 + y / 2 * (1.0 + y / 3 * (1.0 + y / 4 * (1.0 + y / 5 * (
        1.0 + y / 6 * (1.0 + y / 7 * (1.0 + y / 8 * (1.0 + y / 9))))))))
    for _ in range(6):
        u *= 2.0 + u
    return u / (u + 2.0)


def _exp(z):
    """e^z: NumPy's in float64; in float32, ``_exp_float32`` (chosen as ``_tanh`` is)."""
    return np.exp(z)


def _exp_float32(z):
    """e^z of a float32 z to within 1 ulp, in float64 arithmetic that the compiler
    vectorizes (libm's expf, which it cannot, is a call per unit: softmax's 640 a step
    on digits).

    v = e^y for y = z/1024 by its Taylor series to y⁷ (|y| ≤ 0.11: relative error under
    5e-13), squared ten times into e^z (each squaring doubles the relative error: under
    5e-10 at the end, far below float32's 6e-8). z is taken within [−110, 89]: e^−110
    is 0 in float32 and e^89 infinite, as they are for every z beyond; a NaN passes
    through the comparisons as NaN."""
    y = -110.0 if z < -110.0 else (89.0 if z > 89.0 else float(z))
    y *= 1.0 / 1024.0
    v = 1.0 + y * (1.0 + y / 2 * (1.0 + y / 3 * (1.0 + y / 4 * (1.0 + y / 5 * (
        1.0 + y / 6 * (1.0 + y / 7))))))
    for _ in range(10):
        v *= v
    return v


def _sigmoid(z):
    """σ(z), without overflow for either sign of z."""
    if z >= 0:
        return 1.0 / (1.0 + np.exp(-z))
    e = np.exp(z)
    return e / (1.0 + e)


def _tanh_softplus(z):
    """tanh(log(1 + e^z)), the softplus as max(z, 0) + log1p(e^−|z|)."""
    return np.tanh(max(z, 0.0) + np.log1p(np.exp(-abs(z))))


def _g_prime(code, alpha, scale, z, a):
    """g'(z) of one unit, given z and the a = g(z) it produced."""
    if code == 1:
        return a * (1.0 - a)
    if code == 2:
        return 1.0 - a * a
    if code == 3:
        return 1.0 if z > 0 else 0.0
    if code == 4:
        return 1.0 if z > 0 else alpha
    if code == 5:
        return scale * (1.0 if z > 0 else alpha * np.exp(min(z, 0.0)))
    if code == 6:
        s = _sigmoid(z)
        return s + z * s * (1.0 - s)
    if code == 7:
        t = _tanh_softplus(z)
        return t + z * _sigmoid(z) * (1.0 - t * t)
    return 1.0


def _slice(v, start, length):
    """v[start:start + length]: loops over a slice index from 0, which lets the compiler
    vectorize them (an index start + i might be negative, and wrap around, for all it
    knows)."""
    return v[start:start + length]


# The layer-wide loops below test the activation's code once, outside the loop, where a
# test inside would keep the compiler from vectorizing it: tanh (the float32 one is
# arithmetic), ReLU, the leaky ReLU and the linear g. The others go through _g and
# _g_prime per unit (most call libm's exp for every unit). (In float32 a call of _g per
# unit is not inlined, and cost ReLU 4 ns a unit, 30× its own loop.)

def _activate(code, alpha, scale, z, a):
    """a = g(z) for every unit of a layer (z and a: one layer of a block)."""
    if code == 2:
        for e in range(z.shape[0]):
            a[e] = _tanh(z[e])
    elif code == 3:
        for e in range(z.shape[0]):
            a[e] = _relu(z[e])
    elif code == 4:
        for e in range(z.shape[0]):
            a[e] = _leaky_relu(alpha, z[e])
    elif code == 0:
        for e in range(z.shape[0]):
            a[e] = z[e]
    else:
        for e in range(z.shape[0]):
            a[e] = _g(code, alpha, scale, z[e])


def _dz(code, alpha, scale, at, n, work, m_k):
    """dz = da * g'(z) of one layer (for softmax, a * (da − Σₖ aₖ daₖ))."""
    Z, A, dZ, dA = work[0], work[1], work[2], work[3]
    if code == 8:
        for i in range(m_k):
            weighted = 0.0
            for j in range(n):
                weighted += dA[(at + j) * m_k + i] * A[(at + j) * m_k + i]
            for j in range(n):
                e = (at + j) * m_k + i
                dZ[e] = (dA[e] - weighted) * A[e]
        return
    _derive(code, alpha, scale, _slice(Z, at * m_k, n * m_k), _slice(A, at * m_k, n * m_k),
            _slice(dA, at * m_k, n * m_k), _slice(dZ, at * m_k, n * m_k))


def _derive(code, alpha, scale, z, a, da, dz):
    """dz = da * g'(z) for every unit of a layer but softmax's (z, a, da, dz: one layer of
    a block, or of a minibatch)."""
    if code == 2:
        for e in range(z.shape[0]):
            dz[e] = da[e] * (1.0 - a[e] * a[e])
    elif code == 3:
        for e in range(z.shape[0]):
            dz[e] = da[e] * (1.0 if z[e] > 0 else 0.0)
    elif code == 4:
        for e in range(z.shape[0]):
            dz[e] = da[e] * (1.0 if z[e] > 0 else alpha)
    elif code == 0:
        for e in range(z.shape[0]):
            dz[e] = da[e]
    else:
        for e in range(z.shape[0]):
            dz[e] = da[e] * _g_prime(code, alpha, scale, z[e], a[e])


def _forward(sizes, w_at, b_at, g, g_alpha, g_scale, theta, work, m_k):
    """z[l] = W[l] a[l−1] + b[l], a[l] = g[l](z[l]) for l = 1 … L, for the block's m_k
    examples (a[0] given); returns where layer L starts. Each z_j(i) is the notes' sum,
    b_j + Σ_k W_jk a_k(i) in the order of k, with the loop over the examples i innermost."""
    Z, A = work[0], work[1]
    at_prev, at = 0, sizes[0]
    for l in range(1, sizes.shape[0]):
        n, n_prev = sizes[l], sizes[l - 1]
        W, b = w_at[l - 1], b_at[l - 1]
        for j in range(n):
            z = _slice(Z, (at + j) * m_k, m_k)  # z_j of the block's examples
            for i in range(m_k):
                z[i] = theta[b + j]
            for k in range(n_prev):
                w, a = theta[W + j * n_prev + k], _slice(A, (at_prev + k) * m_k, m_k)
                for i in range(m_k):
                    z[i] += w * a[i]
        if g[l - 1] == 8:  # softmax down each example's column: e^(z − max z) / Σ
            for i in range(m_k):
                top = Z[at * m_k + i]
                for j in range(n):
                    top = max(top, Z[(at + j) * m_k + i])
                total = 0.0
                for j in range(n):
                    e = (at + j) * m_k + i
                    A[e] = _exp(Z[e] - top)
                    total += A[e]
                for j in range(n):
                    A[(at + j) * m_k + i] /= total
        else:
            _activate(g[l - 1], g_alpha[l - 1], g_scale[l - 1],
                      _slice(Z, at * m_k, n * m_k), _slice(A, at * m_k, n * m_k))
        at_prev, at = at, at + n
    return at_prev


def _output_dz(Y_rows, order, first, loss, eps, at, n, work, m_k):
    """dz[L] of each example when the shortcut holds (a[L] − y), else da[L] = dL/da."""
    A, dZ, dA = work[1], work[2], work[3]
    for i in range(m_k):
        y = Y_rows[order[first + i]]
        for j in range(n):
            e = (at + j) * m_k + i
            a = A[e]
            if loss == 4:
                dZ[e] = a - y[j]
            else:
                dA[e] = _dL_da(loss, eps, n, a, y[j])


def _backward(sizes, w_at, b_at, g, g_alpha, g_scale, theta, grad, work, rows, m_k):
    """dW[l] += dz[l] a[l−1]ᵀ, db[l] += dz[l], and dz[l−1] for l = L … 1 (dz[L] given),
    for the block's m_k examples, each sum over the examples i in their order. ``rows``
    receives a[l−1]ᵀ (one example per row), so that the innermost loops read memory in
    order."""
    A, dZ, dA = work[1], work[2], work[3]
    L = sizes.shape[0] - 1
    at = 0
    for l in range(L):
        at += sizes[l]
    for l in range(L, 0, -1):
        n, n_prev = sizes[l], sizes[l - 1]
        at_prev = at - n_prev
        W, b = w_at[l - 1], b_at[l - 1]
        for k in range(n_prev):
            for i in range(m_k):
                rows[i * n_prev + k] = A[(at_prev + k) * m_k + i]
        for j in range(n):
            dz, dW_j = _slice(dZ, (at + j) * m_k, m_k), _slice(grad, W + j * n_prev, n_prev)
            for i in range(m_k):
                grad[b + j] += dz[i]
                a = _slice(rows, i * n_prev, n_prev)
                for k in range(n_prev):
                    dW_j[k] += dz[i] * a[k]
        if l > 1:
            for k in range(n_prev):
                da = _slice(dA, (at_prev + k) * m_k, m_k)
                for i in range(m_k):
                    da[i] = 0.0
                for j in range(n):
                    w, dz = theta[W + j * n_prev + k], _slice(dZ, (at + j) * m_k, m_k)
                    for i in range(m_k):
                        da[i] += w * dz[i]
            _dz(g[l - 2], g_alpha[l - 2], g_scale[l - 2], at_prev, n_prev, work, m_k)
        at = at_prev


def _step(optimizer, theta, grad, learning_rate, beta_1, beta_2, epsilon, t, s1, s2):
    """One optimizer step on θ from g (glassnet.optimizers' formulas, element by element)."""
    if optimizer == 0:  # θ := θ − α·g, its own loop (vectorized)
        for i in range(theta.shape[0]):
            theta[i] -= grad[i] * learning_rate
        return
    for i in range(theta.shape[0]):
        d = grad[i]
        if optimizer == 1:  # V := βV + (1 − β)g; θ := θ − αV
            s1[i] = s1[i] * beta_1 + (1.0 - beta_1) * d
            theta[i] -= learning_rate * s1[i]
        elif optimizer == 2 or optimizer == 3:  # v := μv − αg; θ := θ + v (Nesterov: + μv − αg)
            s1[i] = s1[i] * beta_1 - d * learning_rate
            theta[i] += beta_1 * s1[i] - d * learning_rate if optimizer == 3 else s1[i]
        elif optimizer == 4:  # S := ρS + (1 − ρ)g²; θ := θ − αg / (√S + ε)
            s1[i] = s1[i] * beta_1 + (1.0 - beta_1) * d * d
            theta[i] -= learning_rate * d / (np.sqrt(s1[i]) + epsilon)
        else:  # Adam: M, S as Kingma & Ba's, then the bias correction
            s1[i] = s1[i] * beta_1 + (1.0 - beta_1) * d
            s2[i] = s2[i] * beta_2 + (1.0 - beta_2) * d * d
            if optimizer == 5:  # on M and S: θ := θ − α·M̂ / (√Ŝ + ε)
                M_hat = s1[i] / (1.0 - beta_1 ** float(t))
                S_hat = s2[i] / (1.0 - beta_2 ** float(t))
                theta[i] -= learning_rate * M_hat / (np.sqrt(S_hat) + epsilon)
            else:  # scikit-learn's, on the rate: θ := θ − α·√(1 − β₂ᵗ)/(1 − β₁ᵗ)·M / (√S + ε)
                rate = learning_rate * np.sqrt(1.0 - beta_2 ** float(t)) / (1.0 - beta_1 ** float(t))
                theta[i] += -rate * s1[i] / (np.sqrt(s2[i]) + epsilon)


def _mass(s, order, start, m_b, weighted):
    """m̃_b of the minibatch that starts at ``start``: m_b, or Σ s_i with sample weights."""
    if not weighted:
        return float(m_b)
    mass = 0.0
    for i in range(start, start + m_b):
        mass += s[order[i]]
    return mass


def _penalty_term(theta, n_w, l1, l2, m_b, mass):
    """m_b·(λ₂/2m̃_b·Σ w² + λ₁/m̃_b·Σ |w|): this step's regularization term of J, taken
    before its step, over the n_w weights at the start of θ."""
    if l1 == 0.0 and l2 == 0.0:
        return 0.0
    squares, absolutes = 0.0, 0.0
    for i in range(n_w):
        squares += theta[i] * theta[i]
        absolutes += abs(theta[i])
    return m_b * (0.5 * l2 / mass * squares + l1 / mass * absolutes)


def _epoch_loop(X_rows, Y_rows, order, s, B, sizes, w_at, b_at, g, g_alpha, g_scale, loss,
                eps, theta, grad, work, rows, outputs, optimizer, learning_rate, beta_1, beta_2,
                epsilon, t, l1, l2, s1, s2):
    """Every step of one epoch; returns Σ_b m_b·(the step's regularization term).

    ``s`` holds a weight per example (scikit-learn's sample weights), or nothing (all 1):
    dz[L] of example i is then s_i·dz[L], and a step divides by m̃_b = Σ s_i over its
    minibatch where it would divide by m_b."""
    m = order.shape[0]
    n_w = b_at[0]
    L = sizes.shape[0] - 1
    n_L = sizes[L]
    weighted = s.shape[0] > 0
    penalty = 0.0
    for start in range(0, m, B):
        stop = min(start + B, m)
        m_b = stop - start
        mass = _mass(s, order, start, m_b, weighted)
        t += 1
        penalty += _penalty_term(theta, n_w, l1, l2, m_b, mass)
        for i in range(grad.shape[0]):
            grad[i] = 0.0
        for first in range(start, stop, BLOCK):  # the minibatch's examples, a block at a time
            m_k = min(BLOCK, stop - first)
            for i in range(m_k):  # a[0] = x(i)
                x = X_rows[order[first + i]]
                for k in range(sizes[0]):
                    work[1, k * m_k + i] = x[k]
            at = _forward(sizes, w_at, b_at, g, g_alpha, g_scale, theta, work, m_k)
            for i in range(m_k):
                for j in range(n_L):
                    outputs[first + i, j] = work[1, (at + j) * m_k + i]
            _output_dz(Y_rows, order, first, loss, eps, at, n_L, work, m_k)
            if loss != 4:  # dz[L] = da[L] * g'(z[L])
                _dz(g[L - 1], g_alpha[L - 1], g_scale[L - 1], at, n_L, work, m_k)
            if weighted:
                for j in range(n_L):
                    for i in range(m_k):
                        work[2, (at + j) * m_k + i] *= s[order[first + i]]
            _backward(sizes, w_at, b_at, g, g_alpha, g_scale, theta, grad, work, rows, m_k)
        scale = 1.0 / mass
        for i in range(grad.shape[0]):
            grad[i] *= scale
        if l2 != 0.0:  # the L1/L2 gradient, (λ₂/m̃_b)·w + (λ₁/m̃_b)·sign(w)
            for i in range(n_w):
                grad[i] += (l2 / mass) * theta[i]
        if l1 != 0.0:
            for i in range(n_w):
                grad[i] += (l1 / mass) * np.sign(theta[i])
        _step(optimizer, theta, grad, learning_rate, beta_1, beta_2, epsilon, t, s1, s2)
    return penalty


def _loss_sum(outputs, Y_rows, order, loss, eps):
    """Σᵢ L(a(i), y(i)) over the epoch's examples, a(i) = outputs[i] and y(i) =
    Y_rows[order[i]]: ``glassnet.losses``' L of the ``LOSSES`` code, clipped as there,
    summed in float64 (NaN kept: a clip by comparisons leaves it as np.clip does).

    A cross-entropy term is taken, and its a clipped, only where it is not 0: 0·log(a) is 0
    for a clipped a, so y = 0 (and y = 1 in the second term of the binary one) adds
    nothing unless a is NaN. With one-hot Y that is one term in n[L]."""
    total = 0.0
    n = outputs.shape[1]
    if loss == 2 or loss == 3:  # ½‖a − y‖² or (1/n[L])·‖a − y‖²
        for i in range(order.shape[0]):
            a_i, y_i = outputs[i], Y_rows[order[i]]
            for j in range(n):
                a, y = a_i[j], y_i[j]
                if loss == 2:
                    total += 0.5 * (a - y) * (a - y)
                else:
                    total += (a - y) * (a - y) / n
        return total
    binary = loss == 0  # the cross-entropies: −y·log(a) (− (1 − y)·log(1 − a)), a clipped
    high = 1.0 - eps if binary else 1.0
    for i in range(order.shape[0]):
        a_i, y_i = outputs[i], Y_rows[order[i]]
        for j in range(n):
            a, y = a_i[j], y_i[j]
            first = y != 0.0 or a != a
            second = binary and (y != 1.0 or a != a)
            if first or second:
                if a < eps:
                    a = eps
                elif a > high:
                    a = high
                if first:
                    total -= y * np.log(a)
                if second:
                    total -= (1.0 - y) * np.log1p(-a)
    return total


def _jit(numba, function, reassociate=False):
    """``function`` compiled, its machine code cached on disk; uncached when no cache
    directory is writable (Numba then says so with a RuntimeError at decoration).
    ``reassociate``: its sums may run in any order (which lets the compiler vectorize them)."""
    fastmath = {"contract", "reassoc"} if reassociate else {"contract"}
    try:
        return numba.njit(cache=True, nogil=True, error_model="numpy", fastmath=fastmath)(function)
    except RuntimeError:
        return numba.njit(nogil=True)(function)


_compiled: dict = {}  # "epoch": the compiled loop, "loss": the loss' sum, once built
_building = threading.Lock()  # one thread builds them; the others wait for it


def _kernel():
    """The compiled ``_epoch_loop`` (Numba imported and the helpers jitted on first use)."""
    with _building:
        return _compiled["epoch"] if "epoch" in _compiled else _build()


def _loss_kernel():
    """The compiled ``_loss_sum`` (jitted on first use, after the loop's helpers)."""
    _kernel()
    with _building:
        if "loss" not in _compiled:
            import numba

            _compiled["loss"] = _jit(numba, _loss_sum)
        return _compiled["loss"]


def _build():
    """Numba imported, the helpers and the loop jitted (compiled at their first call)."""
    import numba
    from numba.extending import overload

    @overload(_tanh, jit_options={"fastmath": {"contract"}})
    def _tanh_by_type(z):  # which tanh the compiled _tanh is, chosen by the type of z
        return _tanh_float32 if z == numba.float32 else _tanh

    @overload(_exp, jit_options={"fastmath": {"contract"}})
    def _exp_by_type(z):  # the same for e^z
        return _exp_float32 if z == numba.float32 else _exp

    helpers = ("_slice", "_relu", "_leaky_relu", "_sigmoid", "_tanh_softplus", "_g",
               "_g_prime", "_activate", "_derive", "_forward", "_dL_da", "_output_dz", "_dz", "_backward", "_step",
               "_mass", "_penalty_term")
    for name in helpers:  # the loop calls them by these global names
        globals()[name] = _jit(numba, globals()[name])
    _compiled["epoch"] = _jit(numba, _epoch_loop)
    return _compiled["epoch"]



# ---------------------------------------------------------------------- the vectorized pass
# The notes' second form of backpropagation, compiled: per minibatch of m_b examples,
#
#     A[0] = X_b;  Z[l] = W[l] A[l−1] + b[l];  A[l] = g[l](Z[l])          (l = 1 … L)
#     dZ[L] = (A[L] − Y_b) / m_b  (or dL/dA ⊙ g'(Z[L]) / m_b);
#     dW[l] = dZ[l] A[l−1]ᵀ;  db[l] = Σᵢ dZ[l][:, i];  dZ[l−1] = (W[l]ᵀ dZ[l]) ⊙ g'(Z[l−1]),
#
# then one optimizer step. The three matrix products of each layer are BLAS's gemm (``_gemm``
# on C- or F-ordered arrays, a transposed view by a flag, without a copy, into the kept
# buffers: nothing is allocated per step); everything element-wise
# is a compiled loop. Departures from the NumPy engine, which computes the same:
# - the 1/m_b is applied once, to dZ[L] (every dW, db is linear in it), instead of to the
#   gradient vector;
# - A[0] is kept transposed (one example per row, as X_rows holds them), which BLAS reads
#   as it reads A[0];
# - db[l]'s sums run in any order (``_row_sum``: the compiler vectorizes it);
# - with plain SGD, the step is taken inside the product: W[l] := W[l] − α·dZ[l] A[l−1]ᵀ
#   is one gemm (C := β·C + α·X Y), after dA[l−1] = W[l]ᵀ dZ[l] has used the old W[l];
#   with L2, β = 1 − αλ₂/m̃_b does the weight decay; with L1 a pass over W[l] first. dW
#   and db are then never written (``net.gradients`` keeps what it held): the other
#   optimizers need them, and take their step on θ from g after the pass, as the notes.


def _matrix(v, start, n_rows, n_cols):
    """v[start:start + n_rows·n_cols] as an (n_rows, n_cols) C-ordered matrix (a view)."""
    return v[start:start + n_rows * n_cols].reshape(n_rows, n_cols)


_cblas_gemm = None  # BLAS's gemm, compiled code's only: _blas_gemm_intrinsic (when built)


def _gemm(alpha, X, Y, beta, C):
    """C := β·C + α·X Y by BLAS's gemm (C C-ordered; X and Y each C-ordered, or the
    transposed view of a C-ordered matrix, which BLAS reads transposed)."""
    p, q = C.shape
    x_c, y_c = X.flags.c_contiguous, Y.flags.c_contiguous
    _cblas_gemm(111 if x_c else 112, 111 if y_c else 112, p, q, X.shape[1], alpha,
                X, X.shape[1] if x_c else X.shape[0], Y, Y.shape[1] if y_c else Y.shape[0],
                beta, C, q)


def _dL_da(loss, eps, n, a, y):
    """dL/da of one output unit a with target y, for the losses whose dZ[L] is not the
    shortcut (n = n[L])."""
    if loss == 0:  # binary cross-entropy, a clipped to [ε, 1 − ε]
        a = min(max(a, eps), 1.0 - eps)
        return (a - y) / (a * (1.0 - a))
    if loss == 1:  # categorical cross-entropy, a clipped to [ε, 1]
        return -y / min(max(a, eps), 1.0)
    if loss == 2:
        return a - y
    return (a - y) * (2.0 / n)


def _layer_forward(W, A_prev, b, Z, A, code, alpha, scale, top, total):
    """Z = W A_prev + b, A = g(Z) of one layer. Softmax, down each example's column, is
    computed a row at a time (the loops over the examples innermost, as in _forward; m_b
    of ``top`` and ``total`` hold each column's max z and Σ e^(z − max z))."""
    _gemm(1.0, W, A_prev, 0.0, Z)
    n, m_b = Z.shape
    for j in range(n):
        z = Z[j]
        for i in range(m_b):
            z[i] += b[j]
    if code != 8:
        _activate(code, alpha, scale, Z.reshape(n * m_b), A.reshape(n * m_b))
        return
    for i in range(m_b):  # softmax: e^(z − max z) / Σ e^(z − max z), as _forward
        top[i], total[i] = Z[0, i], 0.0
    for j in range(n):
        for i in range(m_b):
            top[i] = max(top[i], Z[j, i])
    for j in range(n):
        for i in range(m_b):
            A[j, i] = _exp(Z[j, i] - top[i])
            total[i] += A[j, i]
    for j in range(n):
        for i in range(m_b):
            A[j, i] /= total[i]


def _layer_dZ(code, alpha, scale, Z, A, dA, dZ):
    """dZ = dA ⊙ g'(Z) of one layer (for softmax, A ⊙ (dA − Σₖ Aₖ dAₖ) per column)."""
    n, m_b = Z.shape
    if code == 8:
        for i in range(m_b):
            weighted = 0.0
            for j in range(n):
                weighted += dA[j, i] * A[j, i]
            for j in range(n):
                dZ[j, i] = (dA[j, i] - weighted) * A[j, i]
        return
    _derive(code, alpha, scale, Z.reshape(n * m_b), A.reshape(n * m_b), dA.reshape(n * m_b),
            dZ.reshape(n * m_b))


def _row_sum(v):
    """Σᵢ v[i], in any order (compiled with reassociation: the compiler vectorizes it)."""
    total = 0.0
    for i in range(v.shape[0]):
        total += v[i]
    return total


def _layer_sums(dZ, A_prev_T, dW, db):
    """dW = dZ A_prevᵀ (A_prevᵀ given) and db = the sum of dZ's columns, of one layer."""
    _gemm(1.0, dZ, A_prev_T, 0.0, dW)
    for j in range(dZ.shape[0]):
        db[j] = _row_sum(dZ[j])


def _layer_update(fused, dZ, A_prev_T, W, b, dW, db, learning_rate, l1, l2, mass):
    """dW and db of one layer (``_layer_sums``), or with ``fused`` (plain SGD) its step,
    dW and db never stored (the section's comment):
    W := (1 − αλ₂/m̃_b)·W − α(λ₁/m̃_b)·sign(W) − α·dZ A_prevᵀ;  b := b − α·Σᵢ dZ[:, i]."""
    if not fused:
        _layer_sums(dZ, A_prev_T, dW, db)
        return
    if l1 != 0.0:
        w = W.reshape(W.size)
        for i in range(w.shape[0]):
            w[i] -= learning_rate * ((l2 / mass) * w[i] + (l1 / mass) * np.sign(w[i]))
        decay = 1.0
    else:
        decay = 1.0 - learning_rate * l2 / mass
    _gemm(-learning_rate, dZ, A_prev_T, decay, W)
    for j in range(dZ.shape[0]):
        b[j] -= learning_rate * _row_sum(dZ[j])


def _vectorized_epoch(X_rows, Y_rows, order, s, B, sizes, w_at, b_at, g, g_alpha, g_scale,
                      loss, eps, theta, grad, work, rows, outputs, optimizer, learning_rate,
                      beta_1, beta_2, epsilon, t, l1, l2, s1, s2):
    """Every step of one epoch as the notes' vectorized pass (the section's comment);
    returns Σ_b m_b·(the step's regularization term). The arguments are _epoch_loop's;
    ``work`` holds Z, A, dZ, dA of layers 1 … L, layer l's (n[l], m_b) matrix from unit
    ``at`` = n[1] + … + n[l−1] on (at·B), and ``rows`` holds A[0]ᵀ."""
    m, n_w, L, n_x = order.shape[0], b_at[0], sizes.shape[0] - 1, sizes[0]
    n_L = sizes[L]
    weighted = s.shape[0] > 0
    fused = optimizer == 0  # plain SGD: the step inside the dW product
    top, total = np.empty(B, theta.dtype), np.empty(B)  # softmax's, for each example
    penalty = 0.0
    for start in range(0, m, B):
        m_b = min(B, m - start)
        mass = _mass(s, order, start, m_b, weighted)
        t += 1
        penalty += _penalty_term(theta, n_w, l1, l2, m_b, mass)
        A0_T = _matrix(rows, 0, m_b, n_x)
        for i in range(m_b):  # A[0]ᵀ: x(i) of the minibatch, one per row
            x, a = X_rows[order[start + i]], A0_T[i]
            for k in range(n_x):  # (8× faster than A0_T[i] = x, Numba's array copy)
                a[k] = x[k]
        for l in range(1, L + 1):
            n, at = sizes[l], (b_at[l - 1] - n_w) * B
            W = _matrix(theta, w_at[l - 1], n, sizes[l - 1])
            Z, A = _matrix(work[0], at, n, m_b), _matrix(work[1], at, n, m_b)
            b = theta[b_at[l - 1]:b_at[l - 1] + n]
            if l == 1:
                _layer_forward(W, A0_T.T, b, Z, A, g[0], g_alpha[0], g_scale[0], top, total)
            else:
                A_prev = _matrix(work[1], (b_at[l - 2] - n_w) * B, sizes[l - 1], m_b)
                _layer_forward(W, A_prev, b, Z, A, g[l - 1], g_alpha[l - 1], g_scale[l - 1],
                               top, total)
        at = (b_at[L - 1] - n_w) * B
        Z, A = _matrix(work[0], at, n_L, m_b), _matrix(work[1], at, n_L, m_b)
        dZ, dA = _matrix(work[2], at, n_L, m_b), _matrix(work[3], at, n_L, m_b)
        for i in range(m_b):
            y = Y_rows[order[start + i]]
            for j in range(n_L):
                outputs[start + i, j] = A[j, i]
                if loss == 4:  # the shortcut dZ[L] = A[L] − Y
                    dZ[j, i] = A[j, i] - y[j]
                else:
                    dA[j, i] = _dL_da(loss, eps, n_L, A[j, i], y[j])
        if loss != 4:
            _layer_dZ(g[L - 1], g_alpha[L - 1], g_scale[L - 1], Z, A, dA, dZ)
        for i in range(m_b):  # the 1/m̃_b of every dW, db (and each example's weight s_i)
            share = (s[order[start + i]] if weighted else 1.0) / mass
            for j in range(n_L):
                dZ[j, i] *= share
        for l in range(L, 0, -1):
            n, n_prev = sizes[l], sizes[l - 1]
            dZ = _matrix(work[2], (b_at[l - 1] - n_w) * B, n, m_b)
            W, b = _matrix(theta, w_at[l - 1], n, n_prev), theta[b_at[l - 1]:b_at[l - 1] + n]
            dW, db = _matrix(grad, w_at[l - 1], n, n_prev), grad[b_at[l - 1]:b_at[l - 1] + n]
            if l == 1:
                _layer_update(fused, dZ, A0_T, W, b, dW, db, learning_rate, l1, l2, mass)
                break
            at_prev = (b_at[l - 2] - n_w) * B
            A_prev = _matrix(work[1], at_prev, n_prev, m_b)
            dA_prev = _matrix(work[3], at_prev, n_prev, m_b)
            _gemm(1.0, W.T, dZ, 0.0, dA_prev)  # dA[l−1] = W[l]ᵀ dZ[l], W[l] before its step
            _layer_update(fused, dZ, A_prev.T, W, b, dW, db, learning_rate, l1, l2, mass)
            _layer_dZ(g[l - 2], g_alpha[l - 2], g_scale[l - 2],
                      _matrix(work[0], at_prev, n_prev, m_b), A_prev, dA_prev,
                      _matrix(work[2], at_prev, n_prev, m_b))
        if not fused:
            if l1 != 0.0 or l2 != 0.0:  # the L1/L2 gradient, (λ₂/m̃_b)·w + (λ₁/m̃_b)·sign(w)
                for i in range(n_w):
                    grad[i] += (l2 / mass) * theta[i] + (l1 / mass) * np.sign(theta[i])
            _step(optimizer, theta, grad, learning_rate, beta_1, beta_2, epsilon, t, s1, s2)
    return penalty


#: the OpenBLAS the vectorized pass multiplies with: scipy-openblas32 (the build NumPy's
#: and SciPy's wheels bundle, as a package of its own and a newer release than SciPy's copy;
#: on digits' small products 0.3.34 took 46 µs a step where SciPy's 0.3.30 took 59). Its
#: functions' names begin with this prefix (its pkg-config's -DBLAS_SYMBOL_PREFIX)
BLAS_PREFIX = "scipy_"
#: dtype → (the library's gemm, the name the compiled code calls it by: ``load_blas``)
BLAS_GEMM = {"float32": ("cblas_sgemm", "glassnet_cblas_sgemm"),
             "float64": ("cblas_dgemm", "glassnet_cblas_dgemm")}
#: the largest size (rows, columns, leading dimension) its gemm takes: a 32-bit int
BLAS_INT_MAX = 2**31 - 1


def load_blas():
    """The compiled engine's BLAS (scipy-openblas32, a ctypes library), loaded once a process
    and its gemm's addresses given to the compiler before any compiled code that calls them
    is loaded from the cache. Load it before setting threadpoolctl's limits if they are to
    hold it: they reach only the libraries loaded when they are set (the benchmark does)."""
    if "blas" not in _compiled:
        import ctypes
        import os

        import llvmlite.binding
        import scipy_openblas32 as openblas

        library = ctypes.CDLL(os.path.join(openblas.get_lib_dir(),
                                           openblas.get_library(fullname=True)))
        for name, alias in BLAS_GEMM.values():
            address = ctypes.cast(getattr(library, BLAS_PREFIX + name), ctypes.c_void_p)
            llvmlite.binding.add_symbol(alias, address.value)
        _compiled["blas"] = library
    return _compiled["blas"]


def _blas_gemm_intrinsic(numba):
    """``_cblas_gemm(trans_x, trans_y, p, q, k, α, X, ld_x, Y, ld_y, β, C, ld_c)``:
    C := β·C + α·op(X) op(Y) by OpenBLAS's cblas gemm of C's dtype, C row-major (C's
    own order), op a transpose when trans is 112 (CblasTrans), none when 111."""
    from llvmlite import ir
    from numba.core import cgutils, types
    from numba.extending import intrinsic
    from numba.np.arrayobj import make_array

    @intrinsic
    def _cblas_gemm(typingctx, trans_x, trans_y, p, q, k, alpha, X, ld_x, Y, ld_y, beta, C,
                    ld_c):
        sig = types.void(trans_x, trans_y, p, q, k, alpha, X, ld_x, Y, ld_y, beta, C, ld_c)

        def codegen(context, builder, sig, args):
            int32, void_p = ir.IntType(32), cgutils.voidptr_t
            real = context.get_value_type(C.dtype)
            fnty = ir.FunctionType(ir.VoidType(), [int32] * 6 + [real, void_p, int32, void_p,
                                                                int32, real, void_p, int32])
            name = BLAS_GEMM["float32" if C.dtype == types.float32 else "float64"][1]
            fn = cgutils.get_or_insert_function(builder.module, fnty, name)
            values = list(zip(sig.args, args, strict=True))

            def integer(i):
                return builder.trunc(context.cast(builder, args[i], sig.args[i], types.intp),
                                     int32)

            def scalar(i):
                return context.cast(builder, args[i], sig.args[i], C.dtype)

            def data(i):
                ty, value = values[i]
                return builder.bitcast(make_array(ty)(context, builder, value).data, void_p)

            row_major = ir.Constant(int32, 101)  # CblasRowMajor
            builder.call(fn, (row_major, integer(0), integer(1), integer(2), integer(3),
                              integer(4), scalar(5), data(6), integer(7), data(8),
                              integer(9), scalar(10), data(11), integer(12)))
            return context.get_dummy_value()

        return sig, codegen

    return _cblas_gemm


def _vectorized_kernel():
    """The compiled ``_vectorized_epoch`` (after the per-example loop's helpers)."""
    _kernel()
    with _building:
        if "vectorized" not in _compiled:
            import numba

            load_blas()
            globals()["_cblas_gemm"] = _blas_gemm_intrinsic(numba)
            globals()["_row_sum"] = _jit(numba, _row_sum, reassociate=True)
            for name in ("_matrix", "_gemm", "_layer_forward", "_layer_dZ", "_layer_sums",
                         "_layer_update"):
                globals()[name] = _jit(numba, globals()[name])
            _compiled["vectorized"] = _jit(numba, _vectorized_epoch)
        return _compiled["vectorized"]


class VectorizedEngine(CompiledEngine):
    """An epoch's steps in one compiled call, as the notes' vectorized pass: BLAS's matrix
    products, the element-wise rest in compiled loops (the section's comment). Built and
    used as ``CompiledEngine``; faster than it once a step has enough work for BLAS."""

    def __init__(self, net, X, Y, batch_size):
        reason = too_large(net, batch_size)  # before the copies of X and Y
        if reason is not None:
            raise ConfigError(f"the compiled engine cannot train {reason}; use engine='numpy'")
        super().__init__(net, X, Y, batch_size)
        largest = max(n * n_prev for n, n_prev in zip(net.sizes[1:], net.sizes, strict=False))
        self.one_thread = largest * batch_size <= ONE_THREAD_MAX_WORK

    def steps(self, order, optimizer, learning_rate, s=None):
        """``CompiledEngine.steps``, on one BLAS thread when the products are small
        (ONE_THREAD_MAX_WORK): the same products, split differently, so the results
        agree to rounding (tests/test_compiled_engine.py)."""
        if not self.one_thread:
            return super().steps(order, optimizer, learning_rate, s)
        with _one_blas_thread():
            return super().steps(order, optimizer, learning_rate, s)

    def _buffers(self, sizes, dtype):
        """(work, rows): Z, A, dZ, dA of layers 1 … L for B examples; A[0]ᵀ."""
        B = self.batch_size
        return (np.zeros((4, int(sizes[1:].sum()) * B), dtype=dtype),
                np.zeros(B * int(sizes[0]), dtype=dtype))

    @staticmethod
    def kernel():
        return _vectorized_kernel()


@contextlib.contextmanager
def _one_blas_thread():
    """The kernel's BLAS (``load_blas``) on one thread while the block runs, then on as
    many as before (OpenBLAS's own get and set_num_threads, as threadpoolctl calls them)."""
    library = load_blas()
    threads = getattr(library, BLAS_PREFIX + "openblas_get_num_threads")()
    set_threads = getattr(library, BLAS_PREFIX + "openblas_set_num_threads")
    if threads > 1:
        set_threads(1)
    try:
        yield
    finally:
        if threads > 1:
            set_threads(threads)
