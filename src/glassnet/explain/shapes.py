"""Shapes exercises: the shapes and parameter counts of a network given by its sizes alone.

A problem of shapes only (``n_x`` and each layer's ``units``, no numbers) is set as an
exercise with these names, the questions the notes ask:

    shape of W[1]   shape of b[1]   shape of Z[1]   shape of A[1]   shape of W̃[1]
    parameters of layer 1   (n[1]·n[0] + n[1])      parameters   (the total)

A shape is written rows × columns: ``4×3``, ``4 x 3``, ``(4, 3)`` or ``[4, 3]``. What the
problem leaves open is written in n_x and m, as the notes do: ``3×n_x``, ``4×m``,
``3n_x + 14``; each dimension and count is a sum of terms (``Linear``), so that
``14 + 3n_x`` is ``3n_x + 14``.

``judge(problem, answers)`` gives each answer a ``Judged`` verdict (and ``check`` a
``ShapesResult`` with the report ``glassnet check`` prints), as ``check`` does for numbers: "right"; "carried" for a parameter count that is wrong but follows from the
student's own shapes of W[l] and b[l] (or W̃[l]), or for a total that is the sum of their
own layer counts (or of their shapes); "wrong" otherwise (a shape with rows and columns
swapped is named so).

``draw_sizes`` gives a variant new sizes from a generator: n_x (unless open) and every
hidden layer's units in 2 … 9, the output layer kept; ``well_posed`` refuses a square
W[l] or W̃[l], whose transposed shape would be right too.
"""

import re
from dataclasses import dataclass, field

from ..errors import ConfigError, DataError
from .notation import count

#: the sizes a variant draws for n_x and each hidden layer
SIZES = range(2, 10)

_NAME = re.compile(r"""^\s*(?:shape\s+of\s+(?P<symbol>W\u0303|W~|Wt|W|b|Z|A)\s*
                       \[\s*(?P<layer>\d+)\s*\]
                       |parameters(?:\s+of\s+layer\s+(?P<of>\d+))?)\s*$""",
                   re.IGNORECASE | re.VERBOSE)
_SYMBOLS = {"w": "W", "b": "b", "z": "Z", "a": "A", "w\u0303": "W̃", "w~": "W̃", "wt": "W̃"}
_TERM = re.compile(r"^([+-]?)(\d{0,12})[*·]?(n_x|m)?$")
#: what splits the two dimensions of a shape: ×, a comma, "by", or an x on its own
_TIMES = re.compile(r"\s*(?:×|,|\bby\b|(?<![A-Za-z_])[xX](?![A-Za-z_]))\s*")
GRAMMAR = ("the names are 'shape of W[1]' (also b, Z, A, W̃), 'parameters of layer 1' and "
           "'parameters' (the total)")


@dataclass(frozen=True)
class Linear:
    """A dimension or a count: ``const`` + ``n_x``·n_x + ``m``·m (whole numbers)."""

    const: int = 0
    n_x: int = 0
    m: int = 0

    def __add__(self, other):
        return Linear(self.const + other.const, self.n_x + other.n_x, self.m + other.m)

    def times(self, other):
        """The product, when one factor is a number (None otherwise: not linear)."""
        if other.n_x == other.m == 0:
            self, other = other, self
        if self.n_x or self.m:
            return None
        k = self.const
        return Linear(k * other.const, k * other.n_x, k * other.m)

    def __str__(self):
        terms = [f"{'' if k == 1 else k}{s}" for s, k in (("n_x", self.n_x), ("m", self.m)) if k]
        if self.const or not terms:
            terms.append(str(self.const))
        return " + ".join(terms).replace("+ -", "− ")


@dataclass(frozen=True)
class ShapeName:
    """A parsed name: ``symbol`` (W, b, Z, A, W̃, or "parameters"), ``layer`` (None for
    the total), ``text`` as written."""

    symbol: str
    layer: int | None
    text: str

    @property
    def is_shape(self):
        return self.symbol != "parameters"


@dataclass
class Judged:
    """One answer: its ``label``, the ``text`` written, its ``verdict`` ("right",
    "carried" or "wrong"), the ``exact`` value, ``why`` it is wrong, the ``culprits``."""

    label: str
    name: ShapeName
    text: str
    verdict: str
    exact: str
    why: str = ""
    culprits: list = field(default_factory=list)

    @property
    def right(self):
        return self.verdict == "right"

    def line(self, solution):
        """The feedback line: the written value, the right one, where the solution has it."""
        why = {"wrong": self.why or "wrong",
               "carried": "wrong, but right given your " + ", ".join(self.culprits)
                          + " (error carried forward)"}[self.verdict]
        where = solution_line(solution, self.name)
        at = f" (solution.md, line {where})" if where else ""
        return f"- **{self.label}** = {self.text}: {why}; the right value is {self.exact}{at}."


