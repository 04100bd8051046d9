"""Formula writers: what to write for one value of a trace, in the notes' notation.

``formula(ctx, key)`` is the general formula of a quantity (Z[1] = W[1] X + b[1]);
``entry_formula(ctx, vals, key, r, c)`` one entry with its numbers:

    Z[1][1,2] = (0.2·0) + (0.4·1) + 0.3 = 0.7
    A[1][1,2] = σ(0.7) = 1/(1 + e^−0.7) = 0.668

and ``stage(ctx, key)`` where the value is computed ("the forward pass, layer 1"). A
``Context`` holds what they need besides one step's values (a ``Values``): the network,
X, Y, α, the digits and the detail. The worked solution (``solution``) and the check's
report (``check``) are both written with them.
"""

import inspect

import numpy as np

from ..errors import ConfigError
from .notation import (
    Math,
    entry,
    join,
    number,
    power,
    symbol,
)

MAX_ENTRIES = 16  # entries of one quantity written out one by one ("auto" detail)
MAX_TERMS = 8  # terms in one entry's sum

EQ = Math(" = ", " = ")
TIMES = Math("·", r" \cdot ")
SPACED_TIMES = Math(" · ", r" \cdot ")  # between matrices in a line of shapes
SPACE = Math(" ", r"\,")
ARROW = Math(" → ", r" \rightarrow ")



# --------------------------------------------------------------------------- the context
class Context:
    """What the formulas need besides one step's values: the network, X, Y, α, settings."""

    def __init__(self, trace, digits=3, detail="auto"):
        if detail not in ("auto", "full", "matrices"):
            raise ConfigError(f"detail must be 'auto', 'full' or 'matrices', got {detail!r}")
        if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= 15:
            raise ConfigError(f"digits must be a whole number from 0 to 15, got {digits!r}")
        self.net = trace.network
        self.X, self.Y = trace.X, trace.Y
        self.alpha = trace.learning_rate
        self.m = trace.m
        self.bias_column = trace.notation == "bias-column"
        self.input_first = trace.products == "input-first"
        self.digits, self.detail = digits, detail
        self.n_x_open = getattr(trace, "n_x_open", False)

    def num(self, x, parenthesize_negative=False):
        return number(x, self.digits, parenthesize_negative=parenthesize_negative)

    def detailed(self, entries, terms=1):
        if self.detail != "auto":
            return self.detail == "full"
        return entries <= MAX_ENTRIES and terms <= MAX_TERMS

    def g(self, l):
        return self.net.layers[l - 1].activation


class Values:
    """One step's values by key, with X as A[0] and the parameters at the step's start."""

    def __init__(self, ctx, parameters, values):
        self.ctx, self.parameters, self.values = ctx, parameters, values

    def __getitem__(self, key):
        if key == "A[0]":
            return self.ctx.X
        return self.values[key] if key in self.values else self.parameters[key]


# ----------------------------------------------------------------------- small helpers
def _product(a, b, ctx):
    """(a·b), as the notes write each term of a sum: (−0.9·0.3), (0.4·(−0.041))."""
    return "(" + ctx.num(a) + TIMES + ctx.num(b, parenthesize_negative=True) + ")"


def _sum(terms):
    """t₁ + t₂ + …, with "+ −log(…)" written "− log(…)"."""
    out = terms[0]
    for term in terms[1:]:
        if term.text.startswith("−"):
            out = out + Math(" − " + term.text[1:], " - " + term.latex[1:])
        else:
            out = out + " + " + term
    return out


def _signed_sum(values, ctx):
    """0.140 − 0.0409 − 0.0432: a sum of numbers with their signs as operators."""
    out = ctx.num(values[0])
    for v in values[1:]:
        out = out + (Math(" − ", " - ") if v < 0 else " + ") + ctx.num(abs(v))
    return out


def mean_factor(m):
    """(1/m) in front of a sum over the m examples."""
    return Math(f"(1/{m})", rf"\frac{{1}}{{{m}}}") if m != 1 else Math("")


def _chain(*parts):
    return join(parts, EQ)


def entry_name(key, r, c, shape):
    """The Math name of entry (r, c), 0-based, of the quantity ``key``."""
    sym, l = split_key(key)
    return entry(sym, l, r + 1, c + 1, shape)


def split_key(key):
    """("Z", 1) from "Z[1]", ("W", 2) from "W[2] after"."""
    sym, rest = key.split("[", 1)
    return sym, int(rest.split("]", 1)[0])


def quantity(key, transpose=False):
    if key == "cost":
        return Math("J")
    sym, l = split_key(key)
    return symbol(sym, l, transpose)


