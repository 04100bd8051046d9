"""Showing the work: step-by-step worked solutions, and checking a hand calculation.

    >>> import glassnet as gn
    >>> from glassnet import explain
    >>> net = gn.Network.from_parameters([[[0.2, 0.4], [0.3, 0.5]], [[0.4, 0.6]]],
    ...                                  [[0.3, 0.5], [0.5]], ["sigmoid", "sigmoid"],
    ...                                  loss="half_squared_error")
    >>> t = explain.trace(net, [[0, 0, 1, 1], [0, 1, 0, 1]], [[0, 1, 1, 1]], learning_rate=0.5)
    >>> t
    <Trace of 1 step(s) of Network(2 → 2 → 1)>
    >>> round(float(t["A[1][1,4]"]), 4), round(float(t["b[2] after step 1"][0, 0]), 6)
    (0.7109, 0.497731)
    >>> solution = t.to_text()     # every Z, A, the cost, dA, dZ, dW, db and the update
    >>> result = explain.check(explain.example_path("seed003_math_problem"),
    ...                        {"A[1][1,4]": "0.711", "cost": "0"})
    >>> result.ok, [(e.label, e.verdict) for e in result.entries]
    (False, [('A[1][1,4]', 'right'), ('cost', 'imprecise')])

* ``trace``: the numbers of one or more gradient-descent steps (``trace.py``);
* ``Trace.to_text / to_markdown / to_latex / to_json``: the worked solution (``render.py``,
  arranged by ``solution.py`` from the formula writers of ``formulas.py``, in the notation
  of ``notation.py``);
* ``load_problem``: an exercise from a YAML or JSON file (``problems.py``, its fields read
  by ``fields.py``);
* ``check``: a student's answers judged value by value (``check.py``), by the names of
  ``names.py``, at the precision of ``precision.py``;
* ``find``: a problem or answers file by its path or a shipped example's name;
* ``examples``: the exercises of the lecture notes, shipped as problem files.
"""

from .check import CheckResult, check, load_answers
from .examples import example_path, examples, find
from .problems import Problem, load_problem, problem_from_dict
from .trace import Step, Trace, trace

__all__ = [
    "CheckResult",
    "Problem",
    "Step",
    "Trace",
    "check",
    "example_path",
    "examples",
    "find",
    "load_answers",
    "load_problem",
    "problem_from_dict",
    "trace",
]
