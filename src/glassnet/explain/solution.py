"""A worked solution: what to write down for each value of a trace, in the notes' style.

``document(trace)`` turns a trace into a list of blocks (headings, paragraphs and aligned
equations, each formula a ``notation.Math``) that ``render`` prints as text, Markdown or
LaTeX. For every value it writes the general formula, the shapes of every matrix product
("W[1] (2×2) · X (2×4) + b[1] (2×1) → Z[1] (2×4)"), the chain-rule factors of every
gradient, and then, while a layer is small, each entry with its numbers:

    Z[1][1,2] = (0.2·0) + (0.4·1) + 0.3 = 0.7
    A[1][1,2] = σ(0.7) = 1/(1 + e^−0.7) = 0.668

A large layer falls back to the matrix itself (``detail`` "auto": at most 16 entries of at
most 8 terms each; "full" always writes the entries, "matrices" never). ``entry_formula``
and ``stage`` describe one value alone; the check uses them to show the right number.
"""

import inspect
import math
from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError
from .notation import (
    Math,
    decimals_for,
    entry,
    join,
    matrix,
    number,
    power,
    shaped,
    symbol,
)

MAX_ENTRIES = 16  # entries of one quantity written out one by one ("auto" detail)
MAX_TERMS = 8  # terms in one entry's sum

EQ = Math(" = ", " = ")
TIMES = Math("·", r" \cdot ")
SPACED_TIMES = Math(" · ", r" \cdot ")  # between matrices in a line of shapes
SPACE = Math(" ", r"\,")
ARROW = Math(" → ", r" \rightarrow ")


# ------------------------------------------------------------------------------ blocks
@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Paragraph:
    parts: list  # str (words) and Math (inline formulas)


@dataclass
class Equations:
    rows: list  # (left, relation, right) triples of Math / str


def _eq(left, right, relation="="):
    return (left, relation, right)


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


def _mean_factor(m):
    """(1/m) in front of a sum over the m examples."""
    return Math(f"(1/{m})", rf"\frac{{1}}{{{m}}}") if m != 1 else Math("")


def _chain(*parts):
    return join(parts, EQ)


def _entry(key, r, c, shape):
    """The Math name of entry (r, c), 0-based, of the quantity ``key``."""
    sym, l = _split(key)
    return entry(sym, l, r + 1, c + 1, shape)


def _split(key):
    """("Z", 1) from "Z[1]", ("W", 2) from "W[2] after"."""
    sym, rest = key.split("[", 1)
    return sym, int(rest.split("]", 1)[0])


def _name(key, transpose=False):
    if key == "cost":
        return Math("J")
    sym, l = _split(key)
    return symbol(sym, l, transpose)


# --------------------------------------------------------------------------- formulas
def formula(ctx, key):
    """The general formula of a quantity, as (left, right): (Z[1], W[1] X + b[1])."""
    if key == "cost":
        return Math("J"), Math("(1/m) Σᵢ L(a⁽ⁱ⁾, y⁽ⁱ⁾)",
                               r"\frac{1}{m} \sum_{i=1}^{m} \mathcal{L}(a^{(i)}, y^{(i)})")
    sym, l = _split(key)
    L = ctx.net.L
    if key.endswith("after"):
        grad = symbol("d" + sym, l)
        return symbol(sym, l), symbol(sym, l) + Math(" − α ", r" - \alpha\,") + grad
    if sym == "Z":
        if ctx.bias_column:
            return symbol("Z", l), symbol("W̃", l) + SPACE + _ones_on_top(l - 1)
        return symbol("Z", l), symbol("W", l) + SPACE + symbol("A", l - 1) + " + " + symbol("b", l)
    if sym == "A":
        return symbol("A", l), _g_name(ctx.g(l), symbol("Z", l))
    if sym == "dA" and l == L:
        return symbol("dA", L), _loss_derivative(ctx, symbol("A", L))
    if sym == "dA":
        return symbol("dA", l), symbol("W", l + 1, transpose=True) + SPACE + symbol("dZ", l + 1)
    if sym == "dZ" and _shortcut(ctx, l):
        return symbol("dZ", l), symbol("A", l) + Math(" − Y", " - Y")
    if sym == "dZ":
        return symbol("dZ", l), (symbol("dA", l) + Math(" * ", r" \odot ")
                                 + _g_name(ctx.g(l), symbol("Z", l), derivative=True))
    reg = _regularization_formula(ctx, l) if sym == "dW" else Math("")
    if sym == "dW":
        return symbol("dW", l), (_mean_factor("m") + SPACE + symbol("dZ", l) + SPACE
                                 + symbol("A", l - 1, transpose=True) + reg)
    return symbol("db", l), _mean_factor("m") + Math(" Σᵢ ", r" \sum_{i=1}^{m} ") + Math(
        f"dZ[{l}]⁽ⁱ⁾", f"dZ^{{[{l}](i)}}")


