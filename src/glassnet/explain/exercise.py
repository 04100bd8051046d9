"""Exercises: one problem with new numbers for every student, and what each answer is worth.

A problem file may say how it is set as an exercise, in its ``exercise`` field::

    exercise:
      marks: {Z[1]: 2, A[1]: 2, cost: 1, W[1] after step 1: 2}  # what is asked, and marks
      carried: 1          # credit for a value right from the student's own earlier mistake
      imprecise: 0.5      # credit for a value given with fewer digits than asked
      spread: 0.3         # each given weight and bias moves by at most this much (and
                          # is written with the decimals of the problem's numbers or of this)
      dead_relu: false    # true when the exercise is about a unit that never fires
      symmetric: false    # true when it is about symmetric initialisation: every
                          # variant keeps each layer's weights all equal (and its biases)

Without ``marks`` every Z[l], A[l], the cost, dW[l], db[l] and the parameters after step 1
are asked, 1 mark each. ``variant(problem, seed, id)`` draws the variant of one student:
the same network and data with new weights and biases, written with the problem's
decimals, drawn from (seed, id) alone, and redrawn until the exercise is well posed
(``well_posed``): no sigmoid or tanh saturated, no ReLU unit dead on every example (unless
``dead_relu``), no value asked that rounds to 0 at the precision asked. A problem of
shapes only is set with the names of ``shapes`` (shape of W[1], parameters), and its
variants draw new sizes instead (``shapes.draw_sizes``).
"""

import math
import zlib
from dataclasses import dataclass, field

import numpy as np

from ..errors import ConfigError
from . import names as names_module
from . import shapes
from .problems import problem_from_dict, read_file
from .trace import lookup

#: the fields of a problem file's ``exercise`` section, and their defaults
SETTINGS = {"marks": None, "carried": 1.0, "imprecise": 0.5, "spread": 0.3,
            "dead_relu": False, "symmetric": False}

#: the quantities asked by default, by their key in a step (W[l] after: after the update)
DEFAULT_ASKED = ("Z", "A", "cost", "dW", "db", "W after", "b after")

#: the largest |Z| a saturating activation may get in a well-posed exercise
SATURATION = {"sigmoid": 3.0, "tanh": 2.0}

MAX_DRAWS = 500


@dataclass
class Scheme:
    """What is asked (``marks``: name → marks, in order) and the partial credit."""

    marks: dict
    carried: float = 1.0
    imprecise: float = 0.5
    spread: float = 0.3
    dead_relu: bool = False
    symmetric: bool = False
    names: dict = field(default_factory=dict)  # name → parsed Name

    @property
    def out_of(self):
        return sum(self.marks.values())


def scheme(data, problem):
    """The ``Scheme`` of a problem file's mapping ``data`` (its ``exercise`` field)."""
    section = data.get("exercise") or {}
    if not isinstance(section, dict):
        raise ConfigError("exercise: expected a mapping (marks, carried, imprecise, spread)")
    unknown = [k for k in section if k not in SETTINGS]
    if unknown:
        raise ConfigError(f"exercise: unknown field {unknown[0]!r}; the fields are "
                          f"{', '.join(SETTINGS)}")
    settings = {**SETTINGS, **section}
    marks = settings.pop("marks") or _default_marks(problem)
    if not isinstance(marks, dict) or not marks:
        raise ConfigError("exercise: marks: expected a mapping of names to marks, "
                          "e.g. {Z[1]: 2, cost: 1}")
    names, trace = {}, problem.trace() if problem.given_parameters else None
    for label, value in marks.items():
        try:
            names[str(label)] = _asked_name(problem, trace, str(label))
        except ConfigError as exc:
            raise ConfigError(f"exercise: marks: {exc}") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ConfigError(f"exercise: marks: {label}: expected a number of marks > 0, "
                              f"got {value!r}")
    for key in ("carried", "imprecise"):
        if not 0 <= float(settings[key]) <= 1:
            raise ConfigError(f"exercise: {key}: expected a fraction of the marks in [0, 1]")
    return Scheme({str(k): float(v) for k, v in marks.items()}, float(settings["carried"]),
                  float(settings["imprecise"]), float(settings["spread"]),
                  bool(settings["dead_relu"]), bool(settings["symmetric"]), names)


def _asked_name(problem, trace, label):
    """The parsed name of an asked quantity, checked to be in the problem's solution
    (``trace``; None for a problem of shapes only)."""
    if trace is None:
        return shapes.parse(label, problem)
    name = names_module.parse(label)
    lookup(trace, name)
    return name


def _default_marks(problem):
    """1 mark for each value of DEFAULT_ASKED, in the order the solution works them."""
    if not problem.given_parameters:
        return shapes.default_marks(problem)
    kinds = [kind.partition(" ") for kind in DEFAULT_ASKED]
    return {key.replace(" after", " after step 1"): 1 for key in problem.trace().steps[0].values
            if any(key == symbol or key.startswith(f"{symbol}[") and key.endswith(
                "] after" if after else "]") for symbol, _, after in kinds)}


