"""The four estimators: the notes' networks behind scikit-learn's ``fit`` / ``predict``.

scikit-learn puts examples in ROWS, X of shape (m, n_x); the notes put them in columns.
Every method converts once at this boundary (``X.T``) and works in the notes' layout
inside. The fitted weights are shown both ways: ``coefs_[l-1]`` is W[l] transposed and
``intercepts_[l-1]`` is b[l] flattened (scikit-learn's layout), while ``W_[l]``, ``b_[l]``
and ``network_`` give the notes' view, numbered by layer. Training is scikit-learn's run
(``glassnet.estimators.run``); the parameters are the table of ``parameters``; files are
``persistence``'s.
"""

import numbers
import warnings

import numpy as np
import sklearn.exceptions
from scipy.special import log_expit, log_softmax
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import column_or_1d, validate_data

from .. import divergence, optimizers
from ..errors import (
    ConfigError,
    DataError,
    DivergenceError,
    GlassnetError,
    GlassnetTypeError,
    NotFittedError,
    NumericError,
    ShapeError,
)
from ..network import Network
from ..registry import Named
from ..validation import check_positive_int
from . import parameters, persistence, run


class EstimatorNotFittedError(NotFittedError, sklearn.exceptions.NotFittedError):
    """An estimator was asked to predict before ``fit``: glassnet's and scikit-learn's error."""


