"""Checking a hand calculation: a student's values judged one by one, as an examiner would.

An answers file maps the notes' names (see ``names``) to the values the student wrote::

    Z[1]: [[0.3, 0.7, 0.5, 0.9], [0.5, 1.0, 0.8, 1.3]]
    A[1][1,4]: 0.696              # one entry: unit 1, example 4, counted from 1
    cost: 0.090
    b[2] after step 1: 0.4978

**The rule.** Each number is judged at the precision the problem asks for (see
``precision``: by default 3 decimals or 2 significant figures, whichever is finer), never
at the precision it happens to be written with. It is right when it agrees (rounded or
truncated at that precision) with

1. the exact value, or
2. the value the formulas give from the student's own earlier values that are right
   (rounded ones included): a student who carries their rounded values on is not marked
   down for the rounding of rounded values ("rounded").

A number written with fewer digits than asked, that agrees only at its own coarser
precision, is **imprecise** ("given to 1 decimal, 3 asked"), and not right: 0 for a cost
of 0.090, 1 for σ(0.9) = 0.711. A value that is neither right nor imprecise, but agrees
with the value that follows from *all* the student's earlier values, wrong ones included,
is wrong but **carried forward**: right given their own earlier mistake, which is named.
Anything else is wrong. Where a whole matrix and one of its entries are both given, the
matrix is what later values are computed from.

``check(problem, answers)`` returns a ``CheckResult``: ``ok`` is True when every value is
right (verdict "right" or "rounded"; the others are "imprecise", "carried" and "wrong"), ``str(result)`` is the report, listing for each wrong value the right one, where it
is computed and how, and whether it follows from an earlier mistake.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError, DataError, GlassnetError
from . import names as names_module
from . import shapes
from .formulas import Context, Values, entry_formula, stage
from .notation import count
from .precision import DEFAULT, agrees, decimals_of, imprecise, written_number
from .problems import Problem, load_problem, read_file
from .trace import lookup, position, run


# ------------------------------------------------------------------------------- reading
@dataclass
class Answer:
    """One line of an answers file: its ``label`` as written, the parsed ``name`` and the
    ``value`` as written (text, or nested lists of text)."""

    label: str
    name: names_module.Name
    value: object


def load_answers(path: str | os.PathLike) -> list[Answer]:
    """The answers in a YAML or JSON file, each number kept as the text it was written as."""
    path = Path(path)
    data = read_file(path, keep_number_text=True)
    try:
        return answers_from_dict(data)
    except GlassnetError as exc:
        raise type(exc)(f"{path.name}: {exc}") from None


def answers_from_dict(data):
    """``Answer`` objects from a mapping of names to written values (text or numbers)."""
    if not isinstance(data, dict) or not data:
        raise ConfigError("an answers file must map names to values, e.g. 'Z[1]: [[0.3, 0.7]]'")
    return [Answer(str(label), names_module.parse(str(label)), value)
            for label, value in data.items()]


# -------------------------------------------------------------------------------- entries
@dataclass
class Entry:
    """One written number, where it belongs (step, key such as "A[1]" or "b[2] after",
    0-based position) and its ``verdict``: "right", "rounded" (right from the student's
    rounded earlier values), "imprecise" (written with fewer digits than ``asked``),
    "carried" (wrong, but right given their earlier mistakes, ``culprits``) or "wrong";
    ``exact`` and ``carried`` are the two values it was judged by, ``asked`` the unit the
    exact value is required to (0.001 for 3 decimals).
    """

    answer: int  # index of its Answer
    label: str  # "A[1][1,4]"
    step: int
    key: str
    position: tuple
    text: str
    value: float
    unit: float
    whole: bool  # part of a whole-quantity answer (these override single entries)
    verdict: str = ""
    exact: float = 0.0
    carried: float = 0.0
    culprits: list = field(default_factory=list)
    asked: float = 0.001
    precision: object = DEFAULT

    def agrees(self, value):
        """Whether the written number agrees with ``value`` at the precision asked."""
        return agrees(self.value, self.unit, value, self.precision.unit(value))

    def judge(self, from_right):
        """The verdict, from the exact value, the value the student's right earlier values
        give (``from_right``) and the one all their values give (``self.carried``)."""
        self.asked = self.precision.unit(self.exact)
        if self.agrees(self.exact):
            return "right"
        if self.agrees(from_right):
            return "rounded"
        if imprecise(self.value, self.unit, self.exact, self.asked):
            return "imprecise"
        return "carried" if self.agrees(self.carried) else "wrong"

    @property
    def right(self):
        return self.verdict in ("right", "rounded")

    @property
    def decimals(self):
        """The decimals the exact value is shown with: those asked, or those written."""
        return max(decimals_of(self.asked), decimals_of(self.unit))

    @property
    def decimals_written(self):
        return decimals_of(self.unit)


def _entries(answers, exact_trace, precision=DEFAULT):
    entries = []
    for i, answer in enumerate(answers):
        name = answer.name
        _refuse_given(answer)
        whole = lookup(exact_trace, name.whole)
        positions = _positions(answer, whole.shape)
        for (r, c), text in positions:
            step, key, (kr, kc) = target(name, r, c)
            label = answer.label if name.index is not None else _entry_label(name, r, c,
                                                                                whole.shape)
            value, unit = written_number(text, label)
            entries.append(Entry(i, label, step, key, (kr, kc), str(text).strip(), value, unit,
                                 name.index is None, precision=precision))
    return entries


def _refuse_given(answer):
    name = answer.name
    if name.symbol == "A" and name.layer == 0:
        raise ConfigError(f"{answer.label!r}: A[0] is X, which the problem gives")
    if name.symbol in ("W", "b", "W̃") and not name.after and name.step == 1:
        raise ConfigError(f"{answer.label!r}: {name.symbol}[{name.layer}] is given; write "
                          f"'{name.symbol}[{name.layer}] after step 1' for its updated value")


def _positions(answer, shape):
    """[((r, c), text)]: the written numbers with their 0-based places in the quantity."""
    value, name = answer.value, answer.name
    n, m = shape
    if name.index is not None:
        if isinstance(value, (list, dict)):
            raise DataError(f"{answer.label}: one entry needs one number, got {value!r}")
        return [(position(name, shape), value)]
    expected = (f"{n}×{m} numbers" if n > 1 and m > 1 else f"{n * m} number"
                + "s" * (n * m > 1))
    if not isinstance(value, list):
        value = [value]
    if all(not isinstance(v, list) for v in value):
        if n > 1 and m > 1 or len(value) != n * m:
            raise DataError(f"{answer.label}: expected {expected} (shape {n}×{m}), got "
                            f"{len(value)} number{'s' * (len(value) != 1)}")
        return [((k // m, k % m), v) for k, v in enumerate(value)]
    if len(value) != n or any(not isinstance(row, list) or len(row) != m for row in value):
        transposed = (n != m and len(value) == m
                      and all(isinstance(row, list) and len(row) == n for row in value))
        raise DataError(f"{answer.label}: expected {n} rows of {m} numbers (shape {n}×{m})"
                        + (f", got {m} rows of {n}: written transposed" if transposed else ""))
    return [((r, c), value[r][c]) for r in range(n) for c in range(m)]


def target(name, r, c):
    """(step, key, (r, c)) of the trace value that entry (r, c) of ``name`` belongs to."""
    step, after = name.step, name.after
    symbol = name.symbol
    if symbol in names_module.BIAS_COLUMN:
        b_sym, W_sym = names_module.BIAS_COLUMN[symbol]
        symbol, c = (b_sym, c) if c == 0 else (W_sym, c - 1)
    if symbol in ("W", "b") and not after:  # W[l] in step k is W[l] after step k − 1
        step, after = step - 1, True
    key = symbol if name.layer is None else f"{symbol}[{name.layer}]" + " after" * after
    return step, key, (r, c)


def _entry_label(name, r, c, shape):
    """The name of entry (r, c) of a whole answer, as the worked solution writes it."""
    n, m = shape
    if n * m == 1 and name.symbol not in names_module.PER_EXAMPLE:
        return name.text
    if name.symbol in names_module.PER_EXAMPLE:  # L(2), SE(2) in step 2
        when = f" in step {name.step}" if name.step > 1 else ""
        return f"{name.symbol}({c + 1}){when}"
    first = 0 if name.symbol in names_module.BIAS_COLUMN else 1
    index = f"[{r + 1}]" if m == 1 else f"[{r + 1},{c + first}]"
    when = f" after step {name.step}" if name.after else (
        f" in step {name.step}" if name.step > 1 else "")
    return f"{name.symbol}[{name.layer}]{index}{when}"


# --------------------------------------------------------------------------------- judging
def check(problem: str | os.PathLike | Problem,
          answers: Any) -> "CheckResult | shapes.ShapesResult":
    """Judge ``answers`` (a path, a mapping or ``Answer`` list) against ``problem`` (a path
    or ``Problem``); see the module docstring for the rule. Returns a ``CheckResult`` (a
    ``shapes.ShapesResult`` for a problem of shapes only: its shapes and counts judged)."""
    if not isinstance(problem, Problem):
        problem = load_problem(problem)
    if not problem.given_parameters:  # shape of W[1], parameters, …
        return shapes.check(problem, answers)
    source = None
    if isinstance(answers, (str, Path)):
        source = Path(answers).name
        answers = load_answers(answers)
    elif isinstance(answers, dict):
        answers = answers_from_dict(answers)
    exact = problem.trace()
    try:
        entries = _entries(answers, exact, problem.precision)
    except GlassnetError as exc:
        if source is None:
            raise
        raise type(exc)(f"{source}: {exc}") from None
    net, X, Y, alpha, steps = problem.network, exact.X, exact.Y, exact.learning_rate, len(
        exact.steps)

    def replay(chosen):
        """(params, used, computed) per step, carrying on with the ``chosen`` entries."""
        by_place = {}
        for e in sorted(chosen, key=lambda e: e.whole):  # whole answers last: they win
            by_place.setdefault((e.step, e.key), []).append(e)

        def substitute(k, key, value):
            for e in by_place.get((k, key), []):
                value[e.position] = e.value
            return value

        return run(net.copy(), X, Y, alpha, steps, substitute)

    carried = replay(entries)
    judged = _judge(entries, exact, carried, net, X, Y, alpha, steps)
    _find_culprits(entries, answers, judged, replay)
    return CheckResult(problem, exact, answers, entries, carried)


def _judge(entries, exact, carried, net, X, Y, alpha, steps):
    """Give each entry its verdict, replaying the steps with the right entries only."""
    by_place = {}
    for e in entries:
        by_place.setdefault((e.step, e.key), []).append(e)

    def substitute(k, key, value):
        here = by_place.get((k, key), [])
        for e in here:
            e.exact = float(exact.steps[k - 1].values[key][e.position])
            e.carried = float(carried[k - 1][2][key][e.position])
            e.verdict = e.judge(float(value[e.position]))
        for e in sorted(here, key=lambda e: e.whole):
            if e.right:
                value[e.position] = e.value
        return value

    return run(net.copy(), X, Y, alpha, steps, substitute)


def _find_culprits(entries, answers, judged, replay):
    """For each carried-forward entry, the nearest earlier wrong answers it follows from.

    Answer i is a culprit of entry e when the right values plus i's wrong ones change the
    value computed at e; a culprit that only acts through another culprit (Z[1] through
    the A[1] the student wrote from it) is left out, as a tutor names the nearest cause.
    """
    carried = [e for e in entries if e.verdict == "carried"]
    if not carried:
        return
    right = [e for e in entries if e.right]
    wrong = {i: [e for e in entries if e.answer == i and not e.right]
             for i in range(len(answers))}
    changes = {}  # i → the wrong entries whose computed value i's mistakes change
    for i, mine in wrong.items():
        if mine:
            with_it = replay(right + mine)
            changes[i] = {id(e) for e in entries if not e.right and e.answer != i
                          and _moved(judged, with_it, e)}
    for e in carried:
        causes = [i for i in changes if id(e) in changes[i]]
        nearest = [i for i in causes if not any(
            j != i and any(id(w) in changes[i] for w in wrong[j]) for j in causes)]
        e.culprits = [answers[i].label for i in nearest]


def _moved(before, after, e):
    a = before[e.step - 1][2][e.key][e.position]
    b = after[e.step - 1][2][e.key][e.position]
    return abs(a - b) > 1e-12 * (1 + abs(a))


# --------------------------------------------------------------------------------- result
class CheckResult:
    """The verdicts: ``entries`` (one per written number), ``ok``, and the report."""

    def __init__(self, problem, exact, answers, entries, carried):
        self.problem, self.exact, self.answers = problem, exact, answers
        self.entries = entries
        self._carried = carried

    @property
    def ok(self):
        return all(e.right for e in self.entries)

    @property
    def wrong(self):
        return [e for e in self.entries if not e.right]

    def __bool__(self):
        return self.ok

    def to_dict(self):
        return {"ok": self.ok, "values": [
            {"name": e.label, "written": e.text, "verdict": e.verdict, "exact": e.exact,
             "from_your_values": e.carried, "carried_from": e.culprits,
             "asked_decimals": decimals_of(e.asked), "written_decimals": e.decimals_written,
             "computed_in": stage(Context(self.exact), e.key)} for e in self.entries]}

    def __str__(self):
        return self.report()

    def report(self):
        """The examiner's report: one line per answer, details for every wrong value."""
        ctx = Context(self.exact)
        n_values = len(self.entries)
        title = self.problem.title or (self.problem.path.name if self.problem.path else "")
        lines = [f"Checking {count(len(self.answers), 'answer')} ({count(n_values, 'value')}) against "
                 f"{title or 'the problem'}.",
                 f"A value is right when it agrees with the exact value to "
                 f"{self.problem.precision.describe()} (rounded or truncated), or with the "
                 "value your own right (rounded) earlier values give.", ""]
        for i, answer in enumerate(self.answers):
            mine = [e for e in self.entries if e.answer == i]
            lines += self._answer_lines(ctx, answer, mine)
        wrong = self.wrong
        carried = [e for e in wrong if e.verdict == "carried"]
        short = [e for e in wrong if e.verdict == "imprecise"]
        summary = f"Result: {n_values - len(wrong)} of {n_values} values right"
        if wrong:
            notes = ([f"{len(carried)} of them only because of earlier mistakes"] * bool(carried)
                     + [f"{len(short)} given with fewer digits than asked"] * bool(short))
            summary += f"; {len(wrong)} wrong" + "".join(f", {n}" for n in notes)
        lines += ["", summary + "."]
        return "\n".join(lines) + "\n"

    def _answer_lines(self, ctx, answer, mine):
        bad = [e for e in mine if not e.right]
        single = len(mine) == 1
        head = f"{answer.label} = {mine[0].text}" if single else answer.label
        if not bad:
            lines = [f"✓ {head}: " + ("right" if single else f"all {len(mine)} values right")]
        elif single:
            lines = [f"✗ {head}: {self._detail(ctx, bad[0])}"]
        else:
            lines = [f"✗ {head}: {len(bad)} of {len(mine)} values wrong"]
        for e in mine:
            if e.verdict == "rounded":
                lines.append(f"    {self._rounded_note(e)}")
            elif not e.right and not single:
                lines.append(f"    {e.label} = {e.text}: {self._detail(ctx, e)}")
        return lines

    def _detail(self, ctx, e):
        right = _fmt(e.exact, e.decimals)
        verdict = "wrong"
        if e.verdict == "imprecise":
            verdict = (f"given to {count(e.decimals_written, 'decimal')}, "
                       f"{decimals_of(e.asked)} asked")
        text = (f"{verdict}, should be {right} ({_full(e.exact)}), computed in "
                f"{stage(ctx, e.key)}: {self._how(ctx, e, carried=False)}")
        if e.verdict == "carried":
            source = ", ".join(e.culprits) or "earlier values"
            text += (f"; but it is right given your {source} (error carried forward): "
                     f"{self._how(ctx, e, carried=True)}")
        return text

    def _rounded_note(self, e):
        return (f"{e.label} = {e.text} is right from your rounded earlier values "
                f"(the exact {_full(e.exact)} rounds to {_fmt(e.exact, e.decimals)})")

    def _how(self, ctx, e, carried):
        """The entry with its numbers, from the exact values or the student's own."""
        step = self.exact.steps[e.step - 1]
        ctx = Context(self.exact, digits=max(3, e.decimals))
        if carried:
            params, used, computed = self._carried[e.step - 1]
            values = dict(used)
            values[e.key] = computed[e.key]
            vals = Values(ctx, params, values)
        else:
            vals = Values(ctx, step.parameters, step.values)
        rhs = entry_formula(ctx, vals, e.key, *e.position, decimals=e.decimals)
        value = vals[e.key][e.position]
        return f"{e.label} = " + (rhs.text if rhs is not None else _fmt(value, e.decimals))


def _fmt(x, decimals):
    return f"{x:.{decimals}f}".replace("-", "−")


def _full(x):
    return f"{x:.6g}".replace("-", "−")