def _ones_on_top(l):
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


def _shortcut(ctx, l):
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
    sym, l = _split(key)
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
    sym, l = _split(key) if "[" in key else (key, None)
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
    mean = _mean_factor(m) + "(" + _signed_sum(losses, ctx) + ")" + tail
    if any(p is None for p in per_example) or not ctx.detailed(m):
        return [mean]
    return [_mean_factor(m) + "[" + _sum(per_example) + "]" + tail, mean]


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
    if _shortcut(ctx, l):
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
    out = _mean_factor(m) + ("[" + terms + "]" if m > 1 else terms)
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
    return [_mean_factor(ctx.m) + "(" + total + ")" if ctx.m > 1 else total]


def _entry_after(ctx, vals, l, r, c, key):
    sym = key.split("[")[0]
    old, grad = vals[f"{sym}[{l}]"][r, c], vals[f"d{sym}[{l}]"][r, c]
    return [ctx.num(old) + Math(" − ", " - ") + ctx.num(ctx.alpha) + TIMES
            + ctx.num(grad, parenthesize_negative=True)]


_ENTRY_WRITERS = {"Z": _entry_Z, "A": _entry_A, "cost": _entry_cost, "dA": _entry_dA,
                  "dZ": _entry_dZ, "dW": _entry_dW, "db": _entry_db, "after": _entry_after,
                  "L": _entry_L, "sum L": _entry_sum_L, "SE": _entry_SE, "SSE": _entry_SSE,
                  "MSE": _entry_MSE, "half MSE": _entry_half_MSE}


def _terms_per_entry(ctx, key):
    sym, l = _split(key)
    n = ctx.net.sizes
    return {"Z": n[l - 1] + 1, "dW": ctx.m, "db": ctx.m, "dA": n[min(l + 1, ctx.net.L)]}.get(sym, 1)


# ----------------------------------------------------------------------------- document
def document(trace, digits=3, detail="auto"):
    """The worked solution of ``trace`` as a list of Heading / Paragraph / Equations."""
    ctx = Context(trace, digits, detail)
    blocks = [Heading(1, trace.title or "Worked solution")]
    if trace.description:
        blocks.append(Paragraph([trace.description]))
    blocks += _network_section(ctx, trace)
    for step in trace.steps:
        vals = Values(ctx, step.parameters, step.values)
        prefix = f"Step {step.number}: " if len(trace.steps) > 1 else ""

        def heading(text, prefix=prefix):
            return Heading(2, prefix + text if prefix else text[0].upper() + text[1:])

        blocks.append(heading("forward pass"))
        for l in range(1, ctx.net.L + 1):
            blocks += _forward_layer(ctx, vals, l)
        blocks += _prediction(ctx, vals)
        if not step.has_backward():
            continue
        blocks += _cost(ctx, vals)
        L = ctx.net.L
        blocks.append(heading(f"backward pass, from layer {L} back to layer 1" if L > 1
                              else "backward pass"))
        for l in range(ctx.net.L, 0, -1):
            blocks += _backward_layer(ctx, vals, l)
        blocks.append(heading("update"))
        blocks += _update(ctx, vals)
    blocks += _symmetry(ctx, trace)
    return blocks