# ---------------------------------------------------------------------- the shared machinery
class _NetworkEstimator(BaseEstimator):
    """fit / partial_fit of a Network, for the four estimators below.

    Subclasses say what the targets are (``_encode_targets``, ``_output_layer``,
    ``_score``) and which hidden layers there are (``_hidden``).
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # every estimator takes CSR/CSC X, never densified, but the compiled engine does not
        tags.input_tags.sparse = getattr(self, "engine", "numpy") != "compiled"
        return tags

    def __init_subclass__(cls, family=None, **kwargs):
        super().__init_subclass__(**kwargs)
        if family is not None:  # one of the public estimators: its __init__ from the table
            cls.__init__ = parameters.init(cls.__name__, family)
            cls.__module__ = "glassnet.estimators"  # where it is imported from

    # -------------------------------------------------------------- fitting
    def fit(self, X, y, sample_weight=None):
        """Train on X (m examples as rows, n_x features as columns) and targets y."""
        return self._fit(X, y, sample_weight, incremental=False)

    def _fit(self, X, y, sample_weight, incremental, classes=None):
        settings = parameters.checked(self)
        solver = self._solver(settings, incremental)
        first = not hasattr(self, "network_") or not (incremental or settings["warm_start"])
        X, y = _validated(self, X, y, first)
        dtype = (settings["dtype"] or X.dtype) if first else self.network_.dtype
        X = X.astype(dtype, copy=False)
        s = None if sample_weight is None else _sample_weight(sample_weight, X.shape[0], dtype)
        Y, encoder = self._encode_targets(y, first, classes)  # Y has m rows here
        Y = Y.astype(dtype, copy=False)
        self._random_state = self._generator()  # as scikit-learn, anew each fit
        if first:
            self._initialize(X.shape[1], Y.shape[1], encoder, settings, dtype, solver)
        else:
            self._check_same_architecture(X.shape[1], Y.shape[1])
        self._set_encoder(encoder)
        net = self.network_
        net.loss.check_targets(Y.T)  # e.g. the Poisson loss's y ≥ 0
        # the network owns λ₁ and λ₂ (scikit-learn's alpha is λ₂): given to it each fit, so
        # that a changed alpha is the one a warm start trains with, and the run reads them
        net.l1, net.l2 = settings["l1"], settings["alpha"]
        if solver == "lbfgs":
            run.lbfgs(self, net, (X.T, Y.T, s), settings)  # rows → columns, once
            return self
        if not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = self._make_optimizer(settings)
            # α of the coming epochs under scikit-learn's schedules (its optimizer's
            # learning_rate), starting at learning_rate_init (α₀)
            self._learning_rate = settings["learning_rate_init"]
        data, validation = self._split(X, Y, s, settings["early_stopping"], settings)
        run.stochastic(self, net, data, validation, settings, incremental,
                       self._optimizer, self._rate, self._random_state)
        return self

    def _generator(self):
        """scikit-learn's generator for ``random_state``, anew each fit (its
        ``check_random_state``). An int seeds the RandomState this estimator made from an
        int before again, rather than a new one: the very state of RandomState(seed),
        without the 0.17 ms a new generator spends gathering entropy it then discards."""
        seed = self.random_state
        own = getattr(self, "_seeded", None)
        if own is not None and isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
            _sklearn_check(own.seed, seed)
            return own
        generator = _random_state(seed)
        if isinstance(seed, numbers.Integral):  # ours: neither the caller's nor NumPy's own
            self._seeded = generator
        return generator

    def _solver(self, settings, incremental):
        solver = self.solver
        if isinstance(solver, str) and solver == "lbfgs":
            if incremental:
                raise ConfigError("partial_fit needs a stochastic solver (one epoch of "
                                  "minibatch steps); solver='lbfgs' takes all m examples")
            return "lbfgs"
        if incremental and settings["early_stopping"]:
            raise ConfigError("partial_fit does not support early_stopping=True (as in "
                              "scikit-learn): there is no held-out set across calls")
        return "stochastic"

    def _initialize(self, n_x, n_out, encoder, settings, dtype, solver):
        """A new network, and the fitted attributes scikit-learn starts a first fit with."""
        output, loss = self._output_layer(n_out, encoder)
        sizes, hidden_activation = self._hidden()
        net = Network([n_x, *sizes, n_out], activations=hidden_activation, output=output,
                      loss=loss, initializer=self.initializer or "zeros", seed=0,
                      dtype=dtype)
        if self.initializer is None:
            self._sklearn_initialization(net)
        elif self.initializer != "zeros":
            net.initialize(self._random_state.randint(np.iinfo(np.int32).max))
        self._adopt(net)
        self.n_iter_ = self.t_ = 0
        self._best_parameters = net.parameters.copy()
        if solver == "stochastic":
            self.loss_curve_ = []
            self._no_improvement_count = 0
            if settings["early_stopping"]:
                self.validation_scores_, self.best_validation_score_ = [], -np.inf
                self.best_loss_ = None
            else:
                self.best_loss_, self.validation_scores_ = np.inf, None
                self.best_validation_score_ = None

    def _adopt(self, net):
        """``net`` as ``network_``, with the fitted attributes that follow from it."""
        self.network_ = net
        self.n_outputs_ = net.sizes[-1]
        self.n_layers_ = net.L + 1  # scikit-learn counts the input layer; the notes' L does not
        self.out_activation_ = _SKLEARN_ACTIVATION_NAMES.get(
            net.output_activation.name, net.output_activation.name)

    def _sklearn_initialization(self, net):
        """scikit-learn's draws: W[l]ᵀ, then b[l], uniform in ±√(6 / (n[l-1] + n[l]))
        (√(2 / …) for a logistic hidden activation), from the ``random_state`` generator."""
        hidden = net.layers[0].activation.name if net.L > 1 else None
        factor = 2.0 if hidden == "sigmoid" else 6.0
        for l in range(1, net.L + 1):
            n_prev, n = net.sizes[l - 1], net.sizes[l]
            bound = np.sqrt(factor / (n_prev + n))
            net.W[l] = self._random_state.uniform(-bound, bound, (n_prev, n)).T
            net.b[l] = self._random_state.uniform(-bound, bound, n)

    def _make_optimizer(self, settings):
        """The optimizer ``solver`` names, with the estimator's settings."""
        solver = self.solver
        if isinstance(solver, str):
            specs = {
                # scikit-learn's "sgd" is SGD with classic (optionally Nesterov) momentum μ
                "sgd": {"name": "classic_momentum", "momentum": settings["momentum"],
                        "nesterov": settings["nesterovs_momentum"]},
                "adam": {"name": "sklearn_adam", "beta_1": settings["beta_1"],
                         "beta_2": settings["beta_2"], "epsilon": settings["epsilon"]},
                "momentum": {"name": "momentum", "beta": settings["momentum"]},
                "rmsprop": {"name": "rmsprop", "epsilon": settings["epsilon"]},
            }
            if solver not in specs:
                raise ConfigError(f"unknown solver {solver!r}; use one of lbfgs, "
                                  f"{', '.join(specs)}, or a glassnet optimizer given as a "
                                  "dict such as {'name': 'rmsprop', 'rho': 0.9}")
            return optimizers.get(specs[solver])
        if isinstance(solver, (dict, optimizers.Optimizer)):
            # a fresh optimizer each fit, so the parameter itself is never changed
            return optimizers.get(solver.config() if isinstance(solver, Named) else solver)
        raise ConfigError(f"solver must be a name or a glassnet optimizer, got {solver!r}")

    def _split(self, X, Y, s, early, settings):
        """(X, Y, s) for training and, with early stopping, (X, y, s) held out, in the
        notes' layout: the one conversion from scikit-learn's rows, (m, n) → (n, m)."""
        if not early:
            return (X.T, Y.T, s), None
        stratify = Y if isinstance(self, ClassifierMixin) and Y.shape[1] == 1 else None
        arrays = (X, Y) if s is None else (X, Y, s)
        parts = train_test_split(*arrays, random_state=self._random_state,
                                 test_size=settings["validation_fraction"], stratify=stratify)
        X, X_val, Y, Y_val = parts[:4]
        s, s_val = parts[4:] if s is not None else (None, None)
        if X_val.shape[0] < 2:
            raise DataError("the validation set is too small (fewer than 2 examples): "
                            "increase validation_fraction or the number of examples m")
        return (X.T, Y.T, s), (X_val.T, self._targets_of(Y_val), s_val)

    # -------------------------------------------------------------- during the run
    @property
    def outputs_averaged(self):
        """Whether the loss averages over the output units (scikit-learn's squared error)."""
        return False

    #: scipy's L-BFGS-B options beside scikit-learn's (maxfun, maxiter, gtol)
    lbfgs_options: dict[str, float] = {}

    def _rate(self):
        """The learning rate α of the coming epoch."""
        rule = self.learning_rate
        if isinstance(rule, str) and rule in parameters.SKLEARN_SCHEDULES:
            return self._learning_rate
        return parameters.checked(self)["learning_rate"].rate(self.learning_rate_init,
                                                              self.n_iter_)

    def epoch_ends(self, settings):
        """scikit-learn's SGD with "invscaling": α = α₀ / (t + 1)^power_t, t examples seen."""
        if self.solver == "sgd" and self.learning_rate == "invscaling":
            self._learning_rate = settings["learning_rate_init"] / (
                self.t_ + 1) ** settings["power_t"]

    def lower_rate(self, settings):
        """After n_iter_no_change epochs without improvement: True to go on with α / 5
        (scikit-learn's "adaptive", while α > 1e-6), False to stop."""
        if self.solver != "sgd" or self.learning_rate != "adaptive" or (
                self._learning_rate <= 1e-6):
            return False
        self._learning_rate /= 5.0
        return True

    def check_growth(self, settings):
        """scikit-learn's MLPs train on where a cost grows; the one-layer models do not."""

    def update_no_improvement_count(self, validation, settings):
        """scikit-learn's rule: count the epochs that did not improve by more than ``tol``
        (the validation score with early stopping, else the epoch's loss); keep the
        parameters of the best validation score."""
        tol = settings["tol"]
        if validation is not None:
            score = self.validation_score(validation)
            self.validation_scores_.append(score)
            if self.verbose:
                print(f"Validation score: {score:f}")
            self._no_improvement_count = (self._no_improvement_count + 1
                                          if score < self.best_validation_score_ + tol else 0)
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best_parameters = self.network_.parameters.copy()
        else:
            last = self.loss_curve_[-1]
            if self.best_loss_ is None:  # after an early-stopping fit (scikit-learn fails here)
                self.best_loss_ = np.inf
            self._no_improvement_count = (self._no_improvement_count + 1
                                          if last > self.best_loss_ - tol else 0)
            self.best_loss_ = min(self.best_loss_, last)

    def stops(self, settings):
        """After ``update_no_improvement_count``: True when more than n_iter_no_change
        epochs have not improved and ``lower_rate`` does not go on with a smaller α (when it
        does, the count starts again)."""
        if self._no_improvement_count <= settings["n_iter_no_change"]:
            return False
        if not self.lower_rate(settings):
            return True
        self._no_improvement_count = 0
        return False

    def keep_best_parameters(self):
        """At the end of an early-stopping run: back to the best validation score's θ."""
        self.network_.parameters[...] = self._best_parameters

    def validation_score(self, validation):
        """The score on the held-out set (accuracy or R²), NaN if the output is not finite."""
        X, y, s = validation
        with np.errstate(all="ignore"):
            _, A = run.forward(self.network_, X)
        A = A[-1]
        if not np.all(np.isfinite(A)):
            return np.nan
        return float(self._score(A, y, s))

    def warn_not_converged(self, settings):
        warnings.warn(
            f"{type(self).__name__}: max_iter = {settings['max_iter']} epochs ran and the "
            f"cost J was still falling by more than tol = {settings['tol']:g}; raise "
            "max_iter (or learning_rate_init) to train longer",
            sklearn.exceptions.ConvergenceWarning, stacklevel=5)

    def warn_lbfgs(self, result):
        warnings.warn(f"{type(self).__name__}: L-BFGS stopped before converging "
                      f"({result.message}); raise max_iter or max_fun, or scale X",
                      sklearn.exceptions.ConvergenceWarning, stacklevel=5)

    def __sklearn_is_fitted__(self):
        return hasattr(self, "network_")

    def _check_same_architecture(self, n_x, n_out):
        wanted = [n_x, *self._hidden()[0], n_out]
        if self.network_.sizes != wanted:
            raise ConfigError(
                f"warm_start / partial_fit continue the network fitted before, of sizes "
                f"{self.network_.sizes} ([n_x, n[1], …, n[L]]), but the settings and data "
                f"now ask for {wanted}; set warm_start=False to start over")

    # -------------------------------------------------------------- predicting
    def _output(self, X):
        """Z[L] and A[L] (as columns) for X given as rows, after the usual checks."""
        net = self._fitted_network()
        X = _sklearn_check(validate_data, self, X, reset=False, accept_sparse=["csr", "csc"],
                           dtype=(np.float64, np.float32))
        # rows → columns, once: A[0] = X.T has shape (n_x, m)
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            Z, A = run.forward(net, X.T.astype(net.dtype, copy=False))
        if not np.all(np.isfinite(A[-1])):
            raise NumericError(
                "the prediction overflowed: A[L] holds values that are not finite; scale X "
                "to moderate values (as it was scaled for training)")
        return Z[-1], A[-1]

    # -------------------------------------------------------------- the two views of W, b
    @property
    def coefs_(self):
        """scikit-learn's layout: coefs_[l-1] = W[l]ᵀ, shape (n[l-1], n[l]) (views)."""
        return [W.T for W in self._fitted_network().W]

    @coefs_.setter
    def coefs_(self, values):
        net = self._fitted_network()
        _check_layer_count(values, net, "coefs_")
        for l, value in enumerate(values, 1):
            value = np.asarray(value)
            if value.shape != (net.sizes[l - 1], net.sizes[l]):
                raise ShapeError(
                    f"coefs_[{l - 1}] is W[{l}] transposed and must have shape (n[{l - 1}], "
                    f"n[{l}]) = {(net.sizes[l - 1], net.sizes[l])}, got {value.shape}")
            net.W[l] = value.T

    @property
    def intercepts_(self):
        """scikit-learn's layout: intercepts_[l-1] = b[l] flattened, shape (n[l],) (views)."""
        return [b[:, 0] for b in self._fitted_network().b]

    @intercepts_.setter
    def intercepts_(self, values):
        net = self._fitted_network()
        _check_layer_count(values, net, "intercepts_")
        for l, value in enumerate(values, 1):
            net.b[l] = value

    @property
    def W_(self):
        """The notes' view: W_[l] is W[l], shape (n[l], n[l-1]), for l = 1 … L."""
        return self._fitted_network().W

    @property
    def b_(self):
        """The notes' view: b_[l] is b[l], shape (n[l], 1), for l = 1 … L."""
        return self._fitted_network().b

    def _fitted_network(self):
        if not hasattr(self, "network_"):
            # an AttributeError too, so that hasattr(est, "coefs_") is False before fit
            raise EstimatorNotFittedError(
                f"this {type(self).__name__} is not fitted yet: call fit(X, y) first, there "
                "are no W[l], b[l] to predict with")
        return self.network_

    # -------------------------------------------------------------- files (glassnet.save)
    def glassnet_state(self):
        """(meta, arrays) for ``glassnet.save``: JSON metadata and NumPy arrays."""
        return persistence.state_of(self)

    @classmethod
    def from_glassnet_state(cls, meta, arrays):
        """The estimator ``glassnet_state`` described, fitted exactly as it was."""
        return persistence.estimator_from(cls, meta, arrays)

    def save_state(self):
        """What a fit left, as ``persistence`` writes it to a file: a dict of "network"
        (``network_``), "attributes" (those of ``SAVED_ATTRIBUTES`` the estimator has, by
        name), "n_features_in_", "feature_names_in_" (or None), "best_parameters" (θ of
        the best validation score, or of the start), "optimizer" (a stochastic fit's, with
        its running averages, or None), "classes" (``classes_``, or None) and "multilabel".
        The values are the estimator's own objects, not copies."""
        return {"network": self._fitted_network(),
                "attributes": {key: getattr(self, key) for key in SAVED_ATTRIBUTES
                               if hasattr(self, key)},
                "n_features_in_": self.n_features_in_,
                "feature_names_in_": getattr(self, "feature_names_in_", None),
                "best_parameters": self._best_parameters,
                "optimizer": getattr(self, "_optimizer", None),
                "classes": getattr(self, "classes_", None),
                "multilabel": bool(getattr(self, "_multilabel", False))}

    @classmethod
    def from_saved_state(cls, params, state):
        """The estimator of constructor arguments ``params``, fitted as ``state`` says
        (a dict as ``save_state`` gives): it predicts, and trains on, exactly as before.
        It takes the state's objects (the network, the optimizer) as they are, uncopied."""
        est = cls(**params)
        est._adopt(state["network"])
        for key, value in state["attributes"].items():
            if key not in SAVED_ATTRIBUTES:
                raise ValueError(f"unknown attribute {key!r} in the saved state")
            setattr(est, key, value)
        est.n_features_in_ = state["n_features_in_"]
        if state["feature_names_in_"] is not None:
            est.feature_names_in_ = state["feature_names_in_"]
        est._best_parameters = state["best_parameters"]
        if state["optimizer"] is not None:
            est._optimizer = state["optimizer"]
        if state["classes"] is not None:
            encoder = LabelBinarizer()
            classes = state["classes"]
            # the binarizer's state follows from the classes: fitting on them rebuilds it
            encoder.fit(np.eye(len(classes), dtype=int) if state["multilabel"] else classes)
            est._set_encoder(encoder)
        return est