# --------------------------------------------------------------------------- formulas
def formula(ctx, key):
    """The general formula of a quantity, as (left, right): (Z[1], W[1] X + b[1])."""
    if key == "cost":
        return Math("J"), Math("(1/m) Σᵢ L(a⁽ⁱ⁾, y⁽ⁱ⁾)",
                               r"\frac{1}{m} \sum_{i=1}^{m} \mathcal{L}(a^{(i)}, y^{(i)})")
    sym, l = split_key(key)
    L = ctx.net.L
    if key.endswith("after"):
        grad = symbol("d" + sym, l)
        return symbol(sym, l), symbol(sym, l) + Math(" − α ", r" - \alpha\,") + grad
    if sym == "Z":
        if ctx.bias_column:
            return symbol("Z", l), symbol("W̃", l) + SPACE + ones_on_top(l - 1)
        return symbol("Z", l), symbol("W", l) + SPACE + symbol("A", l - 1) + " + " + symbol("b", l)
    if sym == "A":
        return symbol("A", l), _g_name(ctx.g(l), symbol("Z", l))
    if sym == "dA" and l == L:
        return symbol("dA", L), _loss_derivative(ctx, symbol("A", L))
    if sym == "dA":
        return symbol("dA", l), symbol("W", l + 1, transpose=True) + SPACE + symbol("dZ", l + 1)
    if sym == "dZ" and uses_shortcut(ctx, l):
        return symbol("dZ", l), symbol("A", l) + Math(" − Y", " - Y")
    if sym == "dZ":
        return symbol("dZ", l), (symbol("dA", l) + Math(" * ", r" \odot ")
                                 + _g_name(ctx.g(l), symbol("Z", l), derivative=True))
    reg = _regularization_formula(ctx, l) if sym == "dW" else Math("")
    if sym == "dW":
        return symbol("dW", l), (mean_factor("m") + SPACE + symbol("dZ", l) + SPACE
                                 + symbol("A", l - 1, transpose=True) + reg)
    return symbol("db", l), mean_factor("m") + Math(" Σᵢ ", r" \sum_{i=1}^{m} ") + Math(
        f"dZ[{l}]⁽ⁱ⁾", f"dZ^{{[{l}](i)}}")


def ones_on_top(l):
    """[1; A[l]]: A[l] with a row of ones on top, the bias column's partner."""
    inner = symbol("A", l)
    return Math(f"[1; {inner.text}]", r"\begin{bmatrix} 1 \\ " + inner.latex + r" \end{bmatrix}")


#: the symbol each activation parameter has in the activations' formulas (text, LaTeX);
#: the solution writes the value in its place (ELU with α = 3: 3(e^z − 1))
_PARAMETER_SYMBOLS = {"alpha": ("α", r"\alpha")}


def activation_formula(g, derivative=False):
    """g's formula (or its derivative's) with the values of its parameters written in."""
    text, latex = ((g.derivative_formula, g.derivative_latex) if derivative
                   else (g.formula, g.latex))
    for key, value in activation_parameters(g).items():
        if key in _PARAMETER_SYMBOLS:
            sym_text, sym_latex = _PARAMETER_SYMBOLS[key]
            text = text.replace(sym_text, f"{value:g}")
            latex = latex.replace(sym_latex + " ", f"{value:g}").replace(sym_latex, f"{value:g}")
    return Math(text, latex)


def activation_parameters(g):
    """The parameters a problem file may set for g ({"slope": 0.2}; {} for sigmoid, and for
    SELU, whose α and λ are fixed constants)."""
    accepted = inspect.signature(type(g)).parameters
    return {k: v for k, v in g.config().items() if k in accepted}


def activation_label(g):
    """"leaky_relu (slope = 0.2)", "elu (α = 3)", "sigmoid": a layer's activation as named."""
    params = activation_parameters(g)
    if not params:
        return g.name
    return g.name + " (" + ", ".join(
        f"{_PARAMETER_SYMBOLS.get(k, (k,))[0]} = {v:g}" for k, v in params.items()) + ")"


def _g_name(g, z, derivative=False):
    """σ(Z[1]) or σ'(Z[1]): the activation applied to a quantity."""
    names = {"sigmoid": ("σ", r"\sigma"), "tanh": ("tanh", r"\tanh"), "relu": (
        "ReLU", r"\mathrm{ReLU}"), "leaky_relu": ("LeakyReLU", r"\mathrm{LeakyReLU}")}
    text, latex = names.get(g.name, (g.name, rf"\mathrm{{{g.name}}}"))
    if g.name == "linear":
        text, latex = "g", "g"
    prime = "'" if derivative else ""
    return Math(f"{text}{prime}({z.text})", f"{latex}{prime}({z.latex})")


