"""Renderers: a worked solution as plain text, Markdown with LaTeX, LaTeX, or JSON.

* ``to_text``: for a terminal, in Unicode (σ, −, ·, ᵀ, matrices in ⎡ ⎤ brackets);
* ``to_markdown``: headings and words in Markdown, formulas in LaTeX between $ and $$, in
  the notes' style ($$Z^{[1]} = W^{[1]} X + b^{[1]}$$); Jupyter shows a trace this way;
* ``to_latex``: a complete LaTeX document (``standalone=False``: one ``aligned`` block
  that MathJax can show, which is what a notebook asks for as LaTeX);
* ``to_json`` / ``to_dict``: every value at full precision (floats as Python writes them,
  which read back to the same double), in the notes' order and by the notes' names.

``digits`` and ``detail`` are those of ``solution.document``.
"""

import json
import re

import numpy as np

from .formulas import activation_parameters
from .notation import Math, as_math
from .solution import Heading, Paragraph, document


# ---------------------------------------------------------------------------------- text
def to_text(trace, digits=3, detail="auto"):
    out = []
    for block in document(trace, digits, detail):
        if isinstance(block, Heading):
            if block.level == 3:
                out += ["", block.text]
            else:
                out += ["", block.text, ("=" if block.level == 1 else "-") * len(block.text)]
        elif isinstance(block, Paragraph):
            out.append(_inline(block.parts).text)
        else:
            out.append(_text_equations(block.rows))
    return "\n".join(out).strip("\n") + "\n"


def _inline(parts):
    result = Math("")
    for part in parts:
        result = result + as_math(part)
    return result


def _runs(parts):
    """A paragraph's parts with neighbouring formulas merged, so that each run of math is
    one $…$ (two formulas side by side as $a$$b$ would open display math)."""
    runs = []
    for part in parts:
        if isinstance(part, Math) and runs and isinstance(runs[-1], Math):
            runs[-1] = runs[-1] + part
        elif part != "":
            runs.append(part)
    return runs


def _text_equations(rows):
    width = max(len(as_math(left).text) for left, _, _ in rows)
    lines = []
    for left, relation, right in rows:
        row = Math("  " + as_math(left).text.ljust(width) + f" {relation} ") + as_math(right)
        lines.append(row.text)
    return "\n".join(lines)


# ------------------------------------------------------------------------------ markdown
def to_markdown(trace, digits=3, detail="auto"):
    out = []
    for block in document(trace, digits, detail):
        if isinstance(block, Heading):
            out.append("#" * block.level + " " + block.text)
        elif isinstance(block, Paragraph):
            out.append("".join(_markdown_words(p) if isinstance(p, str) else f"${p.latex}$"
                               for p in _runs(block.parts)))
        else:
            out.append("$$\n" + _aligned(block.rows) + "\n$$")
    return "\n\n".join(out) + "\n"


def _markdown_words(text):
    return text.replace("\\", "\\\\").replace("*", r"\*").replace("_", r"\_")


def _aligned(rows):
    body = " \\\\\n".join(_latex_row(row) for row in rows)
    return "\\begin{aligned}\n" + body + "\n\\end{aligned}"


def _latex_row(row):
    left, relation, right = row
    return f"{as_math(left).latex} &{relation} {as_math(right).latex}"


# --------------------------------------------------------------------------------- latex
_PREAMBLE = r"""\documentclass{article}
\usepackage[utf8]{inputenc}
\usepackage{amsmath,amssymb}
\usepackage[margin=2cm]{geometry}
\allowdisplaybreaks
\begin{document}
"""

_SECTIONS = {1: "section", 2: "subsection", 3: "subsubsection"}

# Unicode a problem's own title or description may hold, in LaTeX
_UNICODE_TO_LATEX = {
    "σ": r"$\sigma$", "α": r"$\alpha$", "λ": r"$\lambda$", "−": "-", "·": r"$\cdot$",
    "×": r"$\times$", "→": r"$\to$", "≈": r"$\approx$", "≥": r"$\geq$", "≤": r"$\leq$",
    "W̃": r"$\tilde{W}$", "ŷ": r"$\hat{y}$", "—": "---", "–": "--", "…": r"\dots{}",
    "“": "``", "”": "''", "’": "'", "Σ": r"$\Sigma$", "²": r"$^2$", "ᵀ": r"$^{\top}$",
    "∂": r"$\partial$", "δ": r"$\delta$", "ε": r"$\varepsilon$", "β": r"$\beta$",
    "θ": r"$\theta$", "η": r"$\eta$", "μ": r"$\mu$", "ρ": r"$\rho$",
}
_LATEX_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                   "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                   "^": r"\textasciicircum{}"}


