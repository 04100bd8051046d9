"""The estimators' parameters: one table of every constructor argument and its defaults.

scikit-learn reads an estimator's parameters from the signature of its ``__init__``
(``get_params``, ``clone``, ``set_params``), and ``__init__`` may only store them. The
signature of each estimator is built here from the table, so each default is written once;
the checks of the values, run at ``fit`` (scikit-learn's rule), are in ``CHECKS``. A new
parameter is one row of ``DEFAULTS`` (and a check).
"""

import inspect
import numbers

from .. import compiled, schedules
from ..errors import ConfigError
from ..validation import (
    check_dtype,
    check_fraction,
    check_learning_rate,
    check_non_negative,
    check_positive_int,
)

#: not a parameter of that family of estimators
ABSENT = object()

#: name: (the MLPs' default, the one-layer models' default); scikit-learn's MLP defaults,
#: and for the notes' one-layer models L-BFGS from zero weights (as scikit-learn's
#: LogisticRegression; a convex cost, so it converges whatever the scale of X), or with
#: solver="sgd" plain batch gradient descent, the notes' loop
DEFAULTS = {
    "loss": ("squared_error", ABSENT),  # MLPRegressor only (see SIGNATURES)
    "hidden_layer_sizes": ((100,), ABSENT),
    "activation": ("relu", ABSENT),
    "solver": ("adam", "lbfgs"),
    "alpha": (0.0001, 0.0),
    "l1": (0.0, 0.0),
    "batch_size": ("auto", None),
    # scikit-learn's names: learning_rate is the schedule, learning_rate_init is α₀, the
    # value glassnet calls learning_rate (train(), Schedule.rate, Optimizer.step)
    "learning_rate": ("constant", "constant"),
    "learning_rate_init": (0.001, 0.01),
    "power_t": (0.5, 0.5),
    "max_iter": (200, 1000),
    "shuffle": (True, True),
    "random_state": (None, None),
    "tol": (1e-4, 1e-6),
    "verbose": (False, False),
    "warm_start": (False, False),
    "momentum": (0.9, 0.0),
    "nesterovs_momentum": (True, False),
    "early_stopping": (False, False),
    "validation_fraction": (0.1, 0.1),
    "beta_1": (0.9, 0.9),
    "beta_2": (0.999, 0.999),
    "epsilon": (1e-8, 1e-8),
    "n_iter_no_change": (10, 10),
    "max_fun": (15000, 15000),
    "initializer": (None, "zeros"),
    "dtype": (None, None),
    "engine": ("numpy", "numpy"),  # who runs the minibatch steps (glassnet.compiled)
}

#: the parameters that may be given by position, in scikit-learn's order; the rest are
#: keyword-only (as in scikit-learn)
POSITIONAL = {"MLPRegressor": ("loss", "hidden_layer_sizes", "activation"),
              "MLPClassifier": ("hidden_layer_sizes", "activation")}


def signature(name, family):
    """The ``__init__`` signature of estimator ``name`` (family 0: MLP, 1: one layer)."""
    positional = POSITIONAL.get(name, ())
    params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    for key, defaults in DEFAULTS.items():
        default = defaults[family]
        if default is ABSENT or (key == "loss" and name != "MLPRegressor"):
            continue
        kind = (inspect.Parameter.POSITIONAL_OR_KEYWORD if key in positional
                else inspect.Parameter.KEYWORD_ONLY)
        params.append(inspect.Parameter(key, kind, default=default))
    params.sort(key=lambda p: p.kind)  # positional ones first, in the table's order
    return inspect.Signature(params)


def init(name, family):
    """The ``__init__`` of estimator ``name``: it binds the arguments to the table's
    signature and stores each one as it was given (scikit-learn's rule: no conversion, no
    check here). scikit-learn reads the parameters from its ``__signature__``."""
    sig = signature(name, family)

    def __init__(self, *args, **kwargs):
        bound = sig.bind(self, *args, **kwargs)
        bound.apply_defaults()
        for key, value in list(bound.arguments.items())[1:]:
            setattr(self, key, value)

    __init__.__signature__ = sig
    __init__.__qualname__ = f"{name}.__init__"
    return __init__


# ---------------------------------------------------------------------- the checks, at fit
def _batch_size(value, name):
    """"auto", None (all m examples: batch gradient descent) or a positive int."""
    if value is None or (isinstance(value, str) and value == "auto"):
        return value
    return check_positive_int(value, f"{name} (the minibatch size B)")


def _learning_rate(value, name):
    """scikit-learn's schedules by name, or any glassnet schedule (α of each epoch)."""
    if isinstance(value, str) and value in SKLEARN_SCHEDULES:
        return value
    return schedules.get(value)


def _dtype(value, name):
    return None if value is None else check_dtype(value)


def _boolean(value, name):
    if not isinstance(value, (bool, numbers.Integral)):
        raise ConfigError(f"{name} must be True or False, got {value!r}")
    return bool(value)


#: scikit-learn's names for the rule of the learning rate
SKLEARN_SCHEDULES = ("constant", "invscaling", "adaptive")

CHECKS = {
    "alpha": lambda v, n: check_non_negative(v, "alpha (the L2 rate λ₂)"),
    "l1": lambda v, n: check_non_negative(v, "l1 (the L1 rate λ₁)"),
    "learning_rate_init": lambda v, n: check_learning_rate(
        v, "learning_rate_init (the learning rate α)"),
    "power_t": lambda v, n: check_non_negative(v, n),
    "max_iter": lambda v, n: check_positive_int(v, "max_iter (the number of epochs)"),
    "max_fun": check_positive_int,
    "tol": check_non_negative,
    "n_iter_no_change": check_positive_int,
    "validation_fraction": lambda v, n: check_fraction(v, n, zero=False),
    # checked even when the solver does not use them, as scikit-learn does
    "momentum": check_fraction,
    "beta_1": check_fraction,
    "beta_2": check_fraction,
    "epsilon": check_non_negative,
    "batch_size": _batch_size,
    "learning_rate": _learning_rate,
    "dtype": _dtype,
    "engine": lambda v, n: compiled.check_engine_name(v),
    "shuffle": _boolean,
    "warm_start": _boolean,
    "early_stopping": _boolean,
    "nesterovs_momentum": _boolean,
}


def checked(estimator):
    """The estimator's parameters, each checked, as a dict (called at ``fit``)."""
    return {name: check(getattr(estimator, name), name) for name, check in CHECKS.items()}