# ------------------------------------------------------------------------------ variants
def load(path):
    """(raw mapping, Problem, Scheme) of a problem file set as an exercise."""
    data = read_file(path)
    problem = problem_from_dict(data, path=path)
    return data, problem, scheme(data, problem)


def variant(data, problem, rules, seed, ident, taken=()):
    """The mapping of the problem file of variant ``ident``: new W and b (new sizes for a
    problem of shapes only), well posed, and unlike the variants whose ``identity`` is in
    ``taken``."""
    rng = np.random.default_rng([int(seed), zlib.crc32(str(ident).encode())])
    for _ in range(MAX_DRAWS):
        new = (_draw_numbers(data, problem, rules, rng) if problem.given_parameters
               else shapes.draw_sizes(data, problem, rng))
        candidate = problem_from_dict(new)
        if identity(candidate) not in taken and well_posed(candidate, rules):
            new["title"] = f"{problem.title or 'Exercise'}: variant {ident}"
            return new
    if not problem.given_parameters:
        raise ConfigError(f"no new variant found in {MAX_DRAWS} draws: a network of shapes "
                          f"only has few (n_x and each hidden layer in {shapes.SIZES.start} "
                          f"… {shapes.SIZES.stop - 1}); ask for fewer variants")
    raise ConfigError(f"no well-posed variant found in {MAX_DRAWS} draws; widen "
                      "exercise: spread, or allow dead_relu")


def _draw_numbers(data, problem, rules, rng):
    """The problem file's mapping with each layer's W and b drawn anew."""
    net = problem.network
    layers = []
    for l, raw in enumerate(data["layers"], 1):
        W, b = net.W[l], net.b[l]
        d = max(1, _decimals([*W.ravel(), *b.ravel(), rules.spread]))
        layer = {k: v for k, v in raw.items() if k not in ("W", "b", "W̃", "W_tilde", "Wt", "W~")}
        if rules.symmetric:  # one number for all of W[l], one for all of b[l]
            W, b = W[:1, :1], b[:1, :1]
        layer["W"] = np.broadcast_to(_draw(rng, W, d, rules.spread), net.W[l].shape).tolist()
        layer["b"] = np.broadcast_to(_draw(rng, b, d, rules.spread), net.b[l].shape
                                     ).ravel().tolist()
        layers.append(layer)
    new = {k: v for k, v in data.items() if k not in ("layers", "description")}
    new["layers"] = layers
    new["notation"] = problem.notation
    return new


def _decimals(values):
    return max(len(f"{float(v):.10g}".partition(".")[2]) for v in values)


def _draw(rng, values, decimals, spread):
    """``values`` moved by at most ``spread``, rounded to ``decimals``, never exactly 0."""
    new = np.round(values + rng.uniform(-spread, spread, values.shape), decimals)
    unit = 10.0 ** -decimals
    return np.where(new == 0, unit, new) + 0.0


def well_posed(problem, rules):
    """Whether no activation saturates, no ReLU unit is dead on every example (unless the
    exercise allows it) and no asked value rounds to 0 at the precision asked; for a
    problem of shapes only, ``shapes.well_posed``."""
    if not problem.given_parameters:
        return shapes.well_posed(problem)
    trace = problem.trace()
    net, values = problem.network, trace.steps[0].values
    for l in range(1, net.L + 1):
        Z, name = values[f"Z[{l}]"], net.layers[l - 1].activation.name
        if name in SATURATION and np.abs(Z).max() > SATURATION[name]:
            return False
        if "relu" in name and not rules.dead_relu and (Z <= 0).all(axis=1).any():
            return False
    unit = 10.0 ** -(problem.precision.decimals or 3)
    for name in rules.names.values():
        value = _asked_value(trace, name)
        if value is None or (np.abs(value) < unit / 2).any() or not np.isfinite(value).all():
            return False
    return True


def _asked_value(trace, name):
    try:
        return np.asarray(lookup(trace, name), dtype=float)
    except ConfigError:
        return None


def identity(problem):
    """What makes two variants alike: all their parameters, as numbers (their sizes, for
    a problem of shapes only)."""
    if not problem.given_parameters:
        return shapes.identity(problem)
    net = problem.network
    return tuple(float(x) for l in range(1, net.L + 1) for x in
                 np.concatenate([net.W[l].ravel(), net.b[l].ravel()]))


def key_values(problem, rules):
    """The answer key: each asked name → its exact value, rounded at the precision asked
    (a shape or a count as ``shapes.show`` writes it)."""
    if not problem.given_parameters:
        return shapes.key_values(problem, rules)
    trace = problem.trace()
    key = {}
    for label, name in rules.names.items():
        value = np.atleast_2d(np.asarray(lookup(trace, name), dtype=float))
        rounded = [[_rounded(problem.precision, x) for x in row] for row in value]
        key[label] = rounded[0][0] if value.size == 1 else (
            rounded[0] if value.shape[0] == 1 else rounded)
    return key


def _rounded(precision, x):
    unit = precision.unit(x)
    decimals = max(0, -math.floor(math.log10(unit) + 1e-9))
    return f"{x:.{decimals}f}"
