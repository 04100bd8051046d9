"""Showing the work: step-by-step worked solutions, and checking a hand calculation.

    >>> from glassnet import explain
    >>> t = explain.trace(net, X, Y, learning_rate=0.5)        # doctest: +SKIP
    >>> print(t)                       # every Z, A, cost, dA, dZ, dW, db and update
    >>> t["A[1][2,3]"], t["b[2] after step 1"]                  # doctest: +SKIP

* ``trace``: the numbers of one or more gradient-descent steps (``trace.py``);
* ``Trace.to_text / to_markdown / to_latex / to_json``: the worked solution (``render.py``,
  written by ``solution.py`` in the notation of ``notation.py``);
* ``load_problem``: an exercise from a YAML or JSON file (``problems.py``);
* ``check``: a student's answers judged value by value (``check.py``), by the names of
  ``names.py``;
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
