"""Notation: a piece of mathematics written twice, as Unicode text and as LaTeX.

A worked solution is built once from ``Math`` pieces and then printed in either form:
``Math("Z[1]", "Z^{[1]}")``. Adding pieces concatenates both forms; a text form may span
several lines (a matrix), and then the pieces are set side by side, centred vertically.

Numbers follow one rule (``number_text``): ``digits`` decimal places, more for small
numbers so that ``digits`` significant figures show (0.000175, not 0.000), and none of the
padding zeros for a number that is short exactly (0.5, 0.52, 2, as the notes write them).
Entries of a matrix are named as in the notes: z₁^[1](2) is unit 1 of layer 1 for example
2, written ``Z[1][1,2]`` in text; W̃'s columns count from 0, the bias column, as the
exercises' W₁₀ (bias), W₁₁, W₁₂.
"""

import math

import numpy as np


class Math:
    """A formula as plain Unicode ``text`` and as ``latex`` (math mode, without $ signs)."""

    __slots__ = ("text", "latex")

    def __init__(self, text, latex=None):
        self.text = text
        self.latex = text if latex is None else latex

    def __add__(self, other):
        other = as_math(other)
        return Math(_side_by_side(self.text, other.text), self.latex + other.latex)

    def __radd__(self, other):
        return as_math(other) + self

    def __repr__(self):
        return f"Math({self.text!r}, {self.latex!r})"


def as_math(value):
    """A Math as it is, a string as the same text in both forms."""
    return value if isinstance(value, Math) else Math(str(value))


def join(parts, separator):
    """The parts with ``separator`` (a string or a Math) between them."""
    result = Math("")
    for i, part in enumerate(parts):
        result = result + (separator if i else "") + part
    return result


def _side_by_side(left, right):
    """Two blocks of text lines set next to each other, each centred vertically."""
    if "\n" not in left and "\n" not in right:
        return left + right
    blocks = [left.split("\n"), right.split("\n")]
    height = max(len(b) for b in blocks)
    columns = []
    for block in blocks:
        width = max(len(line) for line in block)
        top = (height - len(block)) // 2
        padded = [""] * top + block + [""] * (height - len(block) - top)
        columns.append([line.ljust(width) for line in padded])
    return "\n".join((a + b).rstrip() for a, b in zip(*columns, strict=True))


# ---------------------------------------------------------------------------- numbers
def decimals_for(x, digits):
    """Decimal places that show x with ``digits`` decimals, or ``digits`` significant figures
    when x is small (0.000175 needs 6)."""
    x = abs(float(x))
    if x == 0 or not math.isfinite(x):
        return digits
    return max(digits, digits - 1 - math.floor(math.log10(x)))


def number_text(x, digits, decimals=None):
    """x as the notes write it, with an ASCII minus sign (see the module docstring)."""
    x = float(x)
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if x != 0 and not 1e-12 <= abs(x) < 1e15:
        return f"{x:.{digits}e}"
    if decimals is None:
        decimals = decimals_for(x, digits)
    s = f"{x:.{decimals}f}"
    if "." in s and abs(float(s) - x) <= 1e-9 * max(1.0, abs(x)):
        s = s.rstrip("0").rstrip(".")  # short exactly: 0.52, not 0.520
    return "0" if s in ("-0", "0") else s


def number(x, digits, decimals=None, parenthesize_negative=False):
    """x as Math: a true minus sign (−) in text; "(−0.5)" when asked, as in "+ (−0.5)"."""
    s = number_text(x, digits, decimals)
    text, latex = s.replace("-", "−"), s
    if "e" in s:
        mantissa, exponent = s.split("e")
        text = f"{mantissa}·10^{int(exponent)}".replace("-", "−")
        latex = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    if parenthesize_negative and s.startswith("-"):
        return Math(f"({text})", f"({latex})")
    return Math(text, latex)


def power(base, exponent=2):
    """``base`` (a Math) raised to ``exponent``: the base parenthesized when it is negative
    or written with a power of ten, so that −0.762 squared reads (−0.762)², never −0.762²
    (which is −(0.762²))."""
    if base.text.startswith(("−", "-")) or "·10^" in base.text:
        base = Math(f"({base.text})", f"({base.latex})")
    sup = {2: "²", 3: "³"}.get(exponent, f"^{exponent}")
    return Math(base.text + sup, f"{base.latex}^{{{exponent}}}")


# ------------------------------------------------------------------------------ names
_LATEX_SYMBOL = {"W̃": r"\tilde{W}", "dW̃": r"d\tilde{W}", "X": "X", "Y": "Y"}