def _network_section(ctx, trace):
    net = ctx.net
    arch = ", ".join(f"layer {l}: {n} unit{'s' * (n > 1)}, {activation_label(ctx.g(l))}"
                     for l, n in enumerate(net.sizes[1:], 1))
    inputs = ("n_x inputs (left open)" if ctx.n_x_open else
              f"n_x = {net.n_x} input{'s' * (net.n_x > 1)}")
    blocks = [Heading(2, "The network"), Paragraph([
        f"{inputs}; L = {net.L} layer{'s' * (net.L > 1)} "
        f"with weights (the input layer is not counted): {arch}."])]
    if trace.Y is not None:
        loss = net.loss
        blocks.append(Paragraph([f"Loss {loss.name}: ", Math(loss.formula, loss.latex),
                                 ", learning rate ", Math("α", r"\alpha"),
                                 f" = {ctx.num(ctx.alpha).text}."]))
    blocks += _shapes(ctx)
    if not trace.steps:
        return blocks
    rows = [_eq(symbol("X"), matrix(trace.X, ctx.digits + 3))]
    if trace.Y is not None:
        rows.append(_eq(symbol("Y"), matrix(trace.Y, ctx.digits + 3)))
    for l in range(1, net.L + 1):  # the network a trace keeps is the one at the start
        if ctx.bias_column:
            rows.append(_eq(symbol("W̃", l), matrix(net.bias_column(l), ctx.digits + 3)))
        else:
            rows.append(_eq(symbol("W", l), matrix(net.W[l], ctx.digits + 3)))
            rows.append(_eq(symbol("b", l), matrix(net.b[l], ctx.digits + 3)))
    m = trace.m
    blocks += [Paragraph([f"Given (m = {m} example{'s' * (m > 1)}, one per column of X):"]),
               Equations(rows)]
    return blocks


def _shapes(ctx):
    """Each layer's shapes and parameter count, and the total: numeric for a given n_x, in
    n_x where the problem leaves it open (the notes' 3m + 3 + 8 + 3 = 3m + 14)."""
    net, m = ctx.net, ctx.m if ctx.m is not None else "m"
    rows, counts = [], []
    for l in range(1, net.L + 1):
        n = net.sizes[l]
        n_prev = "n_x" if l == 1 and ctx.n_x_open else net.sizes[l - 1]
        if ctx.bias_column:
            plus = "n_x + 1" if n_prev == "n_x" else n_prev + 1
            params = [symbol("W̃", l),
                      Math(f" (n[{l}] × (n[{l - 1}] + 1)) = ({n}×{plus})",
                           rf"\,(n^{{[{l}]}} \times (n^{{[{l - 1}]}} + 1)) = ({n} \times {plus})")]
        else:
            params = [shaped(symbol("W", l), n, n_prev), ", ", shaped(symbol("b", l), n, 1)]
        count = f"{n}n_x + {n}" if n_prev == "n_x" else str(n * n_prev + n)
        counts.append(count)
        rows.append(Paragraph([f"Layer {l}: ", *params, ", ", shaped(symbol("Z", l), n, m),
                               " and ", shaped(symbol("A", l), n, m),
                               f"; {n}·{n_prev} + {n} = {count} parameters."]))
    n1 = net.sizes[1]
    rest = sum(n * (k + 1) for k, n in zip(net.sizes[1:-1], net.sizes[2:], strict=True))
    in_n_x = f"{_coefficient(n1)}n_x + {n1 + rest}"
    if ctx.n_x_open:
        total = (f"Total: {' + '.join(counts)} = {in_n_x} parameters." if len(counts) > 1
                 else f"Total: {in_n_x} parameters.")
    else:
        numbers = " + ".join(counts) + " = " if len(counts) > 1 else ""
        total = f"Total: {numbers}{net.n_parameters} parameters."
    return [Heading(2, "Shapes"), *rows, Paragraph([total])]


def _coefficient(n):
    return "" if n == 1 else str(n)


def _forward_layer(ctx, vals, l):
    n, n_prev, m = ctx.net.sizes[l], ctx.net.sizes[l - 1], ctx.m
    g = ctx.g(l)
    left, right = formula(ctx, f"Z[{l}]")
    if ctx.bias_column:
        product = [shaped(symbol("W̃", l), n, n_prev + 1), SPACED_TIMES,
                   shaped(_ones_on_top(l - 1), n_prev + 1, m)]
    else:
        product = [shaped(symbol("W", l), n, n_prev), SPACED_TIMES,
                   shaped(symbol("A", l - 1), n_prev, m),
                   " + ", shaped(symbol("b", l), n, 1)]
    blocks = [Heading(3, f"Layer {l}: {n} unit{'s' * (n > 1)}, {activation_label(g)}"),
              Equations([_eq(left, right)]),
              Paragraph(["Shapes: ", *product, ARROW, shaped(symbol("Z", l), n, m)])]
    blocks += _values(ctx, vals, f"Z[{l}]")
    left, right = formula(ctx, f"A[{l}]")
    blocks += [Equations([_eq(left, right)]),
               Paragraph(["where ", activation_formula(g),
                          ", element by element." if g.elementwise else
                          ", down each column (one example)."])]
    blocks += _values(ctx, vals, f"A[{l}]")
    return blocks


