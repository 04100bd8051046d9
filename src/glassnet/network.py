"""The network: L dense layers, forward propagation, backpropagation and the cost.

In the notes' notation, with A[0] = X of shape (n_x, m) (examples are columns):

    for l = 1 … L:   Z[l] = W[l] A[l-1] + b[l],   A[l] = g[l](Z[l])
    J = (1/m) Σᵢ L(a[L](i), y(i))  (+ the regularization term)

    dZ[L] = A[L] − Y                    (sigmoid + binary CE, softmax + categorical CE)
    dZ[L] = dA[L] * g[L]'(Z[L])         (any other pairing: the general chain rule)
    for l = L … 1:   dW[l] = (1/m) dZ[l] A[l-1]ᵀ,   db[l] = (1/m) Σ dZ[l],
                     dZ[l-1] = W[l]ᵀ dZ[l] * g[l-1]'(Z[l-1])

The input layer is not counted: a network with one hidden layer has L = 2.

Everything is reachable by the notes' layer number: ``net.W[1]`` is the first hidden
layer's weight matrix, ``net.A[0]`` is the X of the last forward pass, ``net.dW[2]`` the
gradient of the last backward pass. All parameters live in one flat vector
``net.parameters`` (W[1] … W[L], then b[1] … b[L]), every gradient in ``net.gradients``,
so that an optimizer updates the whole network at once.

Two kinds of pass, with the same arithmetic:

* the checked ones, for users: ``forward(X)``, ``backward(Y)``, ``cost(X, Y)``,
  ``gradient(X, Y)`` check their arguments, refuse an overflow with a NumericError naming
  the layer and return copies; ``predict(X)`` and ``evaluate(X, Y)`` moreover leave the
  caches (``net.A[l]``, ``net.dW[l]``, …) of the last pass alone;
* the unchecked ones, for code that checks its data once and then runs many passes (the
  epoch runner's steps, the gradient check, the divergence watch, the playground):
  ``forward_unchecked(X)``, ``backward_unchecked(Y)``, ``cost_of_output(A, Y)`` (and
  ``predict_unchecked(X)``, which leaves the caches alone) take arrays already checked, run under the caller's ``np.errstate``, check nothing and copy
  nothing (A[L] is the cache's buffer), and fill the caches as ``forward``/``backward`` do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from . import activations, losses, regularization
from .display import html_table, text_table
from .errors import (
    ConfigError,
    GlassnetTypeError,
    LayerIndexError,
    NotFittedError,
    NumericError,
    ShapeError,
)
from .layers import Dense
from .metrics import check_metrics, metric_value, threshold_for
from .validation import (
    as_float_array,
    check_dtype,
    check_finite,
    check_non_negative,
    check_positive_int,
    check_seed,
    check_X,
    check_Y,
)

#: The largest network glassnet builds, in parameters (W and b together). A fixed, documented
#: cap rather than a guess at the free memory: the values and their gradients take
#: 2 × 8 bytes each in float64, so 10⁸ parameters are 1.6 GB before any forward pass.
MAX_PARAMETERS = 10**8
#: ``predict`` works on this many bytes of Z[l] (the widest layer's) at a time
_PREDICT_CHUNK_BYTES = 2 ** 23

# The output activation that goes with each loss when the user names only the loss,
# and the loss that goes with each output activation when the user names neither.
_OUTPUT_FOR_LOSS = {
    "binary_cross_entropy": "sigmoid",
    "categorical_cross_entropy": "softmax",
    "half_squared_error": "linear",
    "mean_squared_error": "linear",
    "half_poisson_deviance": "exponential",
}
_LOSS_FOR_OUTPUT = {"sigmoid": "binary_cross_entropy", "softmax": "categorical_cross_entropy",
                    "exponential": "half_poisson_deviance"}


if TYPE_CHECKING:  # for the hints only: `import glassnet` loads neither numpy.random nor these
    from numpy.typing import ArrayLike

    from .activations import Activation
    from .history import History

    #: what a seed may be: None (fresh entropy), a whole number ≥ 0 or a NumPy Generator
    Seed = int | np.random.Generator | None


class _Cache:
    """The values of one forward and backward pass over m examples: A[0..L], Z, dA, dZ.

    Buffers are kept between passes of the same m, so training allocates nothing per step.
    ``ones`` is a column of m ones, with which the backward pass sums dZ[l] over examples.
    """

    def __init__(self, sizes, m, dtype, shortcut):
        self.m = m
        self.ones = np.ones((m, 1), dtype=dtype)
        self.Z = [None] + [np.empty((n, m), dtype=dtype) for n in sizes[1:]]
        self.A = [None] + [np.empty((n, m), dtype=dtype) for n in sizes[1:]]
        self.dA = [None] + [np.empty((n, m), dtype=dtype) for n in sizes[1:]]
        if shortcut:  # dZ[L] = A[L] − Y directly: dA[L] is never formed
            self.dA[-1] = None
        self.dZ = [None] + [np.empty((n, m), dtype=dtype) for n in sizes[1:]]


class ByLayer:
    """``net.W[l]``-style access to one quantity of every layer, by the notes' numbering.

    Reading gives the array itself (for caches and gradients, the buffer the next pass
    overwrites: copy it to keep it). Assigning to a parameter (``net.W[2] = ...``) checks
    the shape and copies the values in.
    """

    def __init__(self, net: Network, symbol: str, get: Callable[[int], np.ndarray | None],
                 first: int = 1, settable: bool = False) -> None:
        self._net, self._symbol, self._get = net, symbol, get
        self._first, self._settable = first, settable

    def _check(self, l):
        L = self._net.L
        if isinstance(l, bool) or not isinstance(l, (int, np.integer)):
            raise GlassnetTypeError(
                f"layers are numbered by whole numbers, as in {self._symbol}[1]; got {l!r}")
        if not self._first <= l <= L:
            raise LayerIndexError(
                f"{self._symbol}[{l}] does not exist: this network has L = {L} layers, so "
                f"{self._symbol}[{self._first}] … {self._symbol}[{L}]"
            )
        return int(l)

    def __getitem__(self, l: int) -> np.ndarray:
        value = self._get(self._check(l))
        if value is None:
            raise NotFittedError(
                f"{self._symbol}[{l}] is not computed yet: run net.forward(X)"
                + (" and net.backward(Y)" if self._symbol.startswith("d") else "")
            )
        return value

    def __setitem__(self, l: int, value: ArrayLike) -> None:
        if not self._settable:
            hint = "; set it with net.set_bias_column(l, W̃)" if self._symbol == "W̃" else ""
            raise GlassnetTypeError(
                f"{self._symbol}[l] is computed by the network and cannot be set{hint}")
        target = self[l]
        value = as_float_array(value, f"{self._symbol}[{l}]", target.dtype)
        if value.shape != target.shape and not (value.ndim == 1 and value.size == target.size
                                                and target.shape[1] == 1):
            raise ShapeError(
                f"{self._symbol}[{l}] must have shape {target.shape} "
                f"(n[{l}], {'1' if self._symbol == 'b' else f'n[{l - 1}]'}), got {value.shape}"
            )
        check_finite(value, f"{self._symbol}[{l}]")
        target[...] = value.reshape(target.shape)

    def __len__(self) -> int:
        return self._net.L - self._first + 1

    def __iter__(self) -> Iterator[np.ndarray]:
        return (self[l] for l in range(self._first, self._net.L + 1))

    def __repr__(self):
        return f"<{self._symbol}[{self._first}..{self._net.L}] of {self._net!r}>"


class Network:
    """A feed-forward network of dense layers, in the notes' notation.

    ``sizes`` lists the units of every layer including the input: [n_x, n[1], …, n[L]].
    ``activations`` names the hidden layers' g (one name for all, or one per hidden layer);
    ``output`` names g[L]. With only a loss named, the output follows it (sigmoid for binary
    cross-entropy, softmax for categorical, linear for squared error); with neither, one
    output unit means sigmoid + binary cross-entropy and several mean softmax + categorical.

    >>> net = Network([2, 4, 1], activations="tanh", seed=0)
    >>> net.W[1].shape, net.b[1].shape, net.W[2].shape
    ((4, 2), (4, 1), (1, 4))
    """

    def __init__(self, sizes: Sequence[int], activations: Any = "relu", output: Any = None,
                 loss: Any = None, initializer: Any = None, bias_initializer: Any = "zeros",
                 seed: Seed = None, dtype: Any = "float64", l1: float = 0.0,
                 l2: float = 0.0) -> None:
        sizes = _check_sizes(sizes)
        names = _hidden_activations(activations, len(sizes) - 2)
        output, loss = _output_and_loss(output, loss, sizes[-1])
        layers = [Dense(n, g, initializer, bias_initializer)
                  for n, g in zip(sizes[1:], [*names, output], strict=True)]
        self._build(sizes[0], layers, loss, seed, dtype, l1, l2)

    @classmethod
    def from_layers(cls, n_x: int, layers: Sequence[Dense], loss: Any = None, seed: Seed = None,
                    dtype: Any = "float64", l1: float = 0.0, l2: float = 0.0) -> Network:
        """A network of ready-made ``Dense`` layers after an input of n_x features."""
        net = cls.__new__(cls)
        if not layers or not all(isinstance(layer, Dense) for layer in layers):
            raise ConfigError("layers must be a non-empty list of Dense layers")
        _, loss = _output_and_loss(layers[-1].activation.name, loss, layers[-1].units)
        net._build(check_positive_int(n_x, "n_x"), list(layers), loss, seed, dtype, l1, l2)
        return net

    @classmethod
    def from_parameters(cls, W: Sequence[Any], b: Sequence[Any],
                        activations: Sequence[Any], loss: Any = None, dtype: Any = "float64",
                        l1: float = 0.0, l2: float = 0.0) -> Network:
        """A network with given weights: W = [W[1], …, W[L]], b = [b[1], …, b[L]].

        ``activations`` has one name per layer. Shapes are checked layer by layer:
        W[l] must be (n[l], n[l-1]) and b[l] must be (n[l], 1) (a flat b[l] is accepted).
        """
        dtype = check_dtype(dtype)
        if len(W) != len(b) or len(W) != len(activations):
            raise ConfigError(
                f"W, b and activations need one entry per layer; got {len(W)} W, {len(b)} b "
                f"and {len(activations)} activations"
            )
        W = [np.atleast_2d(as_float_array(w, f"W[{l}]", dtype)) for l, w in enumerate(W, 1)]
        sizes = [W[0].shape[1]] + [w.shape[0] for w in W]
        for l in range(2, len(W) + 1):
            if W[l - 1].shape[1] != sizes[l - 1]:
                raise ShapeError(
                    f"W[{l}] has shape {W[l - 1].shape} but A[{l - 1}] has {sizes[l - 1]} rows "
                    f"(W[{l - 1}] has {sizes[l - 1]} units): W[{l}] needs {sizes[l - 1]} columns"
                )
        layers = [Dense(n, g) for n, g in zip(sizes[1:], activations, strict=True)]
        net = cls.from_layers(sizes[0], layers, loss=loss, dtype=dtype, l1=l1, l2=l2)
        for l in range(1, net.L + 1):
            net.W[l] = W[l - 1]
            net.b[l] = b[l - 1]
        return net

    @classmethod
    def from_bias_columns(cls, W_tilde: Sequence[Any], activations: Sequence[Any],
                          loss: Any = None, dtype: Any = "float64") -> Network:
        """A network from the exercises' matrices W̃[l] = [b[l] | W[l]], (n[l], n[l-1]+1)."""
        dtype = check_dtype(dtype)
        mats = [np.atleast_2d(as_float_array(w, f"W̃[{l}]", dtype))
                for l, w in enumerate(W_tilde, 1)]
        for l, w in enumerate(mats, 1):
            if w.shape[1] < 2:
                raise ShapeError(
                    f"W̃[{l}] = [b[{l}] | W[{l}]] needs at least 2 columns (bias + one "
                    f"weight), got shape {w.shape}"
                )
        return cls.from_parameters([w[:, 1:] for w in mats], [w[:, :1] for w in mats],
                                   activations, loss=loss, dtype=dtype)

    # ------------------------------------------------------------------ construction
    def _build(self, n_x, layers, loss, seed, dtype, l1, l2):
        _check_hidden_elementwise(layers)
        self.layers = layers
        self.loss = losses.get(loss)
        self.dtype = check_dtype(dtype)
        self.l1, self.l2 = l1, l2
        self.sizes = [n_x] + [layer.units for layer in layers]
        n_weights = sum(a * b for a, b in zip(self.sizes[1:], self.sizes[:-1], strict=False))
        _check_size(self.sizes, n_weights + sum(self.sizes[1:]), self.dtype)
        self.n_weights = n_weights
        self.parameters = np.zeros(n_weights + sum(self.sizes[1:]), dtype=self.dtype)
        self.gradients = np.zeros_like(self.parameters)
        self._bind()
        self.seed = seed
        self.initialize(seed)

    def _bind(self):
        """Point each layer's W, b, dW, db at its part of the flat vectors."""
        w_at, b_at = 0, self.n_weights
        for n_prev, layer in zip(self.sizes[:-1], self.layers, strict=True):
            n = layer.units
            layer.W = self.parameters[w_at:w_at + n * n_prev].reshape(n, n_prev)
            layer.dW = self.gradients[w_at:w_at + n * n_prev].reshape(n, n_prev)
            layer.b = self.parameters[b_at:b_at + n].reshape(n, 1)
            layer.db = self.gradients[b_at:b_at + n].reshape(n, 1)
            w_at, b_at = w_at + n * n_prev, b_at + n
        out = self.layers[-1].activation.name
        self._shortcut = self.loss.shortcut_activation == out
        self._caches = {}
        self._last = None
        self._backward_done = False

    # ------------------------------------------------------------------ regularization
    # λ₁ and λ₂ belong to the network alone: set here (or in the constructor), read by
    # cost, gradient and every training loop; train() and fit() do not take them.
    @property
    def l1(self) -> float:
        """λ₁, the L1 rate: J gains (λ₁/m) Σ |w| over the weights (biases are not penalized)."""
        return self._l1

    @l1.setter
    def l1(self, value: float) -> None:
        self._l1 = check_non_negative(value, "the L1 rate λ₁")

    @property
    def l2(self) -> float:
        """λ₂, the L2 rate: J gains (λ₂/2m) Σ ‖W[l]‖² ("weight decay")."""
        return self._l2

    @l2.setter
    def l2(self, value: float) -> None:
        self._l2 = check_non_negative(value, "the L2 rate λ₂")

    # ------------------------------------------------------------------ access by layer
    # net.W[l], net.Z[l], ...: each access builds a small ByLayer, so that the network
    # holds no reference to itself and is freed as soon as it is let go of.
    @property
    def W(self) -> ByLayer:
        return ByLayer(self, "W", lambda l: self.layers[l - 1].W, settable=True)

    @property
    def b(self) -> ByLayer:
        return ByLayer(self, "b", lambda l: self.layers[l - 1].b, settable=True)

    @property
    def dW(self) -> ByLayer:
        return ByLayer(self, "dW", self._if_backward(lambda l: self.layers[l - 1].dW))

    @property
    def db(self) -> ByLayer:
        return ByLayer(self, "db", self._if_backward(lambda l: self.layers[l - 1].db))

    @property
    def Z(self) -> ByLayer:
        return ByLayer(self, "Z", self._from_cache("Z"))

    @property
    def A(self) -> ByLayer:
        return ByLayer(self, "A", self._from_cache("A"), first=0)

    @property
    def dZ(self) -> ByLayer:
        return ByLayer(self, "dZ", self._if_backward(self._from_cache("dZ")))

    @property
    def dA(self) -> ByLayer:
        return ByLayer(self, "dA", self._if_backward(self._from_cache("dA")))

    @property
    def W_tilde(self) -> ByLayer:
        return ByLayer(self, "W̃", self.bias_column)

    def _from_cache(self, name):
        return lambda l: None if self._last is None else getattr(self._last, name)[l]

    def _if_backward(self, get):
        return lambda l: get(l) if self._backward_done else None

    def forget_passes(self) -> None:
        """Drop the last pass's Z, A, dZ, dA, dW and db, for when the parameters were
        changed by something other than these passes (a fresh draw, a compiled engine's
        epoch): net.A[l], net.dW[l], … then read None, not values of other parameters."""
        self._last = None
        self._backward_done = False

    def initialize(self, seed: Seed = None) -> Network:
        """Draw every W[l] and b[l] afresh from the layers' initializers.

        ``seed`` (an int, or a NumPy Generator) fixes the draw: the same seed gives the
        same parameters, bit for bit.
        """
        rng = check_seed(seed)
        for l, layer in enumerate(self.layers, 1):
            with np.errstate(over="ignore", invalid="ignore"):
                layer.initialize(rng)
            for symbol, values, init in (("W", layer.W, layer.initializer),
                                         ("b", layer.b, layer.bias_initializer)):
                if not np.all(np.isfinite(values)):
                    raise ConfigError(
                        f"the initializer {init!r} gives {symbol}[{l}] values beyond the "
                        f"largest {self.dtype.name} ({np.finfo(self.dtype).max:.3g}) or NaN; "
                        "choose a smaller scale")
        self.forget_passes()
        return self

    # ------------------------------------------------------------------ properties
    @property
    def L(self) -> int:
        """The number of layers with weights (the input layer is not counted)."""
        return len(self.layers)

    @property
    def n_x(self) -> int:
        return self.sizes[0]

    @property
    def n_parameters(self) -> int:
        return self.parameters.size

    @property
    def output_activation(self) -> Activation:
        return self.layers[-1].activation

    @property
    def uses_shortcut(self) -> bool:
        """Whether backpropagation starts from the notes' dZ[L] = A[L] − Y (the loss and
        output activation that pair so: sigmoid + binary CE, softmax + categorical CE)."""
        return self._shortcut

    def bias_column(self, l: int) -> np.ndarray:
        """W̃[l] = [b[l] | W[l]], shape (n[l], n[l-1] + 1): the exercises' form.

        A read-only copy (writing into it would change nothing, so it is refused); set
        b[l] and W[l] through ``set_bias_column``.
        """
        layer = self.layers[self.W._check(l) - 1]
        W_tilde = np.hstack([layer.b, layer.W])
        W_tilde.flags.writeable = False
        return W_tilde

    def set_bias_column(self, l: int, W_tilde: ArrayLike) -> None:
        """Set b[l] and W[l] from W̃[l] = [b[l] | W[l]]."""
        l = self.W._check(l)
        W_tilde = np.atleast_2d(as_float_array(W_tilde, f"W̃[{l}]", self.dtype))
        expected = (self.sizes[l], self.sizes[l - 1] + 1)
        if W_tilde.shape != expected:
            raise ShapeError(
                f"W̃[{l}] = [b[{l}] | W[{l}]] must have shape (n[{l}], n[{l - 1}] + 1) = "
                f"{expected}, got {W_tilde.shape}"
            )
        self.b[l] = W_tilde[:, :1]
        self.W[l] = W_tilde[:, 1:]

    # ------------------------------------------------------------------ the passes
    def _cache(self, m):
        cache = self._caches.get(m)
        if cache is None:
            if len(self._caches) >= 4:  # keep the buffers of a few batch sizes at most
                self._caches.pop(next(iter(self._caches)))
            cache = self._caches[m] = _Cache(self.sizes, m, self.dtype, self._shortcut)
        return cache

    # The unchecked passes: the same arithmetic as forward/backward/cost, for callers that
    # check their data once and then run many passes (see the module docstring).
    def forward_unchecked(self, X: np.ndarray) -> np.ndarray:
        """Forward propagation on an X already checked (``validation.check_X``: dtype and
        shape (n_x, m)); returns A[L] as the cache's own buffer, which the next pass over
        m examples overwrites. Z[l] and A[l] stay reachable as ``net.Z[l]``, ``net.A[l]``.
        Nothing is checked: run it under ``np.errstate`` and judge the result yourself."""
        cache = self._cache(X.shape[1])
        cache.A[0] = X
        for l, layer in enumerate(self.layers, 1):
            layer.forward(cache.A[l - 1], cache.Z[l], cache.A[l])
        self._last = cache
        self._backward_done = False
        return cache.A[-1]

    def backward_unchecked(self, Y: np.ndarray) -> None:
        """Backpropagation for a Y already checked (``validation.check_Y``) after
        ``forward_unchecked`` (or ``forward``) of the same m examples; fills
        ``net.gradients`` (dW[l], db[l]) and dZ[l], dA[l]. Nothing is checked: run it under
        ``np.errstate``; the gradients may hold values that are not finite."""
        c, layers = self._last, self.layers
        L = self.L
        if self._shortcut:
            np.subtract(c.A[L], Y, out=c.dZ[L])  # the notes' dZ[L] = A[L] − Y
        else:
            self.loss.dA(c.A[L], Y, out=c.dA[L])
            layers[-1].activation.backward(c.dA[L], c.Z[L], c.A[L], out=c.dZ[L])
        for l in range(L, 0, -1):
            # dA[0] is the cache's None: no dA is formed for X
            layers[l - 1].backward_sums(c.dZ[l], c.A[l - 1], c.ones, c.dA[l - 1])
            if l > 1:
                layers[l - 2].activation.backward(c.dA[l - 1], c.Z[l - 1], c.A[l - 1],
                                                  out=c.dZ[l - 1])
        # the 1/m of every dW[l] and db[l] at once: one call on the flat gradient vector
        self.gradients *= 1.0 / c.m
        if self.l1 or self.l2:
            n_w = self.n_weights
            regularization.add_gradient(self.gradients[:n_w], self.parameters[:n_w], c.m,
                                        self.l1, self.l2)
        self._backward_done = True

    def cost_of_output(self, A: np.ndarray, Y: np.ndarray) -> float:
        """J = (1/m) Σ L(a, y) + the regularization term, for outputs A = A[L] of m
        examples already computed and a checked Y; unlike ``cost(X, Y)`` it runs no pass
        and checks nothing (call it under ``np.errstate``; J may not be finite)."""
        return self.loss.cost(A, Y) + regularization.penalty(
            self.parameters[:self.n_weights], A.shape[1], self.l1, self.l2)

    def forward(self, X: ArrayLike) -> np.ndarray:
        """Forward propagation: A[L] for X of shape (n_x, m), as a new array.

        Z[l] and A[l] of this pass stay reachable as ``net.Z[l]``, ``net.A[l]``.
        """
        X = check_X(X, self.n_x, self.dtype)
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            A = self.forward_unchecked(X)
        self._check_forward_finite()
        return A.copy()

    __call__ = forward

    def backward(self, Y: ArrayLike) -> Network:
        """Backpropagation for the targets Y of the last ``forward`` pass.

        Fills dW[l], db[l] (``net.dW[l]``, ``net.db[l]``, ``net.gradients``) and dZ[l].
        """
        if self._last is None:
            raise NotFittedError("backward needs a forward pass first: call net.forward(X)")
        Y = check_Y(Y, self.sizes[-1], self._last.m, self.dtype, self.loss)
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            self.backward_unchecked(Y)
        self._check_gradients_finite()
        return self

    def cost(self, X: ArrayLike, Y: ArrayLike) -> float:
        """The cost J on (X, Y), regularization included."""
        X = check_X(X, self.n_x, self.dtype)
        Y = check_Y(Y, self.sizes[-1], X.shape[1], self.dtype, self.loss)
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            J = self.cost_of_output(self.forward_unchecked(X), Y)
        self._check_forward_finite()
        return _finite_cost(J, self)

    def gradient(self, X: ArrayLike, Y: ArrayLike) -> tuple[float, np.ndarray]:
        """One forward and backward pass; returns (J, a copy of the flat gradient vector)."""
        X = check_X(X, self.n_x, self.dtype)
        Y = check_Y(Y, self.sizes[-1], X.shape[1], self.dtype, self.loss)
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            J = self.cost_of_output(self.forward_unchecked(X), Y)
            self._check_forward_finite()
            self.backward_unchecked(Y)
        self._check_gradients_finite()
        return _finite_cost(J, self), self.gradients.copy()

    def _check_forward_finite(self):
        """Raise a NumericError naming the first layer whose Z overflowed in the last pass."""
        c = self._last
        for l in range(1, self.L + 1):
            if not np.all(np.isfinite(c.Z[l])):
                raise NumericError(
                    f"forward propagation overflowed at layer {l}: Z[{l}] = W[{l}] A[{l - 1}] "
                    f"+ b[{l}] holds values that are not finite (largest |A[{l - 1}]| is "
                    f"{_largest(c.A[l - 1]):.3g}, largest |W[{l}]| is "
                    f"{_largest(self.layers[l - 1].W):.3g}); scale X or use smaller weights"
                )

    def _check_gradients_finite(self):
        """Raise a NumericError naming the first dW[l] or db[l] that is not finite."""
        for l in range(self.L, 0, -1):
            layer = self.layers[l - 1]
            for name, value in ((f"dW[{l}]", layer.dW), (f"db[{l}]", layer.db)):
                if not np.all(np.isfinite(value)):
                    raise NumericError(
                        f"backpropagation overflowed: {name} holds values that are not finite "
                        f"(largest |dZ[{l}]| is {_largest(self._last.dZ[l]):.3g}); scale X "
                        "and Y or use smaller weights"
                    )

    # ------------------------------------------------------------------ Keras-style use
    def fit(self, X: ArrayLike, Y: ArrayLike, *, epochs: int = 100,
            learning_rate: float | None = None, optimizer: Any = "sgd",
            batch_size: int | None = None, shuffle: bool = True, seed: Seed = None,
            schedule: Any = "constant",
            validation_data: tuple[ArrayLike, ArrayLike] | None = None,
            validation_split: float | None = None, metrics: str | Sequence[str] = (),
            callbacks: Sequence[Any] = (), progress: bool | None = None,
            fresh_start: bool = False, **settings: Any) -> History:
        """Train with gradient descent on X (n_x, m), Y (n[L], m); returns a History.

        The settings are ``glassnet.training.train``'s (see docs/training.md), plus
        ``validation_split``: the last fraction of the m examples, taken before any
        shuffling, is held out as validation data (as in Keras). The regularization rates
        are the network's, not fit's: ``net.l2 = 0.1`` (``l1=``/``l2=`` here are refused).

        A second ``fit`` continues the first: the same optimizer goes on with its running
        averages, the schedule with the epochs already run, the shuffling with the same
        generator (unless a different ``seed`` is given), so that two ``fit(epochs=2)``
        equal one ``fit(epochs=4)`` bit for bit. ``fresh_start=True`` starts anew.
        """
        from .training import fit

        return fit(self, X, Y, epochs=epochs, learning_rate=learning_rate,
                   optimizer=optimizer, batch_size=batch_size, shuffle=shuffle, seed=seed,
                   schedule=schedule, validation_data=validation_data,
                   validation_split=validation_split, metrics=metrics, callbacks=callbacks,
                   progress=progress, fresh_start=fresh_start, **settings)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """A[L] for X (n_x, m), as a new array, leaving the caches alone: ``net.A[l]``,
        ``net.Z[l]`` and the gradients of the last forward/backward pass stay as they were.

        The pass runs on a chunk of examples at a time, so that on a large X it needs no
        more memory than A[L] and one chunk's Z[l], A[l]."""
        X = check_X(X, self.n_x, self.dtype)
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            return self.predict_unchecked(X, check=True)

    def predict_unchecked(self, X: np.ndarray, check: bool = False) -> np.ndarray:
        """``predict`` on an X already checked (call under np.errstate): A[L] as a new
        array, the caches left alone; with ``check``, a Z[l] that is not finite raises a
        NumericError naming the layer."""
        out = np.empty((self.sizes[-1], X.shape[1]), self.dtype)
        width = max(1, _PREDICT_CHUNK_BYTES // (max(self.sizes) * self.dtype.itemsize))
        for start in range(0, X.shape[1], width):
            A = X[:, start:start + width]
            for l, layer in enumerate(self.layers, 1):
                Z = np.empty((layer.units, A.shape[1]), self.dtype)
                A_prev, A = A, (np.empty_like(Z) if l < self.L else out[:, start:start + width])
                layer.forward(A_prev, Z, A)
                if check and not np.all(np.isfinite(Z)):
                    raise NumericError(
                        f"forward propagation overflowed at layer {l}: Z[{l}] holds values "
                        f"that are not finite (largest |A[{l - 1}]| is {_largest(A_prev):.3g}"
                        f", largest |W[{l}]| is {_largest(layer.W):.3g}); scale X or use "
                        "smaller weights")
        return out

    def evaluate(self, X: ArrayLike, Y: ArrayLike,
                 metrics: str | Sequence[str] = ()) -> dict[str, float]:
        """{"cost": J, "loss": J (Keras' name), and each metric ("accuracy", "r2")} on
        (X, Y), regularization included in J; like ``predict``, it leaves the caches alone."""
        names = check_metrics(metrics)
        A = self.predict(X)
        Y = check_Y(Y, self.sizes[-1], A.shape[1], self.dtype, self.loss)
        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            J = _finite_cost(self.cost_of_output(A, Y), self)
        threshold = threshold_for(self.output_activation)
        return {"cost": J, "loss": J,
                **{name: metric_value(name, A, Y, threshold) for name in names}}

    # ------------------------------------------------------------------ description
    def config(self) -> dict[str, Any]:
        """Everything but the parameters' values: enough to rebuild the architecture."""
        return {
            "n_x": self.n_x,
            "layers": [layer.config() for layer in self.layers],
            "loss": self.loss.config(),
            "dtype": self.dtype.name,
            "l1": self.l1,
            "l2": self.l2,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any], parameters: ArrayLike | None = None) -> Network:
        """Rebuild a network from ``config()`` (and, if given, its flat parameters)."""
        layers = [Dense.from_config(c) for c in config["layers"]]
        net = cls.from_layers(config["n_x"], layers, loss=config["loss"],
                              dtype=config.get("dtype", "float64"),
                              l1=config.get("l1", 0.0), l2=config.get("l2", 0.0))
        if parameters is not None:
            parameters = as_float_array(parameters, "parameters", net.dtype)
            if parameters.shape != net.parameters.shape:
                raise ShapeError(
                    f"this architecture has {net.n_parameters} parameters, got "
                    f"{parameters.size}"
                )
            net.parameters[...] = parameters
        return net

    def copy(self) -> Network:
        """An independent network with the same architecture and parameters."""
        return Network.from_config(self.config(), self.parameters)

    def __getstate__(self):
        return {"config": self.config(), "parameters": self.parameters.copy(),
                "seed": self.seed}

    def __setstate__(self, state):
        net = Network.from_config(state["config"], state["parameters"])
        self.__dict__.update(net.__dict__)
        self._bind()
        self.seed = state.get("seed")

    def __repr__(self):
        arch = " → ".join(str(n) for n in self.sizes)
        gs = ", ".join(layer.activation.name for layer in self.layers)
        return f"Network({arch}; {gs}; loss={self.loss.name})"

    def summary(self) -> str:
        """A table of the layers: shapes of W[l] and b[l], g[l], parameter counts."""
        caption, rows, total = self._summary_parts()
        return "\n".join([caption, *text_table(rows), total])

    def _repr_html_(self) -> str:
        """The summary table as HTML, for a Jupyter notebook."""
        caption, rows, total = self._summary_parts()
        return html_table(rows, caption, [total])

    def _summary_parts(self) -> tuple[str, list[tuple[str, ...]], str]:
        """The summary's caption line, its rows (the first the header) and its total line."""
        rows: list[tuple[str, ...]] = [
            ("layer", "units", "activation", "W shape", "b shape", "parameters")]
        rows.append(("0 (input)", str(self.n_x), "", "", "", ""))
        for l, layer in enumerate(self.layers, 1):
            n, n_prev = self.sizes[l], self.sizes[l - 1]
            rows.append((str(l), str(n), layer.activation.name, f"({n}, {n_prev})",
                         f"({n}, 1)", f"{n * n_prev + n} = {n}·{n_prev} + {n}"))
        caption = (f"Network with L = {self.L} layers (the input layer is not counted), "
                   f"loss: {self.loss.name}, dtype: {self.dtype.name}")
        regs = [f"L1 λ₁ = {self.l1:g}"] * bool(self.l1) + [f"L2 λ₂ = {self.l2:g}"] * bool(self.l2)
        total = (f"total parameters: {self.n_parameters}"
                 + (f"; regularization: {', '.join(regs)}" if regs else ""))
        return caption, rows, total

    __str__ = summary


