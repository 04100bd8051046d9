"""Marking a class: every student's answers against their own variant, with feedback.

``mark_class(folder, answers_folder)`` reads the variants ``glassnet exercise`` wrote (one
folder per student id) and, for each id, the answers file ``<id>.yaml`` (or ``.yml`` or
``.json``) in ``answers_folder``. Each value is judged by ``check`` (the precision rule and
error carried forward) and each quantity asked earns its marks times its credit: the mean
over its numbers of 1 (right), ``carried`` (right given the student's own earlier mistake)
or ``imprecise`` (fewer digits than asked, but at least the first significant figure of
the value: 0 for a cost of 0.090 or 1 for 0.711 earns nothing), 0 otherwise (or blank).
An error carried forward that makes a value vanish earns nothing either: a sheet of
zeros is consistent with itself (dW = 0 from A = 0) but shows no working. A number counts
whether it is written in its whole quantity or on its own (A[1][1,4]: 0.7); where both
are written, the whole quantity's is marked. A problem of shapes only is judged by
``shapes.judge``, one answer per quantity. A line that cannot be read is named in the
feedback and the others are marked; a missing, empty or unreadable file, or two files of
one id, is reported for that student, and the class goes on.
"""

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import GlassnetError
from . import exercise, shapes
from .check import check, target
from .html import markdown_to_html
from .notation import entry, symbol
from .problems import load_problem, read_file
from .trace import lookup, position

CREDIT = {"right": 1.0, "rounded": 1.0, "wrong": 0.0}
_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass
class Student:
    """One student's marking: ``marks`` per quantity asked, ``problems`` (lines or a file
    that could not be read), ``feedback`` lines (Markdown)."""

    id: str
    out_of: float
    marks: dict = field(default_factory=dict)
    verdicts: dict = field(default_factory=dict)  # quantity → "right", "wrong", …
    problems: list = field(default_factory=list)
    feedback: list = field(default_factory=list)

    @property
    def score(self):
        return round(sum(self.marks.values()), 2)


def mark_class(folder, answers_folder):
    """The ``Student`` marking of every variant folder in ``folder``, by id."""
    folder, answers_folder = Path(folder), Path(answers_folder)
    ids = sorted(p.name for p in folder.iterdir() if (p / "problem.yaml").is_file())
    students = []
    for i in ids:
        try:
            answers = _answers_file(answers_folder, i)
        except GlassnetError as exc:
            answers = exc
        try:
            students.append(mark_student(folder / i, answers, i))
        except GlassnetError as exc:  # a variant folder spoilt since it was written
            students.append(Student(i, 0.0, problems=[f"variant not marked: {exc}"]))
    return students


def strangers(folder, answers_folder):
    """The answers files in ``answers_folder`` whose id has no variant in ``folder``."""
    known = {p.name for p in Path(folder).iterdir() if (p / "problem.yaml").is_file()}
    return sorted(p.name for p in Path(answers_folder).iterdir()
                  if p.suffix in _SUFFIXES and p.stem not in known)


def _answers_file(folder, ident):
    """The answers file of ``ident``; two of them (ann.yaml and ann.json) are refused."""
    found = [folder / f"{ident}{s}" for s in _SUFFIXES if (folder / f"{ident}{s}").exists()]
    if len(found) > 1:
        raise GlassnetError(f"{len(found)} answers files for {ident}: "
                            f"{', '.join(p.name for p in found)}; hand in one")
    return found[0] if found else folder / f"{ident}.yaml"


def mark_student(variant, answers_path, ident):
    """The ``Student`` marking of one variant folder against one answers file (or the
    error that stood in for it)."""
    data = read_file(variant / "problem.yaml")
    problem = load_problem(variant / "problem.yaml")
    rules = exercise.scheme(data, problem)
    student = Student(ident, rules.out_of, {label: 0.0 for label in rules.marks},
                      {label: "blank" for label in rules.marks})
    solution = (variant / "solution.md").read_text(encoding="utf-8").splitlines()
    try:
        if isinstance(answers_path, GlassnetError):
            raise answers_path
        raw = read_file(answers_path, keep_number_text=True)
        if not isinstance(raw, dict) or not raw:
            raise GlassnetError(f"{answers_path.name} holds no answers (expected 'name: value' "
                                "lines)")
    except GlassnetError as exc:
        student.problems.append(f"answers not marked: {exc}")
        return _write_feedback(student, variant)
    judge = check if problem.given_parameters else shapes.judge
    given = {}
    for label, value in raw.items():
        if value in ("", None, [], {}):
            continue
        try:
            judge(problem, {label: value})  # each line alone: is it readable?
            given[label] = value
        except GlassnetError as exc:
            student.problems.append(f"line {label!r} not marked: {exc}")
    places = (_numbers if problem.given_parameters else _shapes)(problem, given, rules,
                                                                 solution)
    credit = {"carried": rules.carried, "imprecise": rules.imprecise, **CREDIT}
    for label, judged in places.items():
        answered = [j for j in judged if j is not None]
        if not answered:
            continue
        verdicts = [verdict for verdict, _ in answered]
        student.marks[label] = round(
            rules.marks[label] * sum(credit[v] for v in verdicts) / len(judged), 2)
        student.verdicts[label] = _verdict(verdicts, len(answered) < len(judged))
        student.feedback += [line for _, line in answered  # once: L(2) is also in L
                             if line and line not in student.feedback]
    return _write_feedback(student, variant)


