"""A worked solution: what to write down for each value of a trace, in the notes' style.

``document(trace)`` turns a trace into a list of blocks (headings, paragraphs and aligned
equations, each formula a ``notation.Math``) that ``render`` prints as text, Markdown or
LaTeX. For every value it writes the general formula, the shapes of every matrix product
("W[1] (2×2) · X (2×4) + b[1] (2×1) → Z[1] (2×4)"), the chain-rule factors of every
gradient, and then, while a layer is small, each entry with its numbers:

    Z[1][1,2] = (0.2·0) + (0.4·1) + 0.3 = 0.7
    A[1][1,2] = σ(0.7) = 1/(1 + e^−0.7) = 0.668

A large layer falls back to the matrix itself (``detail`` "auto": at most 16 entries of at
most 8 terms each; "full" always writes the entries, "matrices" never). The formulas of
single values are written by ``formulas``; this module arranges them into the document.
"""

import math
from dataclasses import dataclass

import numpy as np

from .formulas import (
    ARROW,
    EQ,
    SPACED_TIMES,
    Context,
    Values,
    activation_formula,
    activation_label,
    entry_formula,
    entry_name,
    formula,
    mean_factor,
    ones_on_top,
    quantity,
    split_key,
    terms_per_entry,
    uses_shortcut,
)
from .notation import Math, decimals_for, matrix, shaped, symbol


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
                   shaped(ones_on_top(l - 1), n_prev + 1, m)]
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
    if ctx.detailed(value.size, terms_per_entry(ctx, key)):
        rows = _entry_rows(ctx, vals, key, relation, decimals)
    if value.size > 1 or not rows:
        rows.append(_eq(quantity(key), matrix(value, ctx.digits, decimals), relation))
    return [Equations(rows)]


def _entry_rows(ctx, vals, key, relation, decimals):
    """One row per entry, or none when the value has no term-by-term form."""
    rows = []
    for r, c in np.ndindex(vals[key].shape):
        rhs = entry_formula(ctx, vals, key, r, c, decimals)
        if rhs is None:
            return []
        rows.append(_eq(entry_name(key, r, c, vals[key].shape), rhs, relation))
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
    if uses_shortcut(ctx, l):
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
        EQ, mean_factor("m"), Math(" Σᵢ ", r" \sum_i "), _partial("L", symbol("Z", l)),
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
    sym, l = split_key(key)
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