def _largest(array):
    """max |entry| of a non-empty array (every A[l], W[l], dZ[l] has m ≥ 1 columns, n ≥ 1
    rows), NaN if it holds a NaN."""
    with np.errstate(invalid="ignore"):
        return float(np.max(np.abs(array)))


def _finite_cost(J, net):
    """J, or a NumericError naming the loss (and the regularization term, if any)."""
    if not np.isfinite(J):
        penalized = bool(net.l1 or net.l2)
        raise NumericError(
            f"the cost J is {J}: the {net.loss.name} of outputs this large"
            + " or the regularization term of weights this large" * penalized
            + " is not finite; scale Y (and X) to moderate values"
            + " or use smaller weights" * penalized
        )
    return J


# ---------------------------------------------------------------------- argument checks
def _check_sizes(sizes):
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 2:
        raise ConfigError(
            f"sizes must list the units of each layer, input included: [n_x, n[1], …, n[L]] "
            f"(at least 2 numbers), got {sizes!r}"
        )
    return [check_positive_int(n, f"n[{l}]" if l else "n_x") for l, n in enumerate(sizes)]


def _check_size(sizes, n_parameters, dtype):
    """Refuse, before allocating, a network of more than MAX_PARAMETERS parameters."""
    if n_parameters > MAX_PARAMETERS:
        gigabytes = 2 * n_parameters * dtype.itemsize / 1e9
        raise ConfigError(
            f"sizes {sizes} make {n_parameters:,} parameters (W and b), {gigabytes:,.3g} GB "
            f"with their gradients in {dtype.name}; glassnet builds at most "
            f"{MAX_PARAMETERS:,} (glassnet.network.MAX_PARAMETERS): use fewer or smaller layers"
        )


