"""Worksheets: the papers of one exercise variant, as a folder a teacher hands out.

``write_class(problem_path, out, seed, ids)`` writes one folder per id in ``out``:
``problem.yaml`` (the variant, the problem file ``glassnet check`` reads), ``worksheet.md``
and ``.html`` (the question with the student's numbers and the marks), ``answers.yaml``
(the blank answer sheet, one line per quantity asked), ``solution.md`` and ``.html`` (the
worked solution) and ``key.yaml`` (the answer key, at the precision asked).
"""

import re
from pathlib import Path

import yaml

from ..errors import ConfigError
from . import exercise, shapes
from .html import markdown_to_html
from .notation import matrix
from .problems import problem_from_dict

#: a student id: a folder name, never a path
ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_VARIANTS = 1000


def read_ids(path):
    """The student ids of a file, one a line (blank lines and # comments skipped)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the ids file {path}: {exc}") from None
    ids = [line.split("#")[0].strip() for line in lines]
    return check_ids([i for i in ids if i], str(path))


def check_ids(ids, where="the ids"):
    for i in ids:
        if not ID.match(i):
            raise ConfigError(f"{where}: {i!r} is not a usable id (letters, digits, . _ -, "
                              "at most 64, not starting with . or -)")
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise ConfigError(f"{where}: the id {duplicate!r} is given twice")
    if not ids or len(ids) > MAX_VARIANTS:
        raise ConfigError(f"{where}: expected 1 … {MAX_VARIANTS} ids, got {len(ids)}")
    return ids


def numbered_ids(n):
    if not 1 <= n <= MAX_VARIANTS:
        raise ConfigError(f"--variants: expected 1 … {MAX_VARIANTS}, got {n}")
    width = len(str(n))
    return [f"v{k:0{width}d}" for k in range(1, n + 1)]


def write_class(problem_path, out, seed, ids):
    """Write the folder of every id in ``out``; returns the ids written. Every variant is
    drawn before any is written: a class that cannot be drawn leaves nothing behind."""
    data, problem, rules = exercise.load(problem_path)
    taken, drawn = set(), []
    for ident in ids:
        new = exercise.variant(data, problem, rules, seed, ident, taken)
        student = problem_from_dict(new)
        taken.add(exercise.identity(student))
        drawn.append((ident, new, student))
    for ident, new, student in drawn:
        write_variant(Path(out) / ident, new, student, rules)
    return ids


def write_variant(folder, data, problem, rules):
    folder.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    (folder / "problem.yaml").write_text(text, encoding="utf-8")
    sheet = worksheet(problem, rules)
    (folder / "worksheet.md").write_text(sheet, encoding="utf-8")
    (folder / "worksheet.html").write_text(markdown_to_html(sheet, problem.title),
                                           encoding="utf-8")
    (folder / "answers.yaml").write_text(blank_answers(problem, rules), encoding="utf-8")
    solution = problem.trace().to_markdown()
    (folder / "solution.md").write_text(solution, encoding="utf-8")
    (folder / "solution.html").write_text(markdown_to_html(solution, problem.title),
                                          encoding="utf-8")
    key = "".join(f"{label}: {_flow(value)}\n"
                  for label, value in exercise.key_values(problem, rules).items())
    (folder / "key.yaml").write_text(key, encoding="utf-8")


def _flow(value):
    """A key's value as YAML: a number (or shape) as written, a matrix as a list of rows."""
    return f"[{', '.join(map(_flow, value))}]" if isinstance(value, list) else str(value)


def worksheet(problem, rules):
    """The question as a student sees it: the given numbers (or sizes), then what to
    calculate."""
    if not problem.given_parameters:
        lines = [f"# {problem.title}", "", *shapes.worksheet_given(problem)]
    else:
        lines = [f"# {problem.title}", "", *_given_numbers(problem)]
    lines += ["", f"Calculate ({rules.out_of:g} marks):", ""]
    lines += [f"- {label} ({marks:g} mark{'s' * (marks != 1)})"
              for label, marks in rules.marks.items()]
    return "\n".join(lines) + "\n"


def _given_numbers(problem):
    trace = problem.trace()
    net = problem.network
    lines = ["Given (one example per column of X):", "", "$$",
             r"\begin{aligned}", rf"X &= {matrix(trace.X, 3).latex} \\"]
    if trace.Y is not None:
        lines.append(rf"Y &= {matrix(trace.Y, 3).latex} \\")
    for l in range(1, net.L + 1):
        lines.append(rf"W^{{[{l}]}} &= {matrix(net.W[l], 3).latex} \\")
        lines.append(rf"b^{{[{l}]}} &= {matrix(net.b[l], 3).latex} \\")
    lines[-1] = lines[-1].removesuffix(r" \\")
    lines += [r"\end{aligned}", "$$", ""]
    acts = ", ".join(f"layer {l}: {layer.activation.name}" for l, layer in
                     enumerate(net.layers, 1))
    lines.append(f"Activations: {acts}; loss: {net.loss.name}"
                 + (f"; learning rate α = {trace.learning_rate:g}." if trace.Y is not None
                    else "."))
    return lines + ["", f"Give each value to {problem.precision.describe()}."]


def blank_answers(problem, rules):
    """The answer sheet: every quantity asked, its shape in a comment, no value yet."""
    from .trace import lookup

    if not problem.given_parameters:
        return "\n".join(["# Your answers: write each value after its name.", "",
                          *(f"{label}:{shapes.blank_hint(problem, name)}"
                            for label, name in rules.names.items())]) + "\n"
    trace = problem.trace()
    lines = ["# Your answers: write each value after its name, a matrix as rows,",
             "# e.g. Z[1]: [[0.3, 0.7], [0.5, 1.0]]; give each value to "
             f"{problem.precision.describe()}.", ""]
    for label, name in rules.names.items():
        n, m = (lambda v: v.shape if v.ndim == 2 else (1, 1))(lookup(trace, name))
        shape = f"  # {n}×{m}" if n * m > 1 else ""
        lines.append(f"{label}:{shape}")
    return "\n".join(lines) + "\n"
