"""scikit-learn estimators: the notes' networks behind ``fit`` / ``predict`` / ``score``.

``MLPClassifier`` and ``MLPRegressor`` take scikit-learn's MLP parameters (so replacing
the import is enough to switch), ``LogisticRegression`` and ``LinearRegression`` are the
notes' first chapters: one layer of neurons, no hidden layer, trained by gradient descent.
All four are a ``glassnet.Network`` trained by ``glassnet.training.train``; nothing of
the math is repeated here.

scikit-learn puts examples in ROWS, X of shape (m, n_x); the notes put them in columns.
Every method converts once at this boundary (``X.T``) and works in the notes' layout
inside. The fitted weights are shown both ways: ``coefs_[l-1]`` is W[l] transposed and
``intercepts_[l-1]`` is b[l] flattened (scikit-learn's layout), while ``W_[l]``,
``b_[l]`` and ``network_`` give the notes' view, numbered by layer.

Departures from scikit-learn's MLP, each documented in docs/estimators.md: the solvers are
gradient-descent ones only (no "lbfgs"); ``learning_rate`` takes glassnet's schedules;
the regression loss is the notes' ½‖a − y‖² per example (equal to scikit-learn's for one
output); early stopping watches the validation cost J.
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
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import column_or_1d, validate_data

from . import divergence, losses, optimizers, schedules
from .errors import (
    ConfigError,
    DataError,
    FileFormatError,
    GlassnetError,
    GlassnetTypeError,
    NotFittedError,
    NumericError,
    ShapeError,
)
from .network import Network
from .registry import Named
from .training import train
from .validation import (
    check_dtype,
    check_learning_rate,
    check_non_negative,
    check_positive_int,
)

__all__ = ["LinearRegression", "LogisticRegression", "MLPClassifier", "MLPRegressor"]


class EstimatorNotFittedError(NotFittedError, sklearn.exceptions.NotFittedError):
    """An estimator was asked to predict before ``fit``: glassnet's and scikit-learn's error."""


# ---------------------------------------------------------------------- the shared machinery
class _NetworkEstimator(BaseEstimator):
    """fit / partial_fit / persistence of a Network, for the four estimators below.

    Subclasses say what the targets are (``_encode_targets``, ``_output_layer``,
    ``_score_columns``) and which hidden layers there are (``_hidden``).
    """

    # -------------------------------------------------------------- fitting
    def fit(self, X, y):
        """Train on X (m examples as rows, n_x features as columns) and targets y."""
        return self._fit(X, y, incremental=False)

    def _fit(self, X, y, incremental, classes=None):
        fitted = hasattr(self, "network_")
        reset = not fitted or not (incremental or self.warm_start)
        X, y = _sklearn_check(validate_data, self, X, y, reset=reset, multi_output=True,
                              dtype=(np.float64, np.float32), **self._y_checks)
        settings = self._settings()
        Y, encoder = self._encode_targets(y, reset, classes)  # Y has m rows here
        if reset:
            rng = _generator(self.random_state)
            net = self._new_network(X.shape[1], Y.shape[1], encoder, settings, rng)
            state = {"t_": 0, **{key: [] for key in _CURVES}}
        else:
            rng, net = self._rng, self.network_
            self._check_same_architecture(net, X.shape[1], Y.shape[1])
            state = {"t_": self.t_, **{key: list(getattr(self, key) or []) for key in _CURVES}}
        optimizer = (self._optimizer if incremental and not reset
                     else _make_optimizer(self.solver, self))
        early = self.early_stopping and not incremental
        (X, Y), validation, y_val = self._as_columns(X, Y, y, early, settings, rng)
        callback = self._epoch_callback(net, encoder, validation, y_val)
        history = train(
            net, X, Y, epochs=1 if incremental else settings["max_iter"],
            learning_rate=settings["learning_rate_init"], optimizer=optimizer,
            batch_size=settings["batch_size"](X.shape[1]), shuffle=bool(self.shuffle),
            seed=rng, l1=settings["l1"], l2=settings["alpha"], schedule=settings["schedule"],
            validation_data=validation, early_stopping=not incremental,
            patience=settings["n_iter_no_change"], tol=settings["tol"], restore_best=early,
            progress=False, callback=callback,
            # scikit-learn's MLPs train on where a cost grows; the estimators warn instead
            watch=divergence.FiniteWatch)
        if early:
            state["validation_loss_curve_"] += list(history["val_cost"])
            state["validation_scores_"] += callback.scores
        self._record(net, encoder, optimizer, rng, history, state, X.shape[1], early)
        if not incremental:
            self._warn_if_not_converged(history.cost, history.stopped_early, settings)
        return self

    def _as_columns(self, X, Y, y, early, settings, rng):
        """(X, Y) for training and, with early stopping, (X, Y) and y held out, all in the
        notes' layout: the one conversion from scikit-learn's rows, (m, n) → (n, m)."""
        if not early:
            return (X.T, Y.T), None, None
        X, X_val, Y, Y_val, y, y_val = train_test_split(
            X, Y, y, test_size=settings["validation_fraction"],
            random_state=int(rng.integers(2**31)), stratify=y if self._stratify(y) else None)
        return (X.T, Y.T), (X_val.T, Y_val.T), y_val

    def _warn_if_not_converged(self, costs, stopped_early, settings):
        """scikit-learn's ConvergenceWarning, and one for a cost that grew (α too large)."""
        name = type(self).__name__
        if costs[-1] > costs[0]:
            message = (f"{name}: the cost J rose from {costs[0]:.6g} to {costs[-1]:.6g} in "
                       f"{len(costs)} epochs; the learning rate α = "
                       f"{settings['learning_rate_init']:g} is probably too large (or scale X)")
        elif not stopped_early:
            message = (f"{name}: max_iter = {settings['max_iter']} epochs ran and the cost J "
                       f"was still falling by more than tol = {settings['tol']:g}; raise "
                       "max_iter (or learning_rate_init) to train longer")
        else:
            return
        warnings.warn(message, sklearn.exceptions.ConvergenceWarning, stacklevel=4)

    def _epoch_callback(self, net, encoder, validation, y_val):
        """After each epoch: the validation score (for early stopping) and the verbose line."""
        scores = []

        def callback(epoch, history):
            line = f"Iteration {epoch}, loss = {history.cost[-1]:.8f}"
            if validation is not None:
                _, A = _forward_columns(net, validation[0])
                scores.append(float(self._score_columns(A, encoder, y_val)))
                line += (f", validation loss = {history['val_cost'][-1]:.8f}, "
                         f"validation score = {scores[-1]:.6f}")
            if self.verbose:
                print(line)
            return False

        callback.scores = scores
        return callback

    def _record(self, net, encoder, optimizer, rng, history, state, m, early):
        """Set the fitted attributes (only once training has succeeded)."""
        # n_iter_ counts the epochs of this call only (as scikit-learn); the curves and
        # t_ (examples seen) go on over warm starts and partial_fit calls
        state["n_iter_"] = history.epochs
        state["t_"] += history.epochs * m
        state["loss_curve_"] += list(history.cost)
        for key, value in state.items():
            setattr(self, key, None if value == [] else value)  # no validation set: None
        self._set_encoder(encoder)
        self._attach(net, optimizer, rng)
        if early:
            self.best_loss_ = None
            best = history.best_epoch or history.epochs
            self.best_validation_score_ = self.validation_scores_[
                len(self.validation_scores_) - history.epochs + best - 1]
        else:
            self.best_loss_ = min(self.loss_curve_)
            self.best_validation_score_ = None

    def _attach(self, net, optimizer, rng):
        """Set ``network_`` and what follows from it (after fit, and after loading)."""
        self.network_, self._optimizer, self._rng = net, optimizer, rng
        self.n_outputs_ = net.sizes[-1]
        self.n_layers_ = net.L + 1  # scikit-learn counts the input layer; the notes' L does not
        self.out_activation_ = net.output_activation.name
        self.loss_ = self.loss_curve_[-1]

    def __sklearn_is_fitted__(self):
        return hasattr(self, "network_")

    def _new_network(self, n_x, n_out, encoder, settings, rng):
        output, loss = self._output_layer(n_out, encoder)
        sizes, hidden_activation = self._hidden()
        return Network([n_x, *sizes, n_out], activations=hidden_activation, output=output,
                       loss=loss, initializer=self.initializer, seed=rng,
                       dtype=settings["dtype"], l1=settings["l1"], l2=settings["alpha"])

    def _check_same_architecture(self, net, n_x, n_out):
        wanted = [n_x, *self._hidden()[0], n_out]
        if net.sizes != wanted:
            raise ConfigError(
                f"warm_start / partial_fit continue the network fitted before, of sizes "
                f"{net.sizes} ([n_x, n[1], …, n[L]]), but the settings and data now ask for "
                f"{wanted}; set warm_start=False to start over"
            )

    def _settings(self):
        """The hyper-parameters, checked (``__init__`` only stores them, as scikit-learn asks)."""
        return {
            "alpha": check_non_negative(self.alpha, "alpha (the L2 rate λ₂)"),
            "l1": check_non_negative(self.l1, "l1 (the L1 rate λ₁)"),
            "learning_rate_init": check_learning_rate(
                self.learning_rate_init, "learning_rate_init (the learning rate α)"),
            "max_iter": check_positive_int(self.max_iter, "max_iter (the number of epochs)"),
            "tol": check_non_negative(self.tol, "tol"),
            "n_iter_no_change": check_positive_int(self.n_iter_no_change, "n_iter_no_change"),
            "validation_fraction": _check_fraction(self.validation_fraction, "validation_fraction",
                                                   zero=False),
            # checked even when the solver does not use them, as scikit-learn does
            **{name: _check_fraction(getattr(self, name), name) for name in
               ("momentum", "beta_1", "beta_2")},
            "batch_size": _batch_size_rule(self.batch_size),
            "schedule": _schedule(self.learning_rate),
            "dtype": check_dtype(self.dtype),
        }

    # -------------------------------------------------------------- predicting
    def _output(self, X):
        """Z[L] and A[L] (as columns) for X given as rows, after the usual checks."""
        if not hasattr(self, "network_"):
            raise EstimatorNotFittedError(
                f"this {type(self).__name__} is not fitted yet: call fit(X, y) first, there "
                "are no W[l], b[l] to predict with"
            )
        X = _sklearn_check(validate_data, self, X, reset=False, dtype=(np.float64, np.float32))
        # rows → columns, once: A[0] = X.T has shape (n_x, m)
        return _forward_columns(self.network_, X.T.astype(self.network_.dtype, copy=False))

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
                    f"n[{l}]) = {(net.sizes[l - 1], net.sizes[l])}, got {value.shape}"
                )
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
                f"this {type(self).__name__} is not fitted yet: it has no weights until fit")
        return self.network_

    # -------------------------------------------------------------- files (glassnet.save)
    def _save_state(self):
        """(kind, meta, arrays) for ``glassnet.save``: JSON metadata and NumPy arrays."""
        meta = {"class": type(self).__name__, "params": _json_params(self),
                "fitted": hasattr(self, "network_")}
        arrays = {}
        if meta["fitted"]:
            net, opt = self.network_, self._optimizer
            meta.update(
                network=net.config(), n_features_in_=self.n_features_in_,
                optimizer={"config": opt.config(), "t": opt.t, "state": sorted(opt.state)},
                rng=self._rng.bit_generator.state,
                **{key: getattr(self, key) for key in _COUNTS + _CURVES + _BESTS},
            )
            if hasattr(self, "feature_names_in_"):
                meta["feature_names_in_"] = [str(name) for name in self.feature_names_in_]
            arrays["parameters"] = net.parameters
            arrays.update({f"optimizer.{key}": value for key, value in opt.state.items()})
            self._save_encoder(meta, arrays)
        return "estimator", meta, arrays

    @classmethod
    def _from_saved_state(cls, meta, arrays):
        """The estimator ``_save_state`` described, fitted exactly as it was."""
        try:
            est = cls(**{key: _from_json(value) for key, value in meta["params"].items()})
            if not meta["fitted"]:
                return est
            net = Network.from_config(meta["network"], arrays["parameters"])
            opt = optimizers.get(meta["optimizer"]["config"])
            opt.t = int(meta["optimizer"]["t"])
            opt.state = {key: np.array(arrays[f"optimizer.{key}"])
                         for key in meta["optimizer"]["state"]}
            if meta["rng"]["bit_generator"] != "PCG64":  # what default_rng makes
                raise ValueError(f"unknown random generator {meta['rng']['bit_generator']!r}")
            rng = np.random.Generator(np.random.PCG64())
            rng.bit_generator.state = meta["rng"]
            for key in _COUNTS + _CURVES + _BESTS:
                setattr(est, key, meta[key])
            est.n_features_in_ = meta["n_features_in_"]
            if "feature_names_in_" in meta:
                est.feature_names_in_ = np.array(meta["feature_names_in_"], dtype=object)
            est._load_encoder(meta, arrays)
        except GlassnetError:
            raise
        except (LookupError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise FileFormatError(
                f"the saved {cls.__name__} is incomplete or damaged ({type(exc).__name__}: "
                f"{exc}); save the estimator again"
            ) from None
        est._attach(net, opt, rng)
        return est


#: fitted attributes beside the network, written to files
_CURVES = ["loss_curve_", "validation_loss_curve_", "validation_scores_"]
_COUNTS = ["n_iter_", "t_"]
_BESTS = ["best_loss_", "best_validation_score_"]


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

    def partial_fit(self, X, y, classes=None):
        """One epoch over (X, y), continuing from where the last call stopped.

        The first call needs ``classes`` (every label y may ever hold), as in scikit-learn.
        """
        if classes is None and not hasattr(self, "network_") and not _sklearn_check(
                type_of_target, y).startswith("multilabel"):
            raise DataError(
                "classes must be passed on the first call to partial_fit: every label y may "
                "ever hold (e.g. classes=np.unique(y_all)), so that the output layer has "
                "one unit per class from the start")
        return self._fit(X, y, incremental=True, classes=classes)

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

    def _stratify(self, y):
        return y.ndim == 1

    def _score_columns(self, A, encoder, y):
        return accuracy_score(y, encoder.inverse_transform(A.T))

    def _encode_targets(self, y, reset, classes):
        """The label binarizer's 0/1 matrix of y, one row per example and one column per
        output unit (one column for two classes)."""
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        _sklearn_check(check_classification_targets, y, hint=(
            "; a classifier needs class labels (use a regressor for real-valued targets)"))
        multilabel = type_of_target(y).startswith("multilabel")
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
        return _sklearn_check(encoder.transform, y), encoder

    def _set_encoder(self, encoder):
        self._label_binarizer = encoder
        self.classes_ = encoder.classes_
        self._multilabel = encoder.y_type_.startswith("multilabel")

    def _save_encoder(self, meta, arrays):
        classes = self.classes_
        if classes.dtype == object:
            if not all(isinstance(c, str) for c in classes):
                raise GlassnetTypeError(
                    "only numbers, booleans and strings can be saved as class labels; "
                    f"classes_ holds {sorted({type(c).__name__ for c in classes})}")
            classes = classes.astype(str)  # an open format holds no Python objects
        arrays["classes"] = classes
        meta["multilabel"] = self._multilabel

    def _load_encoder(self, meta, arrays):
        classes = np.array(arrays["classes"])
        encoder = LabelBinarizer()
        # the binarizer's state follows from the classes: fitting on them rebuilds it
        encoder.fit(np.eye(len(classes), dtype=int) if meta["multilabel"] else classes)
        self._set_encoder(encoder)


class _Regression(RegressorMixin):
    """Real-valued targets, one output unit each, a linear output and ½‖a − y‖²."""

    _y_checks = {"y_numeric": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def partial_fit(self, X, y):
        """One epoch over (X, y), continuing from where the last call stopped."""
        return self._fit(X, y, incremental=True)

    def predict(self, X):
        """The predicted targets: shape (m,) for one output, (m, n[L]) for several."""
        _, A = self._output(X)
        return A[0].copy() if A.shape[0] == 1 else A.T  # columns → rows

    def _output_layer(self, n_out, encoder):
        return "linear", "half_squared_error"

    def _stratify(self, y):
        return False

    def _score_columns(self, A, encoder, y):
        return r2_score(y, A[0] if A.shape[0] == 1 else A.T)

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

    def _save_encoder(self, meta, arrays):
        pass

    def _load_encoder(self, meta, arrays):
        pass


def _store_settings(estimator, settings):
    """Keep every argument of ``__init__`` as it was given, under its own name.

    scikit-learn's rule: ``__init__`` only stores its arguments; they are checked in ``fit``.
    """
    for name, value in settings.items():
        if name != "self":
            setattr(estimator, name, value)


# ---------------------------------------------------------------------- the architectures
class _MLP(_NetworkEstimator):
    """Hidden layers: ``hidden_layer_sizes`` with ``activation`` (one name, or one each)."""

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
                 alpha=0.0001, l1=0.0, batch_size="auto", learning_rate="constant",
                 learning_rate_init=0.001, max_iter=200, shuffle=True, random_state=None,
                 tol=1e-4, verbose=False, warm_start=False, momentum=0.9,
                 nesterovs_momentum=True, early_stopping=False, validation_fraction=0.1,
                 beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10,
                 initializer=None, dtype="float64"):
        _store_settings(self, locals())

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
    examples, no momentum) with a fixed learning rate.
    """

    def __init__(self, *, solver="sgd", alpha=0.0, l1=0.0, batch_size=None,
                 learning_rate="constant", learning_rate_init=0.01, max_iter=1000,
                 shuffle=True, random_state=None, tol=1e-6, verbose=False, warm_start=False,
                 momentum=0.0, nesterovs_momentum=False, early_stopping=False,
                 validation_fraction=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 n_iter_no_change=10, initializer="zeros", dtype="float64"):
        _store_settings(self, locals())

    def _hidden(self):
        return (), "linear"  # no hidden layer, so no hidden activation is used


# ---------------------------------------------------------------------- the four estimators
class MLPClassifier(_Classification, _MLP):
    """A multi-layer perceptron classifier with scikit-learn's MLPClassifier parameters.

    Beyond scikit-learn's: ``activation`` may be any glassnet activation (relu, tanh,
    sigmoid/logistic, linear/identity, leaky_relu, elu, selu, swish) or a list of one per
    hidden layer; ``l1`` adds an L1 penalty beside ``alpha``'s L2; ``solver`` may also be
    "momentum" (the notes' V = βV + (1 − β)dW with β = ``momentum``), "rmsprop", or any
    glassnet optimizer (a name dict such as ``{"name": "rmsprop", "rho": 0.9}``);
    ``learning_rate`` takes a glassnet schedule; ``initializer`` names the initializer
    (default: He for the ReLU family, Xavier otherwise); ``dtype`` is float64 or float32.

    Fitted: ``coefs_``, ``intercepts_`` (scikit-learn's layout), ``W_[l]``, ``b_[l]`` and
    ``network_`` (the notes'), ``classes_``, ``n_iter_``, ``loss_``, ``loss_curve_``,
    ``best_loss_``, ``validation_scores_``, ``validation_loss_curve_``,
    ``best_validation_score_``, ``n_features_in_``, ``t_``, ``n_outputs_``, ``n_layers_``.

    >>> clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=50, random_state=0)
    """


class MLPRegressor(_Regression, _MLP):
    """A multi-layer perceptron regressor with scikit-learn's MLPRegressor parameters.

    The output layer is linear. ``loss="squared_error"`` is the notes' ½‖a − y‖² per
    example (for one output, scikit-learn's loss); "mean_squared_error" averages over the
    outputs instead. Other parameters and fitted attributes as ``MLPClassifier`` (without
    ``classes_``); several targets per example (y of shape (m, k)) are supported.
    """

    # scikit-learn's MLPRegressor takes ``loss`` first; the rest is _MLP's.
    def __init__(self, loss="squared_error", hidden_layer_sizes=(100,), activation="relu", *,
                 solver="adam", alpha=0.0001, l1=0.0, batch_size="auto",
                 learning_rate="constant", learning_rate_init=0.001, max_iter=200,
                 shuffle=True, random_state=None, tol=1e-4, verbose=False, warm_start=False,
                 momentum=0.9, nesterovs_momentum=True, early_stopping=False,
                 validation_fraction=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 n_iter_no_change=10, initializer=None, dtype="float64"):
        _store_settings(self, locals())

    def _output_layer(self, n_out, encoder):
        try:
            loss = losses.get(self.loss)
        except GlassnetError:
            loss = None
        if loss is None or loss.name not in ("half_squared_error", "mean_squared_error"):
            raise ConfigError(
                f"loss={self.loss!r} is not offered for regression; use 'squared_error' (the "
                "notes' ½‖a − y‖²) or 'mean_squared_error'")
        return "linear", loss.name


class LogisticRegression(_Classification, _OneLayer):
    """The notes' logistic regression: one sigmoid neuron, a = σ(W x + b), trained by
    gradient descent on the cross-entropy cost J.

    With more than two classes the layer has one unit per class and a softmax output
    (multinomial logistic regression). The defaults are the notes' batch gradient descent:
    ``solver="sgd"`` without momentum, ``batch_size=None`` (all m examples per step),
    ``learning_rate_init=0.01``, ``max_iter=1000`` epochs, weights starting at zero.
    The other parameters and the fitted attributes are ``MLPClassifier``'s.
    """


class LinearRegression(_Regression, _OneLayer):
    """The notes' linear regression: one linear neuron, ŷ = W x + b, trained by gradient
    descent on J = (1/m) Σ ½(ŷ − y)².

    Unlike scikit-learn's LinearRegression (a direct least-squares solve) it iterates, so
    scale the features: gradient descent with a fixed rate diverges on large inputs (a
    ``DivergenceError`` says so). The defaults are ``LogisticRegression``'s.
    """


# ---------------------------------------------------------------------- helpers
def _forward_columns(net, X):
    """Z[L] and A[L] for X of shape (n_x, m), in new arrays.

    Unlike ``net.forward`` this leaves the network's caches alone, so predicting never
    writes to the estimator (scikit-learn's rule) and is safe from several threads at once.
    """
    A = X
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        for layer in net.layers:
            Z = np.empty((layer.units, A.shape[1]), dtype=net.dtype)
            A_next = np.empty_like(Z)
            layer.forward(A, Z, A_next)
            A = A_next
    if not np.all(np.isfinite(A)):
        raise NumericError(
            "the prediction overflowed: A[L] holds values that are not finite; scale X to "
            "moderate values (as it was scaled for training)")
    return Z, A


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


def _check_labels_known(y, classes, multilabel, where):
    if multilabel:
        return
    unknown = np.setdiff1d(unique_labels(y), classes)
    if unknown.size:
        raise DataError(f"y holds the label(s) {unknown.tolist()!r} that are not in {where} "
                        f"{classes.tolist()!r}")


def _check_layer_count(values, net, name):
    if len(values) != net.L:
        raise ShapeError(f"{name} needs one array per layer l = 1 … L = {net.L}, got "
                         f"{len(values)}")


def _generator(random_state):
    """A NumPy Generator from scikit-learn's ``random_state`` (None, an int, or a
    RandomState), which then draws the initial W[l] and shuffles the minibatches."""
    if random_state is None or isinstance(random_state, np.random.Generator):
        return np.random.default_rng(random_state)
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        return np.random.default_rng(int(random_state))
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))
    raise ConfigError(f"random_state must be None, an int or a RandomState, got "
                      f"{random_state!r}")


def _make_optimizer(solver, est):
    """The glassnet optimizer ``solver`` names, with the estimator's settings."""
    if isinstance(solver, str):
        key = solver.strip().lower()
        if key == "lbfgs":
            raise ConfigError(
                "solver='lbfgs' is not offered: glassnet trains by gradient descent, as the "
                "notes; use solver='adam' (the default) or 'sgd'")
        # scikit-learn's "sgd" is SGD with classic (optionally Nesterov) momentum μ
        specs = {
            "sgd": {"name": "classic_momentum", "momentum": est.momentum,
                    "nesterov": bool(est.nesterovs_momentum)},
            "momentum": {"name": "momentum", "beta": est.momentum},
            "adam": {"name": "adam", "beta_1": est.beta_1, "beta_2": est.beta_2,
                     "epsilon": est.epsilon},
            "rmsprop": {"name": "rmsprop", "epsilon": est.epsilon},
        }
        if key not in specs:
            raise ConfigError(f"unknown solver {solver!r}; use one of {', '.join(specs)}, or "
                              "a glassnet optimizer given as a dict such as "
                              "{'name': 'rmsprop', 'rho': 0.9}")
        return optimizers.get(specs[key])
    if isinstance(solver, (dict, optimizers.Optimizer)):
        # a fresh optimizer each fit, so the parameter itself is never changed
        return optimizers.get(solver.config() if isinstance(solver, Named) else solver)
    raise ConfigError(f"solver must be a name or a glassnet optimizer, got {solver!r}")


def _schedule(learning_rate):
    if isinstance(learning_rate, str) and learning_rate.strip().lower() in (
            "invscaling", "adaptive"):
        raise ConfigError(
            f"learning_rate={learning_rate!r} (scikit-learn's schedule) is not offered; use "
            "'constant' or a glassnet schedule: 'inverse_time' (α₀ / (1 + decay·epoch)), "
            "'exponential' or 'step'")
    return schedules.get(learning_rate)


def _batch_size_rule(batch_size):
    """A function m → the minibatch size: "auto" is min(200, m), None is m (batch GD)."""
    if batch_size is None:
        return lambda m: m
    if isinstance(batch_size, str) and batch_size == "auto":
        return lambda m: min(200, m)
    size = check_positive_int(batch_size, "batch_size (the minibatch size B)")
    return lambda m: min(size, m)


def _check_fraction(value, name, zero=True):
    """A number in [0, 1) (or (0, 1) when ``zero`` is False), or a ConfigError."""
    value = check_non_negative(value, name)
    if value >= 1.0 or (value == 0.0 and not zero):
        raise ConfigError(f"{name} must be in {'[' if zero else '('}0, 1), got {value!r}")
    return value


def _to_json(value, name):
    """A parameter value as JSON: tuples become lists, glassnet objects their config."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (numbers.Integral, np.integer)):
        return int(value)
    if isinstance(value, (numbers.Real, np.floating)):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_to_json(v, name) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_json(v, name) for k, v in value.items()}
    if isinstance(value, Named):
        return value.config()
    raise GlassnetTypeError(
        f"{name}={value!r} cannot be written to a file (it is a {type(value).__name__}); "
        f"set it to a plain value first, e.g. est.set_params({name}=0)")


def _json_params(est):
    return {name: _to_json(value, name) for name, value in est.get_params(deep=False).items()}


def _from_json(value):
    """JSON lists back to tuples (hidden_layer_sizes and per-layer activations)."""
    return tuple(_from_json(v) for v in value) if isinstance(value, list) else value
