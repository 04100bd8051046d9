"""A trace: every value of one or more gradient-descent steps, kept for showing the work.

For each step, in the notes' order (seed 001's "order of backpropagation"):

    forward    Z[1], A[1], …, Z[L], A[L], then the cost J with its working: L (the loss
               of each example), sum L, and for the squared-error losses SE (each
               example's squared error), SSE, MSE and half MSE (see ``names``)
    backward   dA[L], dZ[L], dW[L], db[L], dA[L-1], dZ[L-1], dW[L-1], db[L-1], …, db[1]
    update     W[l] after := W[l] − α dW[l],  b[l] after := b[l] − α db[l]

The numbers come from the core: the network's layers and their activations (g, and
g' through ``activation.backward``) and the loss (J, and ∂L/∂A through ``loss.dA``), on a
private copy of the network, so computing a trace never changes the network it explains.
With sigmoid + cross-entropy (or softmax + categorical cross-entropy) dZ[L] is the notes'
A[L] − Y, exactly as the network's own backward pass takes it; dA[L] is still shown.

``trace(net, X, Y, learning_rate=0.5)`` returns a ``Trace``; without Y it holds the forward
pass only, without X just the shapes. ``trace["A[1][2,3]"]``, ``trace["b[2] after step 1"]``
read single values by the names of ``names``.
"""

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .. import losses, regularization
from ..errors import ConfigError, NumericError
from ..network import Network
from ..validation import check_learning_rate, check_positive_int, check_X, check_Y
from . import names as names_module
from . import render
from .fields import network_from_layers

#: the most steps a trace holds (every value of every step is kept)
MAX_STEPS = 1000

#: the losses whose working also shows the squared errors and both cost conventions
SQUARED_LOSSES = ("half_squared_error", "mean_squared_error")


class Step:
    """The values of one step: ``parameters`` at its start ("W[1]", "b[1]", …) and
    ``values`` in the notes' order ("Z[1]", …, "cost", "dA[L]", …, "W[1] after", …).

    Every value is a 2-D array (the cost a 1×1), a copy owned by the step.
    """

    def __init__(self, number, parameters, values):
        self.number = number
        self.parameters = parameters
        self.values = values

    def __getitem__(self, key):
        return self.values[key] if key in self.values else self.parameters[key]

    def has_backward(self):
        return "cost" in self.values


class Trace:
    """A worked solution's numbers, with renderers (see ``render``) and notebook display.

    ``network`` is a copy of the network at the start, ``X``/``Y`` the data (or None),
    ``steps`` a list of ``Step``; ``notation`` is "W,b" or "bias-column" (W̃[l] = [b | W]);
    ``products`` "weight-first" writes each term of Z's sums as (w·a), "input-first" as (a·w).
    """

    def __init__(self, network, X, Y, learning_rate, steps, notation="W,b", title=None,
                 description=None, m=None, products="weight-first", n_x_open=False):
        self.network = network
        # a problem of shapes only may leave n_x open (the notes' 3m + 14 parameters for m
        # inputs): its network then has 1 input in its place, and no steps
        self.n_x_open = bool(n_x_open) and not steps
        self.X, self.Y = X, Y
        self.learning_rate = learning_rate
        self.steps = steps
        self.notation = _check_notation(notation)
        self.title = title
        self.description = description
        self.m = X.shape[1] if X is not None else m
        if products not in ("weight-first", "input-first"):
            raise ConfigError(f"products must be 'weight-first' or 'input-first', got {products!r}")
        self.products = products

    @property
    def L(self):
        return self.network.L

    def __getitem__(self, name):
        """A value by its name: ``trace["Z[1]"]``, ``trace["A[1][2,3]"]``, ``trace["cost"]``."""
        return lookup(self, names_module.parse(name))

    def symmetric_layers(self):
        """Hidden layers whose units have identical values in every step (the symmetry
        problem of seed 000): rows of Z, A, dA, dZ, dW, db and of the updated W, b."""
        found = []
        for l in range(1, self.L):
            if self.network.sizes[l] < 2 or not self.steps:
                continue
            keys = [f"{s}[{l}]" for s in ("Z", "A", "dA", "dZ", "dW", "db")]
            keys += [f"W[{l}] after", f"b[{l}] after"]
            if all(_rows_equal(step.values[k]) for step in self.steps
                   for k in keys if k in step.values):
                found.append(l)
        return found

    # the renderers live in render.py; these let a trace print itself
    def to_text(self, digits=3, detail="auto"):
        return render.to_text(self, digits=digits, detail=detail)

    def to_markdown(self, digits=3, detail="auto"):
        return render.to_markdown(self, digits=digits, detail=detail)

    def to_latex(self, digits=3, detail="auto", standalone=True):
        return render.to_latex(self, digits=digits, detail=detail, standalone=standalone)

    def to_dict(self):
        return render.to_dict(self)

    def to_json(self, indent=1):
        return render.to_json(self, indent=indent)

    def __str__(self):
        return self.to_text()

    def __repr__(self):
        arch = " → ".join(str(n) for n in self.network.sizes)
        return f"<Trace of {len(self.steps)} step(s) of Network({arch})>"

    def _repr_markdown_(self):
        return self.to_markdown()

    def _repr_latex_(self):
        return self.to_latex(standalone=False)