#: the fitted attributes a file keeps beside the network, under their names here (those the
#: estimator has): scikit-learn's, and the run state it carries from one fit or
#: partial_fit to the next (its private names: α of the coming epoch is _learning_rate)
SAVED_ATTRIBUTES = ("n_iter_", "t_", "loss_", "loss_curve_", "validation_scores_",
                    "best_loss_", "best_validation_score_", "_no_improvement_count",
                    "_learning_rate")


#: the output activations by scikit-learn's names (``out_activation_``)
_SKLEARN_ACTIVATION_NAMES = {"sigmoid": "logistic", "linear": "identity", "softmax": "softmax",
                             "exponential": "exp"}
#: MLPRegressor's ``loss`` → (the output activation, the core's loss), as scikit-learn's
_REGRESSION_LOSSES = {"squared_error": ("linear", "half_squared_error"),
                      "poisson": ("exponential", "half_poisson_deviance")}


# ---------------------------------------------------------------------- the two tasks
class _Classification(ClassifierMixin):
    """Class labels in, class labels out: a sigmoid output (two classes, or several yes/no
    labels) or a softmax output (more than two classes), with cross-entropy.

    scikit-learn's mixin comes before the estimator base in every class's MRO (its rule).
    """

    _y_checks: dict[str, bool] = {}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    @available_if(lambda est: _stochastic(est))
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """One epoch over (X, y), continuing from where the last call stopped.

        The first call needs ``classes`` (every label y may ever hold), as in scikit-learn.
        """
        if classes is None and not hasattr(self, "network_") and not _target_kind(
                y).startswith("multilabel"):
            raise DataError(
                "classes must be passed on the first call to partial_fit: every label y may "
                "ever hold (e.g. classes=np.unique(y_all)), so that the output layer has "
                "one unit per class from the start")
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def predict(self, X):
        """The predicted class of each row of X."""
        _, A = self._output(X)
        return self._label_binarizer.inverse_transform(A.T)  # columns → rows

    def predict_proba(self, X):
        """Class probabilities, one row per example and one column per class in classes_.

        Two classes: [1 − a, a] with a = σ(z) the one output unit; more: softmax's A[L].
        """
        _, A = self._output(X)
        if A.shape[0] == 1 and not self._multilabel:
            return np.hstack([1.0 - A.T, A.T])
        return A.T

    def predict_log_proba(self, X):
        """log of ``predict_proba``, computed from Z[L] so that it never takes log(0)."""
        Z, _ = self._output(X)
        if self.out_activation_ == "softmax":
            return log_softmax(Z, axis=0).T
        if Z.shape[0] == 1 and not self._multilabel:
            return np.hstack([log_expit(-Z.T), log_expit(Z.T)])  # log(1 − σ(z)) = log σ(−z)
        return log_expit(Z).T

    def _output_layer(self, n_out, encoder):
        if n_out > 1 and not encoder.y_type_.startswith("multilabel"):
            return "softmax", "categorical_cross_entropy"
        return "sigmoid", "binary_cross_entropy"

    def _targets_of(self, Y):
        return self._label_binarizer.inverse_transform(Y)

    def _score(self, A, y, s):
        return accuracy_score(y, self._label_binarizer.inverse_transform(A.T), sample_weight=s)

    def _encode_targets(self, y, reset, classes):
        """The label binarizer's 0/1 matrix of y, one row per example and one column per
        output unit (one column for two classes)."""
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        hint = "; a classifier needs class labels (use a regressor for real-valued targets)"
        kind = _target_kind(y, "y", hint)
        if kind not in _CLASS_TARGETS:  # scikit-learn's check, for its own error
            _sklearn_check(check_classification_targets, y, hint=hint)
        multilabel = kind.startswith("multilabel")
        if reset:
            encoder = LabelBinarizer()
            _sklearn_check(encoder.fit, y if classes is None or multilabel else classes)
            if len(encoder.classes_) < 2:
                only = encoder.classes_.tolist()[0]
                raise DataError(f"y holds only one class ({only!r}); a classifier needs at "
                                "least 2 classes to tell apart")
            _check_labels_known(y, encoder.classes_, multilabel, "the classes given")
        else:
            encoder = self._label_binarizer
            if classes is not None and not np.array_equal(np.unique(classes), self.classes_):
                raise DataError(f"classes={classes!r} differs from classes_ = {self.classes_!r} "
                                "given on the first call")
            _check_labels_known(y, self.classes_, multilabel, "classes_")
        return _binarized(encoder, y, multilabel), encoder

    def _set_encoder(self, encoder):
        self._label_binarizer = encoder
        self.classes_ = encoder.classes_
        self._multilabel = encoder.y_type_.startswith("multilabel")


