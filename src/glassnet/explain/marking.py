"""Marking a class: every student's answers against their own variant, with feedback.

``mark_class(folder, answers_folder)`` reads the variants ``glassnet exercise`` wrote (one
folder per student id) and, for each id, the answers file ``<id>.yaml`` (or ``.yml`` or
``.json``) in ``answers_folder``. Each value is judged by ``check`` (the precision rule and
error carried forward), and each quantity asked earns its marks times its credit: the mean
over its numbers of 1 (right), ``carried`` (right given the student's own earlier mistake)
or ``imprecise`` (fewer digits than asked), 0 otherwise. A quantity left blank earns 0; a
line that cannot be read is named in the feedback and the others are marked; a missing,
empty or unreadable file is reported for that student, and the class goes on.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GlassnetError
from . import exercise
from .check import check
from .html import markdown_to_html
from .notation import entry, symbol
from .problems import load_problem, read_file

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
            students.append(mark_student(folder / i, _answers_file(answers_folder, i), i))
        except GlassnetError as exc:  # a variant folder spoilt since it was written
            students.append(Student(i, 0.0, problems=[f"variant not marked: {exc}"]))
    return students


def strangers(folder, answers_folder):
    """The answers files in ``answers_folder`` whose id has no variant in ``folder``."""
    known = {p.name for p in Path(folder).iterdir() if (p / "problem.yaml").is_file()}
    return sorted(p.name for p in Path(answers_folder).iterdir()
                  if p.suffix in _SUFFIXES and p.stem not in known)


def _answers_file(folder, ident):
    return next((folder / f"{ident}{s}" for s in _SUFFIXES if (folder / f"{ident}{s}").exists()),
                folder / f"{ident}.yaml")


def mark_student(variant, answers_path, ident):
    data = read_file(variant / "problem.yaml")
    problem = load_problem(variant / "problem.yaml")
    rules = exercise.scheme(data, problem)
    student = Student(ident, rules.out_of, {label: 0.0 for label in rules.marks},
                      {label: "blank" for label in rules.marks})
    solution = (variant / "solution.md").read_text(encoding="utf-8").splitlines()
    try:
        raw = read_file(answers_path, keep_number_text=True)
        if not isinstance(raw, dict) or not raw:
            raise GlassnetError(f"{answers_path.name} holds no answers (expected 'name: value' "
                                "lines)")
    except GlassnetError as exc:
        student.problems.append(f"answers not marked: {exc}")
        return _write_feedback(student, variant)
    given = {}
    for label, value in raw.items():
        if value in ("", None, [], {}):
            continue
        try:
            check(problem, {label: value})  # each line alone: is it readable?
            given[label] = value
        except GlassnetError as exc:
            student.problems.append(f"line {label!r} not marked: {exc}")
    result = check(problem, given) if given else None
    for label, name in rules.names.items():
        index = None if result is None else _answer_index(result, name)
        if index is None:
            continue
        mine = [e for e in result.entries if e.answer == index]
        credit = {"carried": rules.carried, "imprecise": rules.imprecise, **CREDIT}
        fraction = sum(credit[e.verdict] for e in mine) / len(mine)
        student.marks[label] = round(rules.marks[label] * fraction, 2)
        student.verdicts[label] = _verdict(mine)
        for e in mine:
            if not e.right:
                student.feedback.append(_line(e, solution, result))
    return _write_feedback(student, variant)


def _answer_index(result, name):
    """The index of the student's answer to ``name`` (spelled any way names.py reads)."""
    same = (name.symbol, name.layer, name.index, name.step, name.after)
    for i, answer in enumerate(result.answers):
        a = answer.name
        if (a.symbol, a.layer, a.index, a.step, a.after) == same:
            return i
    return None


def _verdict(entries):
    kinds = {e.verdict for e in entries}
    if kinds <= {"right", "rounded"}:
        return "right"
    return "wrong" if "wrong" in kinds else sorted(kinds - {"right", "rounded"})[0]


def _line(e, solution, result):
    """One feedback line: the written value, the right one, and where the solution has it."""
    right = f"{e.exact:.{e.decimals}f}".replace("-", "−")
    why = {"wrong": "wrong", "imprecise": "given with fewer digits than asked",
           "carried": "wrong, but right given your "
                      + (", ".join(e.culprits) or "earlier values") + " (error carried forward)"}
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