# ------------------------------------------------------------------------------- names
def parse(text, problem=None):
    """The ``ShapeName`` ``text`` spells (its layer checked against ``problem``)."""
    match = _NAME.match(text) if isinstance(text, str) else None
    if not match:
        raise ConfigError(f"{text!r} is not a name of a problem of shapes only; {GRAMMAR}")
    if match["symbol"]:
        name = ShapeName(_SYMBOLS[match["symbol"].lower()], int(match["layer"]), text.strip())
    else:
        name = ShapeName("parameters", None if match["of"] is None else int(match["of"]),
                         text.strip())
    L = problem.network.L if problem is not None else None
    if L is not None and name.layer is not None and not 1 <= name.layer <= L:
        raise ConfigError(f"{text!r}: this network has layers 1 … {L}")
    return name


def default_marks(problem):
    """1 mark for each shape the solution writes and each count, layer by layer, and the
    total."""
    weights = ("W̃",) if problem.notation == "bias-column" else ("W", "b")
    marks = {}
    for l in range(1, problem.network.L + 1):
        marks.update({f"shape of {s}[{l}]": 1 for s in (*weights, "Z", "A")})
        marks[f"parameters of layer {l}"] = 1
    marks["parameters"] = 1
    return marks


# ------------------------------------------------------------------------------ values
def _sizes(problem):
    """n[0] … n[L] and m as ``Linear``: n_x and m as symbols where the problem leaves them open."""
    n = [Linear(k) for k in problem.network.sizes]
    if problem.n_x_open:
        n[0] = Linear(n_x=1)
    return n, Linear(problem.m) if problem.m is not None else Linear(m=1)


def exact(problem, name):
    """The value of ``name``: a (rows, columns) pair of ``Linear``, or a ``Linear`` count."""
    n, m = _sizes(problem)
    if name.symbol == "parameters":
        layers = [name.layer] if name.layer else range(1, len(n))
        total = Linear()
        for l in layers:
            total += n[l].times(n[l - 1] + Linear(1))
        return total
    l = name.layer
    return {"W": (n[l], n[l - 1]), "b": (n[l], Linear(1)), "Z": (n[l], m), "A": (n[l], m),
            "W̃": (n[l], n[l - 1] + Linear(1))}[name.symbol]


def show(value):
    """A value as the key writes it: 4×3, 3×n_x, 21, 3n_x + 14."""
    return "×".join(map(str, value)) if isinstance(value, tuple) else str(value)


def read(name, value, label):
    """The student's written value of ``name``, or a DataError naming ``label``."""
    if name.is_shape:
        parts = value if isinstance(value, list) else _TIMES.split(
            str(value).strip().strip("()[]").strip())
        if len(parts) != 2:
            raise DataError(f"{label}: expected a shape, rows × columns (e.g. 4×3), got "
                            f"{value!r}")
        return tuple(_linear(p, label) for p in parts)
    if isinstance(value, list):
        raise DataError(f"{label}: expected a number of parameters, got {value!r}")
    return _linear(value, label)


def _linear(text, label):
    text = str(text).replace(" ", "").replace("−", "-")
    if not text or len(text) > 40:
        raise DataError(f"{label}: {text!r} is not a size (a whole number, or in n_x and m)")
    total = Linear()
    for term in re.split(r"(?=[+-])", text):
        match = _TERM.match(term) if term else None
        if term and (not match or not (match[2] or match[3])):
            raise DataError(f"{label}: {text!r} is not a size (a whole number, or in n_x "
                            "and m, as 3n_x + 14)")
        if term:
            k = (-1 if match[1] == "-" else 1) * int(match[2] or 1)
            total += Linear(**{match[3] or "const": k})
    return total


# ----------------------------------------------------------------------------- judging
def judge(problem, answers):
    """A ``Judged`` verdict for each (label, value) of ``answers``, in order."""
    given = {}  # (symbol, layer) → (label, name, value read, value as written)
    for label, value in answers.items():
        name = parse(str(label), problem)
        given[(name.symbol, name.layer)] = (str(label), name, read(name, value, str(label)),
                                            value)
    return [_verdict(problem, label, name, value, _written(raw), given)
            for label, name, value, raw in given.values()]


def check(problem, answers):
    """The ``ShapesResult`` of ``answers`` (a mapping, or the path of an answers file)."""
    if not isinstance(answers, dict):
        from .problems import read_file  # a file only: problems builds on this module

        if isinstance(answers, list):
            raise ConfigError("the answers of a shapes exercise are a mapping of names to "
                              "shapes and counts")
        answers = read_file(answers, keep_number_text=True)
    if not isinstance(answers, dict) or not answers:
        raise ConfigError("an answers file must map names to values, e.g. "
                          "'shape of W[1]: 4×3'")
    return ShapesResult(problem, judge(problem, answers))


class ShapesResult:
    """The verdicts of a shapes exercise: ``judged`` (one per answer), ``ok``, the report."""

    def __init__(self, problem, judged):
        self.problem, self.judged = problem, judged

    @property
    def ok(self):
        return all(j.right for j in self.judged)

    def __bool__(self):
        return self.ok

    def to_dict(self):
        return {"ok": self.ok, "values": [
            {"name": j.label, "written": j.text, "verdict": j.verdict, "exact": j.exact,
             "carried_from": j.culprits} for j in self.judged]}

    def report(self):
        title = self.problem.title or "the problem"
        lines = [f"Checking {count(len(self.judged), 'answer')} against {title}.", ""]
        for j in self.judged:
            detail = "right" if j.right else (j.why or "wrong") + f", should be {j.exact}"
            if j.verdict == "carried":
                detail += f"; but it is right given your {', '.join(j.culprits)} (error " \
                          "carried forward)"
            lines.append(f"{'✓' if j.right else '✗'} {j.label} = {j.text}: {detail}")
        right = sum(j.right for j in self.judged)
        lines += ["", f"Result: {right} of {len(self.judged)} values right."]
        return "\n".join(lines) + "\n"

    def __str__(self):
        return self.report()