class _Regression(RegressorMixin):
    """Real-valued targets, one output unit each: a linear output and scikit-learn's squared
    error ½·mean over the outputs of (a − y)², or (``loss="poisson"``) an exponential output
    and half the Poisson deviance."""

    _y_checks = {"y_numeric": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    @available_if(lambda est: _stochastic(est))
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over (X, y), continuing from where the last call stopped."""
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """The predicted targets: shape (m,) for one output, (m, n[L]) for several."""
        _, A = self._output(X)
        return A[0].copy() if A.shape[0] == 1 else A.T  # columns → rows

    @property
    def outputs_averaged(self):
        return self._loss_name() == "squared_error"  # the Poisson loss sums over them

    def _loss_name(self):
        loss = getattr(self, "loss", "squared_error")
        if not (isinstance(loss, str) and loss in _REGRESSION_LOSSES):
            raise ConfigError(
                f"loss={loss!r} is not offered for regression; use 'squared_error' "
                "(scikit-learn's ½·mean (a − y)², the notes' ½‖a − y‖² for one output) or "
                "'poisson' (half the Poisson deviance, an exponential output, y ≥ 0)")
        return loss

    def _output_layer(self, n_out, encoder):
        return _REGRESSION_LOSSES[self._loss_name()]

    def _targets_of(self, Y):
        return Y[:, 0] if Y.shape[1] == 1 else Y

    def _score(self, A, y, s):
        return r2_score(y, A[0] if A.shape[0] == 1 else A.T, sample_weight=s)

    def _encode_targets(self, y, reset, classes):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        Y = y.reshape(len(y), -1)
        if not reset and Y.shape[1] != self.n_outputs_:
            raise ShapeError(
                f"y has {Y.shape[1]} target(s) per example but the fitted network has "
                f"n[L] = {self.n_outputs_} output units")
        return Y, None

    def _set_encoder(self, encoder):
        pass


# ---------------------------------------------------------------------- the architectures
class _MLP(_NetworkEstimator):
    """Hidden layers: ``hidden_layer_sizes`` with ``activation`` (one name, or one each)."""

    def _hidden(self):
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
            sizes = (sizes,)
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__iter__"):
            raise ConfigError(
                "hidden_layer_sizes must list the units of each hidden layer, n[1] … n[L-1], "
                f"e.g. (100,) or (16, 8); got {sizes!r}")
        sizes = tuple(check_positive_int(n, f"hidden_layer_sizes[{i}] (n[{i + 1}])")
                      for i, n in enumerate(sizes))
        activation = self.activation
        return sizes, list(activation) if isinstance(activation, (list, tuple)) else activation


class _OneLayer(_NetworkEstimator):
    """No hidden layer: A[1] = g(W[1] X + b[1]), the notes' single neuron (L = 1).

    The defaults are the notes' loop: plain batch gradient descent (every step on all m
    examples, no momentum) with a fixed learning rate, from zero weights. A cost that grows
    beyond ``divergence.GROWTH`` times its first epoch's is a ``DivergenceError``.
    """

    # a convex cost: stop on the gradient (tol) only, not on a relative change of J of
    # 2.2e-9 (scipy's default ftol), which leaves the coefficients off by 1e-5
    lbfgs_options = {"ftol": 1e-15}

    def _hidden(self):
        return (), "linear"  # no hidden layer, so no hidden activation is used

    def check_growth(self, settings):
        first, last = self.loss_curve_[0], self.loss_curve_[-1]
        if last > divergence.GROWTH * first:
            raise DivergenceError(
                f"{type(self).__name__}: training diverged: in epoch {self.n_iter_} the cost "
                f"J grew to {last:.6g}, over {divergence.GROWTH:g} × the first epoch's "
                f"{first:.6g}; the learning rate α = {settings['learning_rate_init']:g} is "
                "too large for X at this scale: scale the features (e.g. StandardScaler) or "
                "lower learning_rate_init", epoch=self.n_iter_, reason="grew")

    @property
    def coef_(self):
        """scikit-learn's linear-model layout: W[1], shape (n[1], n_x); (n_x,) for
        LinearRegression with one target (b[1] is ``intercept_``)."""
        W = self._fitted_network().W[1]
        return W[0].copy() if self._flat_coef() else W.copy()

    @property
    def intercept_(self):
        """b[1] flattened, shape (n[1],); a float for LinearRegression with one target."""
        b = self._fitted_network().b[1][:, 0]
        return float(b[0]) if self._flat_coef() else b.copy()

    def _flat_coef(self):
        return isinstance(self, RegressorMixin) and self.network_.sizes[-1] == 1


# ---------------------------------------------------------------------- the four estimators
class MLPClassifier(_Classification, _MLP, family=0):
    """A multi-layer perceptron classifier with scikit-learn's MLPClassifier parameters,
    trained as scikit-learn trains it (the same ``n_iter_`` and ``loss_curve_``).

    Beyond scikit-learn's: ``activation`` may be any glassnet activation (relu, tanh,
    sigmoid/logistic, linear/identity, leaky_relu, elu, selu, swish) or a list of one per
    hidden layer; ``l1`` adds an L1 penalty beside ``alpha``'s L2; ``solver`` may also be
    "momentum" (the notes' V = βV + (1 − β)dW with β = ``momentum``), "rmsprop", or any
    glassnet optimizer (a name dict such as ``{"name": "rmsprop", "rho": 0.9}``);
    ``learning_rate`` also takes a glassnet schedule; ``initializer`` names a glassnet
    initializer (default: scikit-learn's uniform draws); ``dtype`` is float32 or float64
    (default: X's, as scikit-learn).

    Fitted: ``coefs_``, ``intercepts_`` (scikit-learn's layout), ``W_[l]``, ``b_[l]`` and
    ``network_`` (the notes'), ``classes_``, ``n_iter_``, ``loss_``, ``loss_curve_``,
    ``best_loss_``, ``validation_scores_``, ``best_validation_score_``,
    ``n_features_in_``, ``t_``, ``n_outputs_``, ``n_layers_``, ``out_activation_``.

    >>> clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=50, random_state=0)
    """


class MLPRegressor(_Regression, _MLP, family=0):
    """A multi-layer perceptron regressor with scikit-learn's MLPRegressor parameters.

    With ``loss="squared_error"`` (the default) the output layer is linear and the loss
    ½·mean over the outputs of (a − y)² (the notes' ½‖a − y‖² for one output); with
    ``loss="poisson"`` (targets y ≥ 0) the output is exponential, a = e^z, and the loss
    half the Poisson deviance, Σₖ [y·log(y/a) − y + a] over the outputs, as scikit-learn's. Other parameters and
    fitted attributes as ``MLPClassifier`` (without ``classes_``); several targets per
    example (y of shape (m, k)) are supported.
    """


class LogisticRegression(_Classification, _OneLayer, family=1):
    """The notes' logistic regression: one sigmoid neuron, a = σ(W x + b), trained by
    gradient descent on the cross-entropy cost J.

    With more than two classes the layer has one unit per class and a softmax output
    (multinomial logistic regression). The defaults are the notes' batch gradient descent:
    ``solver="sgd"`` without momentum, ``batch_size=None`` (all m examples per step),
    ``learning_rate_init=0.01``, ``max_iter=1000`` epochs, weights starting at zero.
    ``coef_`` (n_classes or 1, n_x), ``intercept_`` and ``decision_function`` (z) in
    scikit-learn's shapes; the other fitted attributes are ``MLPClassifier``'s.
    """

    def decision_function(self, X):
        """z = W[1] x + b[1] of each row: shape (m,) for two classes, (m, n_classes) else."""
        Z, _ = self._output(X)
        return Z[0].copy() if Z.shape[0] == 1 else Z.T


class LinearRegression(_Regression, _OneLayer, family=1):
    """The notes' linear regression: one linear neuron, ŷ = W x + b, trained by gradient
    descent on J = (1/m) Σ ½(ŷ − y)².

    Unlike scikit-learn's LinearRegression (a direct least-squares solve) it iterates, so
    scale the features: gradient descent with a fixed rate diverges on large inputs (a
    ``DivergenceError`` says so). ``coef_`` has shape (n_x,) for one target and
    (n_targets, n_x) for several, ``intercept_`` a float or (n_targets,), as scikit-learn's.
    The defaults are ``LogisticRegression``'s.
    """


# ---------------------------------------------------------------------- helpers
def _validated(est, X, y, reset):
    """(X, y) of ``fit`` through scikit-learn's ``validate_data``, which also keeps or
    checks ``n_features_in_`` and ``feature_names_in_``.

    Its ``check_X_y`` hands back as they are an X of float64 or float32, 2-D with at least
    one row and one column, and a y of numbers, 1-D or with at least one column, of the
    same m, both finite: for these (``_as_given``) it runs the bookkeeping alone
    (``skip_check_array``), without the checks (some 0.3 ms a fit). Anything else, and
    anything these checks might refuse, goes through them, for scikit-learn's answer.
    """
    if _as_given(X, y):
        return _sklearn_check(validate_data, est, X, y, reset=reset, skip_check_array=True)
    return _sklearn_check(validate_data, est, X, y, reset=reset, multi_output=True,
                          accept_sparse=["csr", "csc"], dtype=(np.float64, np.float32),
                          **est._y_checks)


def _as_given(X, y):
    """Whether scikit-learn's ``check_X_y`` (as ``_validated`` calls it) would return X and
    y unchanged: NumPy arrays (not subclasses), X float64 or float32 of shape (m, n_x)
    with m, n_x ≥ 1, y of shape (m,) or (m, k ≥ 1) holding integers or floats, and both
    finite by its own first test (a finite sum)."""
    return (type(X) is np.ndarray and type(y) is np.ndarray and X.ndim == 2
            and X.dtype in (np.float64, np.float32) and min(X.shape) >= 1
            and (y.ndim == 1 or (y.ndim == 2 and y.shape[1] >= 1)) and len(y) == len(X)
            and _finite_numbers(X) and _finite_numbers(y))


def _finite_numbers(A):
    """Integers, or floats whose sum is finite (so none is NaN or ±inf: scikit-learn's
    first test of ``_assert_all_finite``, which it passes without looking further)."""
    if A.dtype.kind in "iu":
        return True
    with np.errstate(over="ignore", invalid="ignore"):  # a sum that overflows: not known
        return A.dtype.kind == "f" and bool(np.isfinite(np.sum(A)))


def _sample_weight(sample_weight, m, dtype):
    """scikit-learn's sample weights: a number (for all) or one finite weight ≥ 0 per row."""
    s = np.asarray(sample_weight, dtype=float)
    if s.ndim == 0:
        s = np.full(m, float(s))
    if s.shape != (m,):
        raise ShapeError(f"sample_weight needs one weight per example (m = {m}), got shape "
                         f"{s.shape}")
    if not np.all(np.isfinite(s)) or np.any(s < 0) or s.sum() <= 0:
        raise DataError("sample_weight must hold finite weights ≥ 0, and not all zero: "
                        "some example must count")
    return s.astype(dtype)


def _stochastic(est):
    """partial_fit exists for the stochastic solvers only (scikit-learn's rule)."""
    if isinstance(est.solver, str) and est.solver == "lbfgs":
        raise AttributeError(f"partial_fit is only available for stochastic solvers (one "
                             f"epoch of minibatch steps); solver={est.solver!r} is not")
    return True


def _random_state(random_state):
    """scikit-learn's generator for ``random_state`` (None, an int or a RandomState)."""
    if isinstance(random_state, bool) or not (
            random_state is None or isinstance(random_state, (numbers.Integral,
                                                              np.random.RandomState))):
        raise ConfigError(f"random_state must be None, an int or a RandomState, got "
                          f"{random_state!r}")
    return _sklearn_check(check_random_state, random_state)


def _sklearn_check(check, *args, hint="", **kwargs):
    """Run one of scikit-learn's input checks; its error becomes glassnet's (same message)."""
    try:
        return check(*args, **kwargs)
    except GlassnetError:
        raise
    except TypeError as exc:
        raise GlassnetTypeError(f"{exc}{hint}") from None
    except ValueError as exc:
        raise DataError(f"{exc}{hint}") from None


def _target_kind(y, input_name="", hint=""):
    """scikit-learn's ``type_of_target`` of y. For a 1-D array of integers (class labels
    as they mostly come) its answer is decided by the count of distinct labels alone,
    "binary" for at most two, else "multiclass": taken so here, without its checks of y
    (some 0.3 ms a fit), which such an array passes."""
    if type(y) is np.ndarray and y.ndim == 1 and y.size and y.dtype.kind in "iu":
        return "multiclass" if np.unique(y).size > 2 else "binary"
    return _sklearn_check(type_of_target, y, input_name=input_name, hint=hint)


#: the kinds of y (scikit-learn's ``type_of_target``) its ``check_classification_targets``
#: accepts
_CLASS_TARGETS = ("binary", "multiclass", "multiclass-multioutput", "multilabel-indicator",
                  "multilabel-sequences")


def _binarized(encoder, y, multilabel):
    """The label binarizer's 0/1 matrix of y (m rows): for labels y (known to be in
    classes_), one column per class, or one, y == classes_[1], for two; otherwise
    ``encoder.transform``, which checks y once more (some milliseconds a fit)."""
    if multilabel or y.ndim != 1:
        return _sklearn_check(encoder.transform, y)
    classes = encoder.classes_
    if len(classes) == 2:
        return (y == classes[1]).astype(np.int64).reshape(-1, 1)
    return (y.reshape(-1, 1) == classes).astype(np.int64)


def _check_labels_known(y, classes, multilabel, where):
    """A DataError naming the labels of y (of a kind ``type_of_target`` found to be class
    labels) that are not in ``classes``. ``np.setdiff1d`` sorts y's labels as
    ``unique_labels`` would, without its second ``type_of_target`` (some 0.3 ms a fit)."""
    if multilabel:
        return
    unknown = np.setdiff1d(y, classes)
    if unknown.size:
        raise DataError(f"y holds the label(s) {unknown.tolist()!r} that are not in {where} "
                        f"{classes.tolist()!r}")


def _check_layer_count(values, net, name):
    if len(values) != net.L:
        raise ShapeError(f"{name} needs one array per layer l = 1 … L = {net.L}, got "
                         f"{len(values)}")