def uses_shortcut(ctx, l):
    """True where the notes' dZ[L] = A[L] − Y holds (sigmoid + BCE, softmax + CCE)."""
    return l == ctx.net.L and ctx.net.loss.shortcut_activation == ctx.g(l).name


def _loss_derivative(ctx, A):
    """∂L/∂A[L] for the network's loss, as a formula in A and Y."""
    name = ctx.net.loss.name
    a_t, a_l = A.text, A.latex
    forms = {
        "half_squared_error": (f"{a_t} − Y", f"{a_l} - Y"),
        "mean_squared_error": (f"(2/n[L])({a_t} − Y)", rf"\frac{{2}}{{n^{{[L]}}}}({a_l} - Y)"),
        "binary_cross_entropy": (f"−Y/{a_t} + (1 − Y)/(1 − {a_t})",
                                 rf"-\frac{{Y}}{{{a_l}}} + \frac{{1 - Y}}{{1 - {a_l}}}"),
        "categorical_cross_entropy": (f"−Y/{a_t}", rf"-\frac{{Y}}{{{a_l}}}"),
    }
    text, latex = forms.get(name, (f"∂L/∂{a_t}", rf"\frac{{\partial \mathcal{{L}}}}{{\partial {a_l}}}"))
    return Math(text, latex)


def _regularization_formula(ctx, l):
    net = ctx.net
    out = Math("")
    if net.l2:
        out = out + Math(f" + (λ₂/m) W[{l}]", rf" + \frac{{\lambda_2}}{{m}} W^{{[{l}]}}")
    if net.l1:
        out = out + Math(f" + (λ₁/m) sign(W[{l}])",
                         rf" + \frac{{\lambda_1}}{{m}} \operatorname{{sign}}(W^{{[{l}]}})")
    return out


def stage(ctx, key):
    """Where a value is computed: "the forward pass, layer 2", "the update of layer 1"."""
    if "[" not in key:  # cost, L, sum L, SE, SSE, MSE, half MSE
        return "the cost"
    sym, l = split_key(key)
    if key.endswith("after"):
        return f"the update of layer {l}"
    return f"the {'forward' if sym in ('Z', 'A') else 'backward'} pass, layer {l}"


# ---------------------------------------------------------------------- entries one by one
def entry_formula(ctx, vals, key, r, c, decimals=None):
    """Entry (r, c) (0-based) of ``key`` with its numbers: "σ(0.9) = 1/(1 + e^−0.9) = 0.711".

    ``vals`` is a ``Values`` of one step; ``decimals`` fixes those of the result. Returns
    the right-hand side as a Math, or None when the value has no term-by-term form
    (softmax).
    """
    sym, l = split_key(key) if "[" in key else (key, None)
    value = vals[key][r, c]
    write = _ENTRY_WRITERS.get("after" if key.endswith("after") else sym)
    parts = write(ctx, vals, l, r, c, key) if write else None
    if parts is None:
        return None
    result = number(value, ctx.digits, decimals)
    if parts[-1].text == result.text:  # db = −0.5 for one example, not "−0.5 = −0.5"
        parts = parts[:-1]
    return _chain(*parts, result)


def _entry_Z(ctx, vals, l, r, c, key):
    W, b, A_prev = vals[f"W[{l}]"], vals[f"b[{l}]"], vals[f"A[{l - 1}]"]
    pairs = [(W[r, k], A_prev[k, c]) for k in range(W.shape[1])]
    if ctx.input_first:  # (a·w), as seed 004's slides write each term
        pairs = [(a, w) for w, a in pairs]
    terms = [_product(x, y, ctx) for x, y in pairs]
    if ctx.bias_column:  # the exercises' W̃ row times [1; a]: the bias term comes first
        return [_sum([_product(b[r, 0], 1, ctx), *terms])]
    return [_sum([*terms, ctx.num(b[r, 0], parenthesize_negative=True)])]