def _written(raw):
    return "×".join(map(str, raw)) if isinstance(raw, list) else str(raw).strip()


def _verdict(problem, label, name, value, text, given):
    right = exact(problem, name)
    judged = Judged(label, name, text, "right" if value == right else "wrong", show(right))
    if judged.right:
        return judged
    if name.is_shape:
        if value == right[::-1]:
            judged.why = "wrong: rows and columns swapped"
        return judged
    carried, used = _from_own(problem, name, given)
    wrong = [lab for lab, n, v, _ in used if exact(problem, n) != v]
    if carried == value and wrong:
        judged.verdict, judged.culprits = "carried", wrong
    return judged


def _from_own(problem, name, given):
    """The count the student's own answers give, and those answers (None, [] when they
    did not give what it needs). The total is the sum of their layer counts, or of what
    their shapes of a layer give where they did not count it."""
    if name.layer is None:
        total, used = Linear(), []
        for l in range(1, problem.network.L + 1):
            count = given.get(("parameters", l))
            value, mine = (count[2], [count]) if count else _from_shapes(given, l)
            if value is None:
                return None, []
            total, used = total + value, used + mine
        return total, used
    return _from_shapes(given, name.layer)


def _from_shapes(given, l):
    """Layer l's count from the student's shape of W̃[l], or of W[l] and b[l]."""
    tilde, W, b = (given.get((s, l)) for s in ("W̃", "W", "b"))
    if tilde:
        return tilde[2][0].times(tilde[2][1]), [tilde]
    if W and b:
        product, bias = W[2][0].times(W[2][1]), b[2][0].times(b[2][1])
        return (None if None in (product, bias) else product + bias), [W, b]
    return None, []


def solution_line(lines, name):
    """The line (from 1) of the worked solution with ``name``: its layer's line, or the
    total's."""
    start = "Total:" if name.layer is None else f"Layer {name.layer}:"
    return next((k for k, line in enumerate(lines, 1) if line.startswith(start)), None)


# ---------------------------------------------------------------------------- variants
def draw_sizes(data, problem, rng):
    """The problem file's mapping with n_x (unless open) and the hidden layers' units
    drawn from ``rng``; the output layer, the activations and the rest kept."""
    new = {k: v for k, v in data.items() if k not in ("description",)}
    if not problem.n_x_open:
        new["n_x"] = int(rng.choice(SIZES))
    layers = [dict(layer) for layer in data["layers"]]
    for layer in layers[:-1]:
        layer["units"] = int(rng.choice(SIZES))
    new["layers"] = layers
    return new


def well_posed(problem):
    """Whether no W[l] nor W̃[l] is square (n[l] ≠ n[l−1], n[l−1] + 1), so that a shape
    with its rows and columns swapped is never right."""
    n, _ = _sizes(problem)
    return all(n[l] not in (n[l - 1], n[l - 1] + Linear(1)) for l in range(1, len(n)))


def identity(problem):
    return ("n_x",) * problem.n_x_open + tuple(problem.network.sizes[problem.n_x_open:])


# ------------------------------------------------------------------------------ papers
def key_values(problem, rules):
    return {label: show(exact(problem, name)) for label, name in rules.names.items()}


def worksheet_given(problem):
    """The lines of a worksheet that give the network."""
    net = problem.network
    inputs = ("n_x inputs (left open: write what depends on it in n_x)" if problem.n_x_open
              else f"n_x = {net.n_x} inputs")
    examples = (f"m = {problem.m} example{'s' * (problem.m > 1)}" if problem.m is not None
                else "m examples (write what depends on it in m)")
    layers = "; ".join(f"layer {l}: {layer.units} unit{'s' * (layer.units > 1)}, "
                       f"{layer.activation.name}" for l, layer in enumerate(net.layers, 1))
    lines = [f"A network of {inputs}, {examples}, and L = {net.L} layers with weights "
             f"(the input layer is not counted): {layers}."]
    if problem.notation == "bias-column":
        lines += ["", "With the bias column in the weight matrix: W̃[l] = [b[l] | W[l]]."]
    return lines + ["", "Write each shape as rows × columns (e.g. 4×3), each number of "
                    "parameters as a whole number" + (" or in n_x (e.g. 3n_x + 14)"
                                                      if problem.n_x_open else "") + "."]


def blank_hint(problem, name):
    """The comment after a name on the blank answer sheet."""
    if name.is_shape:
        return "  # rows × columns"
    return "  # in n_x" if problem.n_x_open and name.layer in (None, 1) else "  # a whole number"