def _values(ctx, vals, key, relation="=", decimals=None):
    """The entries of ``key`` one by one (if small), then the whole matrix."""
    value = vals[key]
    rows = []
    if ctx.detailed(value.size, _terms_per_entry(ctx, key)):
        rows = _entry_rows(ctx, vals, key, relation, decimals)
    if value.size > 1 or not rows:
        rows.append(_eq(_name(key), matrix(value, ctx.digits, decimals), relation))
    return [Equations(rows)]


def _entry_rows(ctx, vals, key, relation, decimals):
    """One row per entry, or none when the value has no term-by-term form."""
    rows = []
    for r, c in np.ndindex(vals[key].shape):
        rhs = entry_formula(ctx, vals, key, r, c, decimals)
        if rhs is None:
            return []
        rows.append(_eq(_entry(key, r, c, vals[key].shape), rhs, relation))
    return rows


def _prediction(ctx, vals):
    L, g = ctx.net.L, ctx.g(ctx.net.L)
    A = vals[f"A[{L}]"]
    if g.name == "sigmoid" and A.shape[0] == 1:
        y_hat = (A >= 0.5).astype(int)
        if A.size > 1:
            return [Paragraph(["Prediction (threshold 0.5, 1 where ", symbol("A", L),
                               Math(" ≥ 0.5", r" \geq 0.5"), "): ",
                               Math("ŷ = ", r"\hat{y} = ") + matrix(y_hat, 0)])]
        a, y = ctx.num(A[0, 0]), int(y_hat[0, 0])
        relation = ("≥", r"\geq") if y else ("<", "<")
        return [Paragraph(["Prediction (threshold 0.5): ", Math(f"ŷ = {y}", rf"\hat{{y}} = {y}"),
                           " because ", Math(f"a = {a.text} {relation[0]} 0.5",
                                             rf"a = {a.latex} {relation[1]} 0.5"), "."])]
    if g.name == "softmax":
        classes = np.argmax(A, axis=0)[None, :] + 1
        return [Paragraph(["Prediction: the class (row of ", symbol("A", L),
                           ", counted from 1) with the largest a: ",
                           Math("ŷ = ", r"\hat{y} = ") + matrix(classes, 0)])]
    return []


#: the names of the cost's working as the solution writes them (those ``check`` reads)
_WORKING_NAMES = {"L": ("L({i})", r"\mathcal{{L}}^{{({i})}}"),
                  "SE": ("SE({i})", r"\mathrm{{SE}}^{{({i})}}"),
                  "sum L": ("sum L", r"\sum_i \mathcal{L}^{(i)}"),
                  "SSE": ("SSE", r"\mathrm{SSE}"), "MSE": ("MSE", r"\mathrm{MSE}"),
                  "half MSE": ("half MSE", r"\tfrac{1}{2}\mathrm{MSE}")}


def _cost_working(ctx, vals):
    """The cost example by example: L(i) and their sum; for the squared-error losses also
    each SE(i) = ‖a⁽ⁱ⁾ − y⁽ⁱ⁾‖², SSE, and both conventions of the cost, MSE and half MSE."""
    groups = [("Example by example: ", ["L", "sum L"])]
    if "SE" in vals.values:
        groups.append(("The squared errors and both conventions of the cost, MSE = "
                       "SSE/(m n[L]) and half of it: ", ["SE", "SSE", "MSE", "half MSE"]))
    blocks = []
    for sentence, keys in groups:
        rows = []
        for key in keys:
            each = key in ("L", "SE")
            if each and not ctx.detailed(ctx.m):
                continue
            for c in range(vals[key].shape[1]):
                rhs = entry_formula(ctx, vals, key, 0, c)
                text, latex = _WORKING_NAMES[key]
                name = Math(text.format(i=c + 1), latex.format(i=c + 1) if each else latex)
                rows.append(_eq(name, rhs if rhs is not None else ctx.num(vals[key][0, c])))
        if rows:
            blocks += [Paragraph([sentence]), Equations(rows)]
    return blocks