def _check_hidden_elementwise(layers):
    """Refuse softmax (or any activation that is not element-wise) in a hidden layer."""
    for l, layer in enumerate(layers[:-1], 1):
        if not layer.activation.elementwise:
            raise ConfigError(
                f"{layer.activation.name} cannot be g[{l}] of hidden layer {l}: it is an "
                "output activation, which turns the n[L] scores of the last layer into class "
                "probabilities that sum to 1; in a hidden layer it would tie every unit's a to "
                "all the others. Use relu, tanh, sigmoid, … for hidden layers and softmax "
                "as output="
            )


def _hidden_activations(spec, n_hidden):
    if isinstance(spec, (list, tuple)):
        if len(spec) != n_hidden:
            raise ConfigError(
                f"activations lists {len(spec)} names but the network has {n_hidden} hidden "
                f"layers; give one name per hidden layer (the output's goes in output=)"
            )
        return list(spec)
    return [spec] * n_hidden


def _output_and_loss(output, loss, n_L):
    if loss is not None:
        loss = losses.get(loss)
    if output is None:
        output = _OUTPUT_FOR_LOSS.get(loss.name) if loss is not None else (
            "sigmoid" if n_L == 1 else "softmax")
    output_name = activations.get(output).name
    if loss is None:
        loss = losses.get(_LOSS_FOR_OUTPUT.get(output_name, "half_squared_error"))
    if output_name == "softmax" and n_L < 2:
        raise ConfigError("a softmax output layer needs at least 2 units (one per class)")
    return output, loss