def _entry_A(ctx, vals, l, r, c, key):
    g, z = ctx.g(l), vals[f"Z[{l}]"][r, c]
    zm = ctx.num(z)
    if g.name == "sigmoid":
        return [Math(f"σ({zm.text})", rf"\sigma({zm.latex})"),
                Math(f"1/(1 + e^{ctx.num(-z).text})",
                     rf"\frac{{1}}{{1 + e^{{{ctx.num(-z).latex}}}}}")]
    if g.name == "relu":
        return [Math("max(0, ", r"\max(0, ") + zm + ")"]
    if g.name == "leaky_relu":
        return [Math("max(", r"\max(") + ctx.num(g.slope) + TIMES
                + ctx.num(z, parenthesize_negative=True) + ", " + zm + ")"]
    if g.name == "elu" and z <= 0:  # α(e^z − 1) with its α
        return [_g_name(g, zm), ctx.num(g.alpha) + Math(f"(e^{zm.text} − 1)",
                                                        rf"(e^{{{zm.latex}}} - 1)")]
    if not g.elementwise:
        return None
    return [_g_name(g, zm)]


def _entry_cost(ctx, vals, l, r, c, key):
    A, Y, m = vals[f"A[{ctx.net.L}]"], ctx.Y, ctx.m
    losses = ctx.net.loss.loss(A, Y)[0]
    penalty = vals["cost"][0, 0] - float(np.mean(losses))  # the regularization term, if any
    tail = " + " + ctx.num(penalty) if ctx.net.l1 or ctx.net.l2 else Math("")
    per_example = [_loss_of_example(ctx, A[:, i], Y[:, i]) for i in range(m)]
    if m == 1:
        mean = _signed_sum(losses, ctx) + tail
        return [mean] if per_example[0] is None else [per_example[0] + tail, mean]
    mean = mean_factor(m) + "(" + _signed_sum(losses, ctx) + ")" + tail
    if any(p is None for p in per_example) or not ctx.detailed(m):
        return [mean]
    return [mean_factor(m) + "[" + _sum(per_example) + "]" + tail, mean]


def _entry_L(ctx, vals, l, r, c, key):
    L_c = _loss_of_example(ctx, vals[f"A[{ctx.net.L}]"][:, c], ctx.Y[:, c])
    return None if L_c is None else [L_c]


def _entry_sum_L(ctx, vals, l, r, c, key):
    return [_signed_sum(vals["L"][0], ctx)]


def _entry_SE(ctx, vals, l, r, c, key):
    return [_sum(_squares(ctx, vals[f"A[{ctx.net.L}]"][:, c], ctx.Y[:, c]))]


def _entry_SSE(ctx, vals, l, r, c, key):
    return [_signed_sum(vals["SE"][0], ctx)]


def _entry_MSE(ctx, vals, l, r, c, key):
    count = ctx.m * ctx.net.sizes[-1]  # every element of A[L]: m examples × n[L] units
    return [Math(f"(1/{count})·", rf"\frac{{1}}{{{count}}} \cdot ") + ctx.num(vals["SSE"][0, 0])]


def _entry_half_MSE(ctx, vals, l, r, c, key):
    return [Math("½·", r"\tfrac{1}{2} \cdot ") + ctx.num(vals["MSE"][0, 0])]


def _squares(ctx, a, y):
    """(a₁ − y₁)², (a₂ − y₂)², …: the squared errors of one example's output units."""
    return [Math("(", "(") + ctx.num(ak) + Math(" − ", " - ") + ctx.num(yk) + Math(")²", ")^2")
            for ak, yk in zip(a, y, strict=True)]


def _loss_of_example(ctx, a, y):
    """L(a⁽ⁱ⁾, y⁽ⁱ⁾) with its numbers (a, y: one column); None where there is no short form
    (cross-entropy with targets other than 0 and 1)."""
    name, n = ctx.net.loss.name, a.size
    squares = _squares(ctx, a, y)
    inside = squares[0] if n == 1 else "[" + _sum(squares) + "]"
    if name == "half_squared_error":
        return Math("½", r"\tfrac{1}{2}") + inside
    if name == "mean_squared_error":
        return inside if n == 1 else Math(f"(1/{n})", rf"\frac{{1}}{{{n}}}") + inside
    if not np.all((y == 0) | (y == 1)):
        return None
    if name == "binary_cross_entropy":
        logs = [Math("−log(", r"-\log(") + (ctx.num(ak) if yk == 1 else Math("1 − ", "1 - ")
                                             + ctx.num(ak)) + ")" for ak, yk in zip(a, y, strict=True)]
        return _sum(logs)
    if name == "categorical_cross_entropy" and y.sum() == 1:
        return Math("−log(", r"-\log(") + ctx.num(a[np.argmax(y)]) + ")"
    return None