def _rows_equal(M):
    M = np.atleast_2d(M)
    scale = 1.0 + float(np.max(np.abs(M))) if M.size else 1.0
    return bool(np.all(np.abs(M - M[:1]) <= 1e-12 * scale))


def _check_notation(notation):
    if notation not in ("W,b", "bias-column"):
        raise ConfigError(f"notation must be 'W,b' or 'bias-column', got {notation!r}")
    return notation


def lookup(trace, name):
    """The value ``name`` (a parsed ``names.Name``) refers to, or a clear error."""
    if not trace.steps:
        raise ConfigError("this trace has no steps: it was made without X, so it holds shapes only")
    if name.step > len(trace.steps):
        raise ConfigError(f"{name.text!r}: the trace has {len(trace.steps)} step(s)")
    step = trace.steps[name.step - 1]
    if name.layer is not None and not (0 if name.symbol == "A" else 1) <= name.layer <= trace.L:
        raise ConfigError(f"{name.text!r}: this network has layers 1 … {trace.L}")
    if name.symbol in names_module.BIAS_COLUMN:
        suffix = " after" if name.after else ""
        value = np.hstack([_step_value(step, f"{s}[{name.layer}]{suffix}", name)
                           for s in names_module.BIAS_COLUMN[name.symbol]])
    else:
        value = trace.X if name.key == "A[0]" else _step_value(step, name.key, name)
    if name.index is None:
        return value
    return value[position(name, value.shape)]


def _step_value(step, key, name):
    try:
        return step[key]
    except KeyError:
        what = "the forward pass only (no Y)" if not step.has_backward() else "other values"
        raise ConfigError(f"{name.text!r} is not in this trace, which holds {what}") from None


def position(name, shape):
    """The 0-based position of ``name``'s index, written from 1 (W̃'s columns from 0)."""
    n, m = shape
    shift = 1 if name.symbol in names_module.BIAS_COLUMN else 0  # W̃'s column 0 is b
    if len(name.index) == 2:
        row, col = name.index[0], name.index[1] + shift
    elif m == 1:
        row, col = name.index[0], 1
    elif n == 1:
        row, col = 1, name.index[0] + shift
    else:
        raise ConfigError(f"{name.text!r}: this is a {n}×{m} matrix; give both indices, "
                          f"[row, column]")
    if not (1 <= row <= n and 1 <= col <= m):
        raise ConfigError(
            f"{name.text!r}: the index is outside the {n}×{m} matrix (rows count from 1, "
            f"columns from {1 - shift})"
        )
    return row - 1, col - 1


# ----------------------------------------------------------------------------- running
def trace(network: Network, X: ArrayLike | None = None, Y: ArrayLike | None = None,
          learning_rate: float | None = None, steps: int = 1, loss: Any = None,
          notation: str | None = None, title: str | None = None,
          description: str | None = None, products: str = "weight-first") -> Trace:
    """Trace ``steps`` steps of gradient descent of ``network`` on (X, Y).

    ``network`` is a ``Network`` (left unchanged) or the layers of a problem file (a list
    of {"W", "b", "activation"} dicts). Without Y only the forward pass is traced; a
    ``loss`` other than the network's replaces it in the copy. ``notation`` "bias-column"
    shows W̃[l] = [b[l] | W[l]] as the exercises do; ``products`` "input-first" writes
    Z's terms as (a·w), as seed 004 does.
    """
    if not isinstance(network, Network):
        network = network_from_layers(network, loss)
    work = network.copy()
    if loss is not None:
        work.loss = losses.get(loss)
    if X is None:
        return Trace(work, None, None, None, [], notation or "W,b", title, description,
                     products=products)
    X = check_X(X, work.n_x, work.dtype)
    steps = check_positive_int(steps, "steps")
    if steps > MAX_STEPS:
        raise ConfigError(f"steps: {steps} steps; a trace holds at most {MAX_STEPS}")
    if Y is None:
        if steps != 1:
            raise ConfigError("without Y there is no gradient, so only 1 step (a forward pass)")
        alpha = None
    else:
        Y = check_Y(Y, work.sizes[-1], X.shape[1], work.dtype, work.loss)
        if learning_rate is None:
            raise ConfigError("a step with Y needs the learning rate α for W := W − α dW")
        alpha = check_learning_rate(learning_rate)
    start = work.copy()
    recorded = run(work, X, Y, alpha, steps)
    return Trace(start, X, Y, alpha,
                 [Step(k, params, used) for k, (params, used, _) in enumerate(recorded, 1)],
                 notation or "W,b", title, description, products=products)