def symbol(sym, l=None, transpose=False):
    """A whole quantity: Z[1] / Z^{[1]}, A[1]ᵀ / A^{[1]\\top}, X, W̃[2]."""
    if sym == "A" and l == 0:
        sym, l = "X", None  # the notes write A[0] as X
    latex = _LATEX_SYMBOL.get(sym, sym)
    text = sym if l is None else f"{sym}[{l}]"
    sup = [] if l is None else [f"[{l}]"]
    if transpose:
        text += "ᵀ"
        sup.append(r"\top")
    if sup:
        latex += "^{" + "".join(sup) + "}"
    return Math(text, latex)


def entry(sym, l, row, col, shape):
    """One entry, counted from 1 as in the notes (W̃'s columns from 0, its bias column).

    Z, A, dZ, dA: unit ``row`` for example ``col``, z_j^{[l](i)}; with one example the
    example index is left out, and a 1×1 quantity needs no index at all. W, dW: W_{jk}^{[l]};
    b, db: b_j^{[l]}. X: x_k^{(i)}, Y: y_j^{(i)}.
    """
    if sym == "A" and l == 0:
        sym, l = "X", None
    n, m = shape
    if sym in ("X", "Y"):
        base = sym.lower()
        sub = f"{row}" if n > 1 else ""
        latex = base + (f"_{{{sub}}}" if sub else "") + (f"^{{({col})}}" if m > 1 else "")
        text = f"{sym}[{row},{col}]" if n > 1 and m > 1 else (
            f"{sym}[{row if n > 1 else col}]" if n * m > 1 else sym)
        return Math(text, latex)
    head = symbol(sym, l)
    if sym in ("b", "db") or n * m == 1:
        index_text = f"[{row}]" if n > 1 else ""
        latex_sub = f"_{{{row}}}" if n > 1 else ""
        return Math(head.text + index_text, head.latex + latex_sub)
    if sym in ("W", "dW", "W̃", "dW̃"):
        return Math(f"{head.text}[{row},{col}]", f"{head.latex}_{{{row}{col}}}")
    lower = sym[:-1] + sym[-1].lower()  # z, a, dz, da for one example, as the notes
    if m == 1:
        return Math(f"{head.text}[{row}]", f"{lower}^{{[{l}]}}_{{{row}}}")
    text = f"{head.text}[{row},{col}]" if n > 1 else f"{head.text}[1,{col}]"
    return Math(text, f"{lower}^{{[{l}]({col})}}" + (f"_{{{row}}}" if n > 1 else ""))


def shape(rows, cols):
    """(2×4) / (2 \\times 4); a dimension may be a name such as m."""
    return Math(f"({rows}×{cols})", rf"({rows} \times {cols})")


def shaped(m, rows, cols):
    """A quantity with its shape after it: W[1] (2×2)."""
    return m + Math(" ", r"\,") + shape(rows, cols)


# --------------------------------------------------------------------------- matrices
_MAX_SHOWN = 8  # rows or columns beyond this are elided, keeping the first and last 3


def _kept(n):
    return list(range(n)) if n <= _MAX_SHOWN else [0, 1, 2, None, n - 3, n - 2, n - 1]


def matrix(values, digits, decimals=None):
    """A matrix in brackets: Unicode ⎡ ⎤ rows in text, a bmatrix in LaTeX; a 1×1 is a number."""
    values = np.atleast_2d(values)
    if values.size == 1:
        return number(values.flat[0], digits, decimals)
    rows, cols = _kept(values.shape[0]), _kept(values.shape[1])

    def cell(i, j, form):
        if i is None and j is None:
            return "⋱" if form == "text" else r"\ddots"
        if i is None:
            return "⋮" if form == "text" else r"\vdots"
        if j is None:
            return "…" if form == "text" else r"\cdots"
        m = number(values[i, j], digits, decimals)
        return m.text if form == "text" else m.latex

    text_rows = [[cell(i, j, "text") for j in cols] for i in rows]
    widths = [max(len(r[c]) for r in text_rows) for c in range(len(cols))]
    lines = ["  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in text_rows]
    latex_rows = [" & ".join(cell(i, j, "latex") for j in cols) for i in rows]
    latex = r"\begin{bmatrix} " + r" \\ ".join(latex_rows) + r" \end{bmatrix}"
    return Math(_bracket(lines), latex)


def _bracket(lines):
    if len(lines) == 1:
        return f"[{lines[0]}]"
    left = ["⎡"] + ["⎢"] * (len(lines) - 2) + ["⎣"]
    right = ["⎤"] + ["⎥"] * (len(lines) - 2) + ["⎦"]
    return "\n".join(f"{a}{line}{b}" for a, line, b in zip(left, lines, right, strict=True))


def count(n, word):
    """``n`` and the word, plural unless n is 1: "1 answer", "3 answers"."""
    return f"{n} {word}{'s' * (n != 1)}"