def _entry_dA(ctx, vals, l, r, c, key):
    if l < ctx.net.L:  # dA[l] = W[l+1]ᵀ dZ[l+1]: column r of W[l+1] against column c of dZ
        W, dZ = vals[f"W[{l + 1}]"], vals[f"dZ[{l + 1}]"]
        return [_sum([_product(W[j, r], dZ[j, c], ctx) for j in range(W.shape[0])])]
    a, y, n_L = vals[f"A[{l}]"][r, c], ctx.Y[r, c], ctx.net.sizes[-1]
    am, ym, name = ctx.num(a), ctx.num(y), ctx.net.loss.name
    minus = Math(" − ", " - ")
    if name == "half_squared_error":
        return [am + minus + ym]
    if name == "mean_squared_error":
        return [Math(f"(2/{n_L})(", rf"\frac{{2}}{{{n_L}}}(") + am + minus + ym + ")"]
    if name == "binary_cross_entropy":
        return [Math("−", "-") + _frac(ym, am) + " + " + _frac(
            Math("1 − ", "1 - ") + ym, Math("1 − ", "1 - ") + am, parenthesize=True)]
    if name == "categorical_cross_entropy":
        return [Math("−", "-") + _frac(ym, am)]
    return None


def _frac(top, bottom, parenthesize=False):
    if parenthesize:
        return Math(f"({top.text})/({bottom.text})", rf"\frac{{{top.latex}}}{{{bottom.latex}}}")
    return Math(f"{top.text}/{bottom.text}", rf"\frac{{{top.latex}}}{{{bottom.latex}}}")


def _entry_dZ(ctx, vals, l, r, c, key):
    a = vals[f"A[{l}]"][r, c]
    am = ctx.num(a)
    if uses_shortcut(ctx, l):
        return [am + Math(" − ", " - ") + ctx.num(ctx.Y[r, c])]
    g = ctx.g(l)
    if not g.elementwise:
        return None
    da = ctx.num(vals[f"dA[{l}]"][r, c], parenthesize_negative=True)
    if g.name == "sigmoid":
        factor = Math(f"{am.text}(1 − {am.text})", f"{am.latex}(1 - {am.latex})")
    elif g.name == "tanh":
        factor = Math("(1 − ", "(1 - ") + power(am) + ")"
    else:
        z, A_l = vals[f"Z[{l}]"][r:r + 1, c:c + 1], vals[f"A[{l}]"][r:r + 1, c:c + 1]
        factor = ctx.num(float(g.derivative(z, A_l)[0, 0]), parenthesize_negative=True)
    return [da + TIMES + factor]


def _entry_dW(ctx, vals, l, r, c, key):
    dZ, A_prev, m = vals[f"dZ[{l}]"], vals[f"A[{l - 1}]"], ctx.m
    terms = _sum([_product(dZ[r, i], A_prev[c, i], ctx) for i in range(m)])
    out = mean_factor(m) + ("[" + terms + "]" if m > 1 else terms)
    W = vals[f"W[{l}]"]
    if ctx.net.l2:
        out = out + Math(f" + ({ctx.net.l2:g}/{m})·", rf" + \frac{{{ctx.net.l2:g}}}{{{m}}} \cdot ") + (
            ctx.num(W[r, c], parenthesize_negative=True))
    if ctx.net.l1:
        out = out + Math(f" + ({ctx.net.l1:g}/{m})·", rf" + \frac{{{ctx.net.l1:g}}}{{{m}}} \cdot ") + (
            ctx.num(np.sign(W[r, c]), parenthesize_negative=True))
    return [out]


def _entry_db(ctx, vals, l, r, c, key):
    row = vals[f"dZ[{l}]"][r]
    total = _signed_sum(row, ctx)
    return [mean_factor(ctx.m) + "(" + total + ")" if ctx.m > 1 else total]


def _entry_after(ctx, vals, l, r, c, key):
    sym = key.split("[")[0]
    old, grad = vals[f"{sym}[{l}]"][r, c], vals[f"d{sym}[{l}]"][r, c]
    return [ctx.num(old) + Math(" − ", " - ") + ctx.num(ctx.alpha) + TIMES
            + ctx.num(grad, parenthesize_negative=True)]


_ENTRY_WRITERS = {"Z": _entry_Z, "A": _entry_A, "cost": _entry_cost, "dA": _entry_dA,
                  "dZ": _entry_dZ, "dW": _entry_dW, "db": _entry_db, "after": _entry_after,
                  "L": _entry_L, "sum L": _entry_sum_L, "SE": _entry_SE, "SSE": _entry_SSE,
                  "MSE": _entry_MSE, "half MSE": _entry_half_MSE}


def terms_per_entry(ctx, key):
    sym, l = split_key(key)
    n = ctx.net.sizes
    return {"Z": n[l - 1] + 1, "dW": ctx.m, "db": ctx.m, "dA": n[min(l + 1, ctx.net.L)]}.get(sym, 1)