def run(work, X, Y, alpha, steps, substitute=None):
    """The steps on ``work`` (a network this call may change), in the notes' order.

    Returns one (parameters, used, computed) triple per step. ``computed`` holds each value
    as the formulas give it from the values before it; ``substitute(k, key, value)`` may
    return other numbers to carry on with (a student's), which go into ``used``. Without
    it both dicts are the same.
    """
    recorded = []
    for k in range(1, steps + 1):
        params = {}
        for l, layer in enumerate(work.layers, 1):
            params[f"W[{l}]"], params[f"b[{l}]"] = layer.W.copy(), layer.b.copy()
        used, computed = {}, {}

        def put(key, value, k=k, used=used, computed=computed):
            value = np.atleast_2d(np.array(value, dtype=work.dtype))
            computed[key] = value
            if substitute is not None:
                value = np.atleast_2d(np.array(substitute(k, key, value.copy()),
                                               dtype=work.dtype))
            used[key] = value
            return value

        with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
            _forward(work, X, put)
            if Y is not None:
                _backward(work, X, Y, put, used)
                _update(work, alpha, put, used)
        _check_finite(k, used, alpha)
        recorded.append((params, used, computed))
        if Y is None:
            break
    return recorded


def _check_finite(k, values, alpha):
    for key, value in values.items():
        if not np.all(np.isfinite(value)):
            hint = f"; gradient descent diverges with α = {alpha:g}, try a smaller one" if (
                alpha is not None) else ""
            raise NumericError(f"step {k}: {key} is not finite (a number overflowed){hint}")


def _forward(work, X, put):
    A_prev = X
    for l, layer in enumerate(work.layers, 1):
        # the layer's own forward pass (Z[l] = W[l] A[l-1] + b[l], A[l] = g[l](Z[l]))
        Z, A = np.empty((layer.units, X.shape[1]), work.dtype), np.empty(
            (layer.units, X.shape[1]), work.dtype)
        layer.forward(A_prev, Z, A)
        Z_used = put(f"Z[{l}]", Z)
        if not np.array_equal(Z_used, Z):
            A = layer.activation.forward(Z_used)  # A[l] from the substituted Z[l]
        A_prev = put(f"A[{l}]", A)


def _backward(work, X, Y, put, used):
    L, m = work.L, X.shape[1]
    A_L = used[f"A[{L}]"]
    _cost(work, Y, put, A_L, m)
    dA = put(f"dA[{L}]", work.loss.dA(A_L, Y))
    for l in range(L, 0, -1):
        layer = work.layers[l - 1]
        Z, A = used[f"Z[{l}]"], used[f"A[{l}]"]
        if l == L and work.loss.shortcut_activation == layer.activation.name:
            dZ = put(f"dZ[{l}]", A - Y)  # the notes' dZ[L] = A[L] − Y
        else:
            dZ = put(f"dZ[{l}]", layer.activation.backward(dA, Z, A))
        A_prev = X if l == 1 else used[f"A[{l - 1}]"]
        dA_prev = np.empty_like(A_prev) if l > 1 else None
        # the layer's own backward pass: dW = (1/m) dZ A[l-1]ᵀ, db = (1/m) Σ dZ, W[l]ᵀ dZ
        layer.backward(dZ, A_prev, dA_prev)
        regularization.add_gradient(layer.dW.reshape(-1), layer.W.reshape(-1), m,
                                    work.l1, work.l2)
        put(f"dW[{l}]", layer.dW)
        put(f"db[{l}]", layer.db)
        if l > 1:
            dA = put(f"dA[{l - 1}]", dA_prev)


def _cost(work, Y, put, A_L, m):
    """J = (1/m) Σᵢ L(i) with its working; a student's own L(i) or sum L carry into J."""
    L_each = work.loss.loss(A_L, Y)
    L_used = put("L", L_each)
    total = float(np.sum(L_used))
    total_used = put("sum L", total)[0, 0]
    penalty = regularization.penalty(work.parameters[:work.n_weights], m, work.l1, work.l2)
    if total_used == total and np.array_equal(L_used, L_each):
        put("cost", work.loss.cost(A_L, Y) + penalty)  # the core's own J, to the last bit
    else:
        put("cost", total_used / m + penalty)
    if work.loss.name in SQUARED_LOSSES:
        SE = put("SE", np.sum((A_L - Y) ** 2, axis=0, keepdims=True))
        SSE = put("SSE", float(np.sum(SE)))[0, 0]
        MSE = put("MSE", SSE / (m * Y.shape[0]))[0, 0]
        put("half MSE", MSE / 2)


def _update(work, alpha, put, used):
    # after the whole backward pass, as the notes: dA[l-1] needs W[l] before its update
    for l, layer in enumerate(work.layers, 1):
        layer.W[...] = put(f"W[{l}] after", layer.W - alpha * used[f"dW[{l}]"])
        layer.b[...] = put(f"b[{l}] after", layer.b - alpha * used[f"db[{l}]"])