def to_latex(trace, digits=3, detail="auto", standalone=True):
    blocks = document(trace, digits, detail)
    if not standalone:
        return _mathjax(blocks)
    out = [_PREAMBLE]
    for block in blocks:
        if isinstance(block, Heading):
            out.append(f"\\{_SECTIONS[block.level]}*{{{_latex_words(block.text)}}}\n")
        elif isinstance(block, Paragraph):
            out.append(_latex_paragraph(block.parts) + "\n")
        else:
            body = " \\\\\n".join(_latex_row(row) for row in block.rows)
            out.append("\\begin{align*}\n" + body + "\n\\end{align*}\n")
    out.append("\\end{document}\n")
    return "\n".join(out)


def _latex_words(text):
    """Plain words for LaTeX: specials escaped, the notes' Unicode symbols as LaTeX."""
    out, i = [], 0
    while i < len(text):
        for plain, latex in _UNICODE_TO_LATEX.items():
            if text.startswith(plain, i):
                out.append(latex)
                i += len(plain)
                break
        else:
            out.append(_LATEX_SPECIALS.get(text[i], text[i]))
            i += 1
    return "".join(out)


def _latex_paragraph(parts):
    return "".join(_latex_words(p) if isinstance(p, str) else f"${p.latex}$"
                   for p in _runs(parts))


def _mathjax(blocks):
    """All blocks as rows of one aligned environment: what MathJax renders in a notebook."""
    rows = []
    for block in blocks:
        if isinstance(block, Heading):
            rows.append(rf"&\textbf{{{_mathjax_words(block.text)}}}")
        elif isinstance(block, Paragraph):
            rows.append("&" + "".join(
                rf"\text{{{_mathjax_words(p)}}}" if isinstance(p, str) else p.latex
                for p in _runs(block.parts)))
        else:
            rows += [_latex_row(row) for row in block.rows]
    return "$$\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}$$"


def _mathjax_words(text):
    return "".join(_LATEX_SPECIALS.get(ch, ch) for ch in text)


# ---------------------------------------------------------------------------------- json
def to_dict(trace):
    """Every value of the trace, by the notes' names, as lists of Python floats."""
    net = trace.network
    steps = []
    for step in trace.steps:
        values = step.values
        backward = [k for k in values if k.startswith("d")]
        steps.append({
            "step": step.number,
            "parameters": _arrays(step.parameters, list(step.parameters)),
            "forward": _arrays(values, [k for k in values if k[0] in "ZA"]),
            "cost": float(values["cost"][0, 0]) if "cost" in values else None,
            "backward": _arrays(values, backward),
            "update": {k[:-len(" after")]: values[k].tolist()
                       for k in values if k.endswith(" after")},
        })
    return {
        "format": "glassnet-trace",
        "version": 1,
        "title": trace.title,
        "network": {"sizes": ["n_x", *net.sizes[1:]] if trace.n_x_open else list(net.sizes),
                    "activations": [layer.activation.name for layer in net.layers],
                    "activation_parameters": [activation_parameters(layer.activation)
                                              for layer in net.layers],
                    "loss": net.loss.name if trace.Y is not None else None,
                    "l1": net.l1, "l2": net.l2},
        "notation": trace.notation,
        "learning_rate": trace.learning_rate,
        "m": trace.m,
        "X": None if trace.X is None else trace.X.tolist(),
        "Y": None if trace.Y is None else trace.Y.tolist(),
        "steps": steps,
        "symmetric_layers": trace.symmetric_layers(),
    }


def _arrays(values, keys):
    return {k: np.asarray(values[k], dtype=float).tolist() for k in keys}


def to_json(trace, indent=1):
    """``to_dict`` as JSON, each row of numbers on one line."""
    text = json.dumps(to_dict(trace), indent=indent, ensure_ascii=False)
    return _ROW.sub(lambda row: json.dumps(json.loads(row[0])), text) + "\n"


_ROW = re.compile(r"\[[^\[\]{}\"]*\]")  # a list holding numbers only