def _cost(ctx, vals):
    left, right = formula(ctx, "cost")
    loss = ctx.net.loss
    rows = [_eq(left, right)]
    rhs = entry_formula(ctx, vals, "cost", 0, 0)
    rows.append(_eq(Math("J"), rhs if rhs is not None else ctx.num(vals["cost"][0, 0])))
    blocks = [Heading(3, "The cost"), Paragraph(["with ", Math(loss.formula, loss.latex)]),
              Equations(rows)]
    blocks += _cost_working(ctx, vals)
    if ctx.net.l1 or ctx.net.l2:
        blocks.append(Paragraph(["J includes the regularization term ", Math(
            "(λ₂/2m) Σₗ ‖W[l]‖² + (λ₁/m) Σₗ Σ|W[l]|",
            r"\frac{\lambda_2}{2m} \sum_l \lVert W^{[l]} \rVert^2 + \frac{\lambda_1}{m} "
            r"\sum_l \sum |W^{[l]}|"), "."]))
    return blocks


def _backward_layer(ctx, vals, l):
    L, m = ctx.net.L, ctx.m
    n, n_prev = ctx.net.sizes[l], ctx.net.sizes[l - 1]
    blocks = [Heading(3, f"Layer {l}")]
    if l == L:
        left, right = formula(ctx, f"dA[{L}]")
        blocks.append(Equations([_eq(left, _partial("L", symbol("A", L)) + EQ + right)]))
        blocks += _values(ctx, vals, f"dA[{L}]")
    left, right = formula(ctx, f"dZ[{l}]")
    blocks.append(Equations([_eq(left, right)]))
    if _shortcut(ctx, l):
        blocks.append(Paragraph(_shortcut_sentence(ctx, l)))
    else:
        g = ctx.g(l)
        blocks.append(Paragraph([
            "Chain rule: ", _partial("L", symbol("Z", l)), EQ,
            _partial("L", symbol("A", l)), SPACED_TIMES, _partial(symbol("A", l), symbol("Z", l)),
            ", element by element (*), with ", activation_formula(g, derivative=True),
            "."]))
    blocks += _values(ctx, vals, f"dZ[{l}]")
    left, right = formula(ctx, f"dW[{l}]")
    blocks += [Equations([_eq(left, right)]), Paragraph([
        "Shapes: ", shaped(symbol("dZ", l), n, m), SPACED_TIMES,
        shaped(symbol("A", l - 1, transpose=True), m, n_prev), ARROW,
        shaped(symbol("dW", l), n, n_prev), ". Chain rule: ", _partial("J", symbol("W", l)),
        EQ, _mean_factor("m"), Math(" Σᵢ ", r" \sum_i "), _partial("L", symbol("Z", l)),
        SPACED_TIMES, _partial(symbol("Z", l), symbol("W", l)), ", with ",
        _partial(symbol("Z", l), symbol("W", l)), EQ, symbol("A", l - 1, transpose=True), "."])]
    blocks += _values(ctx, vals, f"dW[{l}]")
    left, right = formula(ctx, f"db[{l}]")
    blocks += [Equations([_eq(left, right)]), Paragraph([
        "The sum runs over the m columns (examples) and keeps ", shaped(symbol("db", l), n, 1),
        ". Chain rule: ", _partial(symbol("Z", l), symbol("b", l)) + EQ + "1", "."])]
    blocks += _values(ctx, vals, f"db[{l}]")
    if ctx.bias_column:
        dWt = np.hstack([vals[f"db[{l}]"], vals[f"dW[{l}]"]])
        blocks.append(Equations([_eq(symbol("dW̃", l), Math(
            f"[db[{l}] | dW[{l}]]", rf"\begin{{bmatrix}} db^{{[{l}]}} & dW^{{[{l}]}} \end{{bmatrix}}")
            + EQ + matrix(dWt, ctx.digits))]))
    if l > 1:
        left, right = formula(ctx, f"dA[{l - 1}]")
        blocks += [Equations([_eq(left, right)]), Paragraph([
            "Shapes: ", shaped(symbol("W", l, transpose=True), n_prev, n), SPACED_TIMES,
            shaped(symbol("dZ", l), n, m), ARROW, shaped(symbol("dA", l - 1), n_prev, m),
            ". Chain rule: ", _partial("L", symbol("A", l - 1)), EQ,
            _partial(symbol("Z", l), symbol("A", l - 1)), SPACED_TIMES,
            _partial("L", symbol("Z", l)),
            ", with ", _partial(symbol("Z", l), symbol("A", l - 1)), EQ,
            symbol("W", l, transpose=True), "."])]
        blocks += _values(ctx, vals, f"dA[{l - 1}]")
    return blocks