def _numbers(problem, given, rules, solution):
    """Per asked label, for each of its numbers: (verdict, feedback line or None), or None
    where the student wrote nothing."""
    result = check(problem, given) if given else None
    found = {}
    for e in sorted(result.entries if result is not None else [], key=lambda e: not e.whole):
        found.setdefault((e.step, e.key, e.position), e)  # the whole quantity's first
    trace = problem.trace()
    return {label: [None if e is None else
                    (_credited(e), None if e.right else _line(e, solution, result))
                    for e in (found.get(place) for place in _places(trace, name))]
            for label, name in rules.names.items()}


def _credited(e):
    """The verdict an entry is credited as: "imprecise" only when the written number keeps
    the first significant figure of the value (a 0 written for 0.3 is wrong), "carried"
    only when the student's own values do not make it 0 where the exact value is not."""
    if e.verdict == "imprecise" and not e.unit <= _leading_unit(e.exact) * (1 + 1e-9):
        return "wrong"
    if e.verdict == "carried" and abs(e.carried) < e.asked / 2 <= abs(e.exact):
        return "wrong"
    return e.verdict


def _leading_unit(x):
    return 10.0 ** math.floor(math.log10(abs(x))) if x else 0.0


def _places(trace, name):
    """The (step, key, position) of every number the asked ``name`` stands for."""
    shape = lookup(trace, name.whole).shape
    cells = [position(name, shape)] if name.index is not None else list(np.ndindex(shape))
    return [target(name, r, c) for r, c in cells]


def _shapes(problem, given, rules, solution):
    """As ``_numbers``, for a problem of shapes only: one answer per asked quantity."""
    judged = {(j.name.symbol, j.name.layer): j for j in shapes.judge(problem, given)}
    return {label: [None if j is None else (j.verdict, None if j.right else j.line(solution))]
            for label, j in ((label, judged.get((name.symbol, name.layer)))
                             for label, name in rules.names.items())}


def _verdict(verdicts, incomplete):
    kinds = set(verdicts)
    if kinds <= {"right", "rounded"}:
        return "incomplete" if incomplete else "right"
    return "wrong" if "wrong" in kinds else sorted(kinds - {"right", "rounded"})[0]


def _line(e, solution, result):
    """One feedback line: the written value, the right one, and where the solution has it."""
    right = f"{e.exact:.{e.decimals}f}".replace("-", "−")
    why = {"wrong": "wrong", "imprecise": "given with fewer digits than asked" + (
               "" if _credited(e) == "imprecise" else ", not even the first significant "
               "figure: no credit"),
           "carried": "wrong, but right given your "
                      + (", ".join(e.culprits) or "earlier values") + " (error carried forward"
                      + (")" if _credited(e) == "carried" else ", which makes it 0: no credit)")}
    where = solution_line(solution, e, result.exact.steps[e.step - 1].values[e.key].shape)
    at = f" (solution.md, line {where})" if where else ""
    return f"- **{e.label}** = {e.text}: {why[e.verdict]}; the right value is {right}{at}."


def solution_line(lines, e, shape):
    """The line (from 1) of the worked solution that computes entry ``e`` of a quantity of
    ``shape``: the entry's own line, else the quantity's; None when neither is written."""
    sym, _, rest = e.key.partition("[")
    layer = int(rest.split("]")[0]) if rest else None
    candidates = [] if layer is None else [symbol(sym, layer).latex]
    if layer is not None and " after" not in e.key:
        r, c = e.position
        candidates.insert(0, entry(sym, layer, r + 1, c + 1, shape).latex)
    for latex in candidates:
        for k, line in enumerate(lines, 1):
            if re.match(rf"^\s*{re.escape(latex)}\s*&", line):
                return k
    return None


def _write_feedback(student, variant):
    """feedback.md and feedback.html in the student's variant folder."""
    lines = [f"# Feedback for {student.id}", "",
             f"Score: {student.score:g} of {student.out_of:g}.", ""]
    lines += [f"- {label}: {student.marks[label]:g} — {student.verdicts[label]}"
              for label in student.marks]
    if student.problems:
        lines += ["", "## Not marked", ""] + [f"- {p}" for p in student.problems]
    if student.feedback:
        lines += ["", "## Where the working went astray", ""] + student.feedback
    text = "\n".join(lines) + "\n"
    (variant / "feedback.md").write_text(text, encoding="utf-8")
    (variant / "feedback.html").write_text(markdown_to_html(text, f"Feedback: {student.id}"),
                                           encoding="utf-8")
    return student


def statistics(students):
    """Per quantity: how many students got it right, of how many marked."""
    labels = list(dict.fromkeys(label for s in students for label in s.marks))
    return {label: (sum(s.verdicts.get(label) == "right" for s in students), len(students))
            for label in labels}