def _partial(top, bottom):
    """∂top/∂bottom, top "L", "J" or a Math."""
    top = {"L": Math("L", r"\mathcal{L}"), "J": Math("J")}.get(top, top) if isinstance(
        top, str) else top
    return Math(f"∂{top.text}/∂{bottom.text}",
                rf"\frac{{\partial {top.latex}}}{{\partial {bottom.latex}}}")


def _shortcut_sentence(ctx, l):
    """Why dZ[L] = A[L] − Y: the loss's derivative and g' cancel."""
    if ctx.g(l).name == "sigmoid":
        return ["With ", Math("σ", r"\sigma"), " and cross-entropy the chain rule collapses: ",
                Math("∂L/∂z = ∂L/∂a · ∂a/∂z = (a − y)/(a(1 − a)) · a(1 − a) = a − y",
                     r"\frac{\partial \mathcal{L}}{\partial z} = \frac{\partial \mathcal{L}}"
                     r"{\partial a} \cdot \frac{\partial a}{\partial z} = \frac{a - y}{a(1 - a)}"
                     r" \cdot a(1 - a) = a - y"), "."]
    return ["With softmax and categorical cross-entropy the chain rule collapses to ",
            Math("∂L/∂Z = A − Y", r"\frac{\partial \mathcal{L}}{\partial Z} = A - Y"), "."]


def _update(ctx, vals):
    blocks = [Paragraph(["Gradient descent with ", Math("α", r"\alpha"),
                         f" = {ctx.num(ctx.alpha).text}, every layer after the whole "
                         "backward pass:"])]
    for l in range(1, ctx.net.L + 1):
        keys = [f"W[{l}] after", f"b[{l}] after"]
        blocks.append(Equations([_eq(*formula(ctx, key), ":=") for key in keys]))
        decimals = [_update_decimals(ctx, vals, key) for key in keys]
        for key, d in zip(keys, decimals, strict=True):
            blocks += _values(ctx, vals, key, ":=", d)
        if ctx.bias_column:
            Wt = np.hstack([vals[f"b[{l}] after"], vals[f"W[{l}] after"]])
            blocks.append(Equations([_eq(symbol("W̃", l), matrix(Wt, ctx.digits, max(decimals)),
                                         ":=")]))
    return blocks


def _update_decimals(ctx, vals, key):
    """Decimals that show the new W[l] or b[l] and its change α dW to two significant
    figures (0.4 → 0.400088, not 0.400)."""
    sym, l = _split(key)
    change = np.abs(ctx.alpha * vals[f"d{sym}[{l}]"])
    change = change[change != 0]
    decimals = max(decimals_for(np.max(np.abs(vals[key])), ctx.digits),
                   1 - math.floor(math.log10(change.min())) if change.size else 0)
    return min(decimals, 15)


def _symmetry(ctx, trace):
    blocks = []
    for l in trace.symmetric_layers():
        n = ctx.net.sizes[l]
        steps = len(trace.steps)
        when = "in the step" if steps == 1 else f"in every one of the {steps} steps"
        blocks.append(Paragraph([
            f"Symmetry: the {n} units of layer {l} have identical values {when} (each row of "
            f"Z[{l}], A[{l}], dZ[{l}], dW[{l}], db[{l}] and of the updated W[{l}], b[{l}] is "
            "the same), because units that start with equal weights compute the same output, "
            "receive the same gradient and get the same update, so they stay identical and "
            "act as a single unit however long training runs; random initialization (",
            Math("0.01·randn", r"0.01 \cdot \mathrm{randn}"), ") breaks the symmetry."]))
    return blocks
