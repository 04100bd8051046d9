"""The scikit-learn estimators: scikit-learn's own suite, parity with scikit-learn's MLP,
the notes' formulas, the extras beyond scikit-learn, files, pickles and grid searches.

Independent checks: scikit-learn's MLP (predictions from copied weights, and whole
training runs from the same start), NumPy's least squares, and one gradient-descent step
of logistic regression worked out by hand with the notes' formulas.
"""

import json
import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn import neural_network as sk_nn
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.datasets import make_blobs, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.exceptions import NotFittedError as SkNotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import glassnet as gn
from glassnet.errors import (
    ConfigError,
    DataError,
    DivergenceError,
    FileFormatError,
    GlassnetError,
    GlassnetTypeError,
    NotFittedError,
    ShapeError,
)
from glassnet.estimators import (
    LinearRegression,
    LogisticRegression,
    MLPClassifier,
    MLPRegressor,
    run,
)

ESTIMATORS = [MLPClassifier, MLPRegressor, LogisticRegression, LinearRegression]
quiet = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


# ---------------------------------------------------------------------- data
def blobs(n_classes=3, m=90, seed=0):
    X, y = make_blobs(n_samples=m, centers=n_classes, n_features=3, random_state=seed)
    return StandardScaler().fit_transform(X), y


def regression(n_targets=1, m=80, seed=0):
    X, y = make_regression(n_samples=m, n_features=4, n_targets=n_targets, noise=0.1,
                           random_state=seed)
    return StandardScaler().fit_transform(X), y / y.std()


# ---------------------------------------------------------------------- scikit-learn's suite
def test_pandas_is_installed_so_no_check_is_skipped_for_lack_of_it():
    import pandas  # noqa: F401  (in the test extra; without it two checks are skipped)


@quiet
@parametrize_with_checks([cls() for cls in ESTIMATORS])
def test_scikit_learn_suite(estimator, check):
    check(estimator)


def test_the_mixins_make_them_classifiers_and_regressors():
    assert is_classifier(MLPClassifier()) and is_classifier(LogisticRegression())
    assert is_regressor(MLPRegressor()) and is_regressor(LinearRegression())


def test_the_import_is_lazy_and_the_names_are_exported():
    code = ("import sys, glassnet; assert 'sklearn' not in sys.modules; "
            "c = glassnet.MLPClassifier; assert 'sklearn' in sys.modules; "
            "from glassnet import LinearRegression, LogisticRegression, MLPRegressor; "
            "print(c.__module__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "glassnet.estimators"
    with pytest.raises(AttributeError, match="no attribute 'MLPClassifer'"):
        gn.MLPClassifer  # noqa: B018


# ---------------------------------------------------------------------- parity with scikit-learn
def copy_weights(ours, theirs):
    ours.coefs_ = theirs.coefs_
    ours.intercepts_ = theirs.intercepts_
    return ours


@quiet
@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel"])
@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
def test_classifier_predictions_equal_scikit_learns_with_its_weights(kind, activation):
    X, y = make_classification(n_samples=120, n_features=5, n_informative=3, n_redundant=0,
                               n_classes=3, random_state=1)
    y = {"binary": y % 2, "multiclass": y, "multilabel": np.eye(3, dtype=int)[y] | (
        X[:, :3] > 0.5)}[kind]
    sk = sk_nn.MLPClassifier((7, 4), activation=activation, max_iter=30,
                             random_state=0).fit(X, y)
    ours = copy_weights(MLPClassifier((7, 4), activation=activation, max_iter=1,
                                      random_state=0).fit(X, y), sk)
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(ours.predict(X), sk.predict(X))
    if kind != "multilabel":  # scikit-learn's log of a multilabel proba is not a log-proba
        np.testing.assert_allclose(ours.predict_log_proba(X), sk.predict_log_proba(X),
                                   rtol=1e-12, atol=1e-12)
    assert ours.out_activation_ == {"multiclass": "softmax"}.get(kind, "logistic")
    assert sk.out_activation_ == {"multiclass": "softmax"}.get(kind, "logistic")


@quiet
@pytest.mark.parametrize("n_targets", [1, 2])
@pytest.mark.parametrize("activation", ["relu", "tanh", "logistic", "identity"])
def test_regressor_predictions_equal_scikit_learns_with_its_weights(n_targets, activation):
    X, y = regression(n_targets)
    sk = sk_nn.MLPRegressor(hidden_layer_sizes=(6, 3), activation=activation, max_iter=30,
                            random_state=0).fit(X, y)
    ours = copy_weights(MLPRegressor(hidden_layer_sizes=(6, 3), activation=activation,
                                     max_iter=1, random_state=0).fit(X, y), sk)
    assert ours.predict(X).shape == sk.predict(X).shape
    np.testing.assert_allclose(ours.predict(X), sk.predict(X), rtol=0, atol=1e-12)


@quiet
@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_training_follows_scikit_learn_step_for_step(task, solver):
    """From the same weights, 15 epochs of scikit-learn's MLP and ours agree to 1e-12.

    This checks the gradients, the L2 term and the optimizers at once. Adam runs with a
    vanishing ε because scikit-learn adds ε before its bias correction (a 1e-8-sized
    difference), Kingma & Ba's Algorithm 1 after it.
    """
    if task == "regression":
        X, y = regression(m=60)
        sk_cls, our_cls = sk_nn.MLPRegressor, MLPRegressor
    else:
        X, y = blobs(3 if task == "multiclass" else 2, m=60)
        sk_cls, our_cls = sk_nn.MLPClassifier, MLPClassifier
    settings = dict(hidden_layer_sizes=(5,), activation="tanh", solver=solver, alpha=0.01,
                    learning_rate_init=0.05, shuffle=False, batch_size=len(X),
                    warm_start=True, n_iter_no_change=1000, epsilon=1e-300, random_state=0)
    sk = sk_cls(max_iter=1, **settings).fit(X, y)
    ours = copy_weights(our_cls(max_iter=1, **settings).fit(X, y), sk)
    sk.set_params(max_iter=15).fit(X, y)
    ours.set_params(max_iter=15).fit(X, y)
    for a, b in zip(ours.coefs_ + ours.intercepts_, sk.coefs_ + sk.intercepts_, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours.loss_curve_[1:], sk.loss_curve_[1:], rtol=1e-12)
    assert ours.n_iter_ == sk.n_iter_ == 15 and len(ours.loss_curve_) == 16
    assert ours.t_ == sk.t_ == 16 * len(X)


# ---------------------------------------------------------------------- the notes' one neuron
def test_logistic_regression_first_step_is_the_notes_update_by_hand():
    """From W = 0, b = 0: A = σ(0) = 0.5, dW = (1/m)(A − Y)Xᵀ, db = (1/m)Σ(A − Y)."""
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [3.0, -2.0], [0.0, 1.0]])  # 4 examples as rows
    y = np.array([1, 0, 1, 0])
    with pytest.warns(ConvergenceWarning, match="max_iter = 1 epochs ran"):
        clf = LogisticRegression(solver="sgd", learning_rate_init=0.5, max_iter=1).fit(X, y)
    dZ = 0.5 - y  # A − Y
    dW = dZ @ X / 4  # (1/m) dZ Xᵀ in the notes' columns is dZ @ X with rows
    np.testing.assert_allclose(clf.W_[1], -0.5 * dW.reshape(1, 2), rtol=1e-15)
    np.testing.assert_allclose(clf.b_[1], [[-0.5 * dZ.mean()]], rtol=1e-15)
    assert clf.loss_curve_ == [pytest.approx(np.log(2), rel=1e-15)]  # J(0) = −log ½
    assert clf.W_[1].shape == (1, 2) and clf.coefs_[0].shape == (2, 1)
    assert clf.network_.L == 1 and clf.n_layers_ == 2


def test_linear_regression_reaches_the_least_squares_solution():
    X, y = regression()
    est = LinearRegression(solver="sgd", learning_rate_init=0.1, max_iter=5000, tol=0).fit(X, y)
    A = np.hstack([X, np.ones((len(X), 1))])
    solution = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_allclose(est.coefs_[0][:, 0], solution[:4], atol=1e-8)
    np.testing.assert_allclose(est.intercepts_[0], solution[4:], atol=1e-8)
    assert est.score(X, y) > 0.99


@quiet  # separable classes: J keeps falling as W grows
def test_logistic_regression_with_more_classes_is_multinomial():
    X, y = blobs(3)
    clf = LogisticRegression().fit(X, y)
    assert clf.out_activation_ == "softmax" and clf.W_[1].shape == (3, 3)
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1.0)
    assert clf.score(X, y) > 0.9


def test_linear_regression_on_unscaled_data_diverges_with_a_clear_message():
    X = np.arange(40.0).reshape(20, 2) * 1e6  # issue 10: inputs ×1e6
    y = X.sum(axis=1)
    # the notes' batch gradient descent with a fixed rate overshoots: a DivergenceError
    est = LinearRegression(solver="sgd")
    with pytest.raises(DivergenceError, match="diverged: in epoch 2 the cost J grew") as info:
        est.fit(X, y)
    assert info.value.epoch == 2 and info.value.reason == "grew"
    # the default solver, L-BFGS on this convex cost, reaches the least-squares solution
    est = LinearRegression().fit(X, y)
    np.testing.assert_allclose(est.coef_, [1.0, 1.0], rtol=1e-9)
    np.testing.assert_allclose(est.predict(X), y, rtol=1e-9)


# ---------------------------------------------------------------------- fitted attributes
@quiet
def test_fitted_attributes_in_both_layouts():
    X, y = blobs(3)
    y = np.array(["cat", "dog", "emu"])[y]
    clf = MLPClassifier((6, 5), max_iter=20, random_state=0).fit(X, y)
    net = clf.network_
    assert isinstance(net, gn.Network) and net.sizes == [3, 6, 5, 3]
    assert list(clf.classes_) == ["cat", "dog", "emu"] and set(clf.predict(X)) <= {
        "cat", "dog", "emu"}
    assert clf.n_features_in_ == 3 and clf.n_outputs_ == 3 and clf.n_layers_ == 4
    assert clf.n_iter_ == len(clf.loss_curve_) == 20 and clf.t_ == 20 * len(X)
    assert clf.loss_ == clf.loss_curve_[-1] and clf.best_loss_ == min(clf.loss_curve_)
    assert clf.validation_scores_ is None
    for l in range(1, net.L + 1):
        assert np.shares_memory(clf.W_[l], net.parameters)
        np.testing.assert_array_equal(clf.coefs_[l - 1], clf.W_[l].T)
        np.testing.assert_array_equal(clf.intercepts_[l - 1], clf.b_[l][:, 0])
    # J of the final parameters, computed by the network in the notes' layout
    Y = np.eye(3)[np.searchsorted(clf.classes_, y)].T
    assert net.cost(X.T, Y) < clf.loss_curve_[0]


@quiet
def test_setting_coefs_checks_the_shape_in_both_terms():
    X, y = blobs(2)
    clf = MLPClassifier((4,), max_iter=2, random_state=0).fit(X, y)
    with pytest.raises(ShapeError, match=r"coefs_\[0\] is W\[1\] transposed .* \(3, 4\)"):
        clf.coefs_ = [np.zeros((4, 3)), np.zeros((4, 1))]
    with pytest.raises(ShapeError, match="one array per layer"):
        clf.intercepts_ = [np.zeros(4)]
    with pytest.raises(ShapeError, match=r"b\[2\] must have shape \(1, 1\)"):
        clf.intercepts_ = [np.zeros(4), np.zeros(3)]


@quiet
def test_predict_does_not_touch_the_network_or_the_estimator():
    X, y = blobs(2)
    clf = MLPClassifier((4,), max_iter=3, random_state=0).fit(X, y)
    before = (clf.network_._last, clf.network_.parameters.copy(), dict(vars(clf)))
    clf.predict(X), clf.predict_proba(X), clf.predict_log_proba(X), clf.score(X, y)
    assert clf.network_._last is before[0]
    np.testing.assert_array_equal(clf.network_.parameters, before[1])
    assert vars(clf).keys() == before[2].keys()


def test_probabilities_and_log_probabilities_for_huge_z_without_warnings():
    X = np.array([[-1.0], [1.0]])
    with pytest.warns(ConvergenceWarning):
        clf = MLPClassifier((), max_iter=1, random_state=0).fit(X, [0, 1])
    clf.coefs_, clf.intercepts_ = [np.array([[2000.0]])], [np.array([0.0])]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        proba, log_proba = clf.predict_proba(X), clf.predict_log_proba(X)
    np.testing.assert_array_equal(proba, [[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(log_proba, [[0.0, -2000.0], [-2000.0, 0.0]])
    assert np.all(np.isfinite(log_proba))  # log σ(z) from z itself, never log(0)


# ---------------------------------------------------------------------- beyond scikit-learn
@quiet
@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "logistic", "linear",
                                        "identity", "leaky_relu", "elu", "selu", "swish"])
def test_every_core_activation_can_be_the_hidden_one(activation):
    X, y = blobs(2)
    clf = MLPClassifier((5,), activation=activation, max_iter=5, random_state=0).fit(X, y)
    assert clf.network_.layers[0].activation == gn.activations.get(activation)


@quiet
def test_a_different_activation_per_hidden_layer():
    X, y = regression()
    est = MLPRegressor(hidden_layer_sizes=(5, 4, 3), activation=["tanh", "relu", "elu"],
                       max_iter=5, random_state=0).fit(X, y)
    assert [layer.activation.name for layer in est.network_.layers] == [
        "tanh", "relu", "elu", "linear"]
    with pytest.raises(ConfigError, match="activations lists 2 names but the network has 3"):
        clone(est).set_params(activation=("tanh", "relu")).fit(X, y)


def test_l2_and_l1_match_ridge_and_lasso():
    """J = (1/2m)‖ŷ − y‖² + (λ₂/2m)‖w‖² is ridge with α = λ₂; with (λ₁/m)Σ|w| instead it
    is the lasso with α = λ₁/m. Gradient descent reaches ridge's solution; the L1
    subgradient step keeps a weight the lasso sets to 0 oscillating within 2·α·λ₁/m of it
    (a step is α times the data gradient, below λ₁/m there, plus or minus λ₁/m)."""
    from sklearn.linear_model import Lasso, Ridge

    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 7))
    y = X[:, 0] + rng.standard_normal(80)  # six features that do not matter
    settings = dict(solver="sgd", learning_rate_init=0.1, max_iter=2000, tol=0)
    ridge = LinearRegression(alpha=80.0, **settings).fit(X, y)
    np.testing.assert_allclose(ridge.coefs_[0][:, 0], Ridge(alpha=80.0).fit(X, y).coef_,
                               atol=1e-8)
    lasso = LinearRegression(l1=16.0, **settings).fit(X, y)
    reference = Lasso(alpha=16.0 / 80).fit(X, y).coef_
    assert np.sum(reference == 0) >= 4  # the lasso drops most useless features
    np.testing.assert_allclose(lasso.coefs_[0][:, 0], reference, atol=2 * 0.1 * 16.0 / 80)


@quiet
def test_the_recorded_cost_includes_both_penalties():
    X, y = regression()
    # the recorded cost of a batch epoch is J (with both penalties) at its start
    est = MLPRegressor(hidden_layer_sizes=(8,), alpha=0.3, l1=0.2, batch_size=None,
                       max_iter=3, warm_start=True, random_state=0).fit(X, y)
    assert est.network_.l1 == 0.2 and est.network_.l2 == 0.3
    J = est.network_.cost(X.T, y.reshape(1, -1))
    assert est.set_params(max_iter=1).fit(X, y).loss_curve_[-1] == pytest.approx(J, rel=1e-12)
    assert J > est.network_.loss.cost(est.network_.forward(X.T), y.reshape(1, -1))
    # a warm start with a new alpha trains with it: the network is given it each fit
    est.set_params(alpha=0.5, l1=0.0)
    before = est.network_.copy()
    before.l1, before.l2 = 0.0, 0.5
    expected = before.cost(X.T, y.reshape(1, -1))
    assert est.fit(X, y).loss_curve_[-1] == pytest.approx(expected, rel=1e-12)
    assert (est.network_.l1, est.network_.l2) == (0.0, 0.5)


@quiet
def test_zero_initialization_shows_the_symmetry_problem():
    X, y = blobs(2)
    clf = MLPClassifier((4,), activation="tanh", initializer="zeros", solver="sgd",
                        learning_rate_init=0.5, max_iter=20, random_state=0).fit(X, y)
    W1 = clf.W_[1]
    np.testing.assert_array_equal(W1, np.broadcast_to(W1[0], W1.shape))  # every unit alike
    he = MLPClassifier((4,), initializer="he_normal", max_iter=1, random_state=0).fit(X, y)
    assert he.network_.layers[0].initializer.name == "he_normal"
    assert len(np.unique(he.W_[1][:, 0])) == 4


@quiet
def test_the_notes_momentum_equals_classic_momentum_with_a_scaled_rate():
    """V = βV + (1 − β)dW with rate α is v = βv − α(1 − β)dW: the same path."""
    X, y = blobs(2)
    settings = dict(hidden_layer_sizes=(5,), momentum=0.8, batch_size=20, max_iter=10,
                    n_iter_no_change=100, random_state=0)
    notes = MLPClassifier(solver="momentum", learning_rate_init=0.5, **settings).fit(X, y)
    classic = MLPClassifier(solver="sgd", nesterovs_momentum=False,
                            learning_rate_init=0.5 * (1 - 0.8), **settings).fit(X, y)
    for a, b in zip(notes.coefs_, classic.coefs_, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)


@quiet
@pytest.mark.parametrize("solver", ["rmsprop", {"name": "rmsprop", "rho": 0.5},
                                    {"name": "sgd"}, gn.optimizers.get("adam")])
def test_any_glassnet_optimizer_can_be_the_solver(solver):
    X, y = blobs(2)
    clf = MLPClassifier((5,), solver=solver, max_iter=5, random_state=0)
    before = repr(clf.get_params())
    clf.fit(X, y)
    assert repr(clf.get_params()) == before  # the parameter itself is never changed
    assert clf._optimizer.t == 5 and clf._optimizer is not solver


@quiet
def test_float32_networks():
    X, y = blobs(3)
    clf = MLPClassifier((6,), dtype="float32", max_iter=10, random_state=0).fit(X, y)
    assert clf.network_.dtype == np.float32 and clf.coefs_[0].dtype == np.float32
    assert clf.predict_proba(X).dtype == np.float32
    np.testing.assert_allclose(clf.predict_proba(X).sum(axis=1), 1, rtol=1e-6)


@quiet
def test_learning_rate_takes_glassnet_schedules():
    X, y = blobs(2)
    settings = dict(hidden_layer_sizes=(4,), solver="sgd", momentum=0, shuffle=False,
                    learning_rate_init=0.5, random_state=0)
    a = MLPClassifier(learning_rate={"name": "step", "drop": 0.0, "every": 1}, max_iter=3,
                      **settings).fit(X, y)
    b = MLPClassifier(max_iter=1, **settings).fit(X, y)
    # a zero rate after the first epoch: three epochs of ``a`` equal one of ``b``
    np.testing.assert_array_equal(a.network_.parameters, b.network_.parameters)


# ---------------------------------------------------------------------- continuing training
@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_partial_fit_is_scikit_learns_run(cls):
    """scikit-learn draws its generator from random_state anew at each call, so each
    partial_fit shuffles as the first epoch of a fit does: the same run as its own."""
    import sklearn.neural_network

    X, y = blobs(3) if cls is MLPClassifier else regression()
    settings = dict(hidden_layer_sizes=(5,), batch_size=16, random_state=3)
    theirs = getattr(sklearn.neural_network, cls.__name__)(**settings)
    parts = cls(**settings)
    extra = {"classes": np.unique(y)} if cls is MLPClassifier else {}
    for epoch in range(1, 5):
        parts.partial_fit(X, y, **extra)
        theirs.partial_fit(X, y, **extra)
        assert parts.n_iter_ == 1 and len(parts.loss_curve_) == epoch  # as scikit-learn
    np.testing.assert_allclose(parts.loss_curve_, theirs.loss_curve_, rtol=0, atol=1e-12)
    for ours, sk in zip(parts.coefs_ + parts.intercepts_, theirs.coefs_ + theirs.intercepts_,
                        strict=True):
        np.testing.assert_allclose(ours, sk, rtol=0, atol=1e-12)


def test_partial_fit_labels_are_checked():
    X, y = blobs(3)
    clf = MLPClassifier((4,), random_state=0)
    with pytest.raises(DataError, match="classes"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])  # a batch may miss a class
    assert list(clf.classes_) == [0, 1, 2] and clf.predict_proba(X).shape == (len(X), 3)
    with pytest.raises(DataError, match=r"label\(s\) \[7\] that are not in classes_"):
        clf.partial_fit(X[:3], [0, 1, 7])
    with pytest.raises(DataError, match="differs from classes_"):
        clf.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(DataError, match="X has 2 features, but MLPClassifier is expecting 3"):
        clf.partial_fit(X[:, :2], y)


@quiet
def test_warm_start_continues_and_checks_the_architecture():
    X, y = regression()
    est = MLPRegressor(hidden_layer_sizes=(5,), max_iter=10, warm_start=True, random_state=0).fit(X, y)
    first = list(est.loss_curve_)
    est.fit(X, y)
    assert est.n_iter_ == 10 and len(est.loss_curve_) == 20 and est.loss_curve_[:10] == first
    assert est.t_ == 20 * len(X)
    assert est.loss_curve_[10] < first[-1] * 1.01  # continued, not restarted
    with pytest.raises(ConfigError, match=r"sizes \[4, 5, 1\].*\[4, 6, 1\]"):
        est.set_params(hidden_layer_sizes=(6,)).fit(X, y)
    est.set_params(warm_start=False).fit(X, y)
    assert est.n_iter_ == 10 and est.network_.sizes == [4, 6, 1]


@quiet
def test_verbose_prints_one_line_per_epoch(capsys):
    X, y = regression()
    MLPRegressor(hidden_layer_sizes=(3,), max_iter=3, verbose=True, random_state=0).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines] == [f"Iteration {i}" for i in (1, 2, 3)]
    assert "loss = " in lines[0]


# ---------------------------------------------------------------------- errors
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_predict_before_fit_is_both_libraries_not_fitted_error(cls):
    with pytest.raises(NotFittedError, match="not fitted yet: call fit") as info:
        cls().predict(np.zeros((2, 3)))
    assert isinstance(info.value, SkNotFittedError)
    assert not hasattr(cls(), "coefs_") and not hasattr(cls(), "W_")


@pytest.mark.parametrize("params, match", [
    ({"hidden_layer_sizes": (4, 0)}, r"hidden_layer_sizes\[1\] \(n\[2\]\) must be a whole"),
    ({"hidden_layer_sizes": "4"}, "hidden_layer_sizes must list the units"),
    ({"activation": "rleu"}, "unknown activation 'rleu'"),
    ({"solver": "newton"}, "unknown solver 'newton'"),
    ({"learning_rate_init": -1}, r"learning_rate_init \(the learning rate α\)"),
    ({"alpha": -0.1}, r"alpha \(the L2 rate λ₂\)"),
    ({"l1": float("nan")}, r"l1 \(the L1 rate λ₁\)"),
    ({"batch_size": 0}, r"batch_size \(the minibatch size B\)"),
    ({"max_iter": 0}, r"max_iter \(the number of epochs\)"),
    ({"validation_fraction": 0.0}, r"validation_fraction must be in \(0, 1\)"),
    ({"momentum": 1.0}, r"momentum must be in \[0, 1\)"),
    ({"beta_2": -0.5}, r"beta_2 must be a finite number ≥ 0"),
    ({"initializer": "gauss"}, "unknown initializer 'gauss'"),
    ({"dtype": "int8"}, "dtype must be float32 or float64"),
    ({"random_state": "seed"}, "random_state must be None, an int or a RandomState"),
])
def test_bad_settings_are_config_errors_at_fit(params, match):
    X, y = blobs(2)
    clf = MLPClassifier(**params)  # __init__ only stores, as scikit-learn requires
    with pytest.raises(ConfigError, match=match):
        clf.fit(X, y)


def test_regressor_loss_names():
    X, y = regression()
    with pytest.raises(ConfigError, match="loss='huber' is not offered.*'poisson'"):
        MLPRegressor("huber").fit(X, y)
    assert MLPRegressor("poisson", max_iter=5).fit(X, y - y.min()).out_activation_ == "exp"


@pytest.mark.parametrize("X, y, error, match", [
    ([[0.0, np.nan], [1.0, 2.0]], [0, 1], DataError, "Input X contains NaN"),
    ([[0.0, 1.0], [1.0, 2.0]], [0.5, 1.5], DataError, "Unknown label type.*class labels"),
    ([[0.0, 1.0], [1.0, 2.0]], [1, 1], DataError, "only one class"),
    ([[0.0, 1.0], [1.0, 2.0]], [0], DataError, "inconsistent numbers of samples"),
    ([["a", "b"], ["c", "d"]], [0, 1], DataError, "could not convert string to float"),
])
def test_bad_data_is_a_glassnet_error_with_scikit_learns_message(X, y, error, match):
    with pytest.raises(error, match=match) as info:
        LogisticRegression().fit(X, y)
    assert isinstance(info.value, GlassnetError) and isinstance(info.value, ValueError)
    assert info.value.__cause__ is None  # no traceback from deep inside scikit-learn
    assert info.value.__context__ is None or info.value.__suppress_context__


# ---------------------------------------------------------------------- scikit-learn's checks, cheaper
def _plain(m=6, n=3, dtype=np.float64, order="C"):
    return np.asarray(np.random.default_rng(0).normal(size=(m, n)), dtype=dtype, order=order)


LABELS = np.array([0, 1, 2, 1, 0, 2])
#: (X, y, whether fit's validation may skip scikit-learn's array checks for them)
FIT_INPUTS = {
    "float64, labels": (_plain(), LABELS, True),
    "float32, targets": (_plain(dtype=np.float32), LABELS / 2.0, True),
    "column-major X, 2-D y": (_plain(order="F"), LABELS.reshape(-1, 1), True),
    "uint8 labels": (_plain(), LABELS.astype(np.uint8), True),
    "X holds NaN": (np.where(LABELS[:, None] == 1, np.nan, _plain()), LABELS, False),
    "X holds inf": (np.where(LABELS[:, None] == 1, np.inf, _plain()), LABELS, False),
    "a finite X whose sum overflows": (np.full((6, 3), 1e308), LABELS, False),
    "integer X": (np.arange(18).reshape(6, 3), LABELS, False),
    "float16 X": (_plain(dtype=np.float16), LABELS, False),
    "1-D X": (np.arange(6.0), LABELS, False),
    "no rows": (np.zeros((0, 3)), LABELS[:0], False),
    "no columns": (np.zeros((6, 0)), LABELS, False),
    "y too short": (_plain(), LABELS[:5], False),
    "y of no columns": (_plain(), np.zeros((6, 0)), False),
    "3-D y": (_plain(), np.zeros((6, 1, 1)), False),
    "y holds NaN": (_plain(), np.where(LABELS == 1, np.nan, 0.0), False),
    "boolean y": (_plain(), LABELS == 1, False),
    "object y": (_plain(), LABELS.astype(object), False),
    "lists": (_plain().tolist(), LABELS.tolist(), False),
    "a matrix X": (np.asmatrix(_plain()), LABELS, False),
}


def _outcome(validate, est, X, y, reset):
    """What a validation gives: the arrays (or the error's type and text), the warnings'
    texts, and the estimator's n_features_in_ and feature_names_in_ after it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = validate(est, X, y, reset)
        except (ValueError, TypeError) as exc:
            result = str(exc)
    return (result, [str(w.message) for w in caught], getattr(est, "n_features_in_", None),
            list(getattr(est, "feature_names_in_", [])))


def _scikit_learns(est, X, y, reset):
    """scikit-learn's validate_data as fit called it, every check run."""
    from sklearn.utils.validation import validate_data

    return validate_data(est, X, y, reset=reset, multi_output=True,
                         accept_sparse=["csr", "csc"], dtype=(np.float64, np.float32),
                         **est._y_checks)


def _ours(est, X, y, reset):
    from glassnet.estimators import base

    return base._validated(est, X, y, reset)


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
@pytest.mark.parametrize("before", ["unfitted", "3 features", "4 features", "feature names"])
@pytest.mark.parametrize("case", list(FIT_INPUTS))
def test_fits_validation_is_scikit_learns_with_or_without_its_array_checks(cls, before, case):
    """The arrays, the error text, the warnings and n_features_in_ / feature_names_in_
    after fit's validation equal those of scikit-learn's validate_data with every check,
    for a first fit (reset) and a later one (warm start, partial_fit)."""
    from glassnet.estimators import base

    X, y, as_given = FIT_INPUTS[case]
    assert base._as_given(X, y) is as_given
    for reset in (True, False):
        ours, theirs = cls(), cls()
        for est in (ours, theirs):
            if before != "unfitted":
                est.n_features_in_ = 4 if before == "4 features" else 3
            if before == "feature names":
                est.feature_names_in_ = np.array(["a", "b", "c"], dtype=object)
        got, wanted = _outcome(_ours, ours, X, y, reset), _outcome(_scikit_learns, theirs,
                                                                   X, y, reset)
        if isinstance(wanted[0], str):
            assert got == wanted
            continue
        assert got[1:] == wanted[1:]
        for a, b in zip(got[0], wanted[0], strict=True):
            assert type(a) is type(b) and a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("y", [[0, 1, 0], [3, 3, 3], [0, 1, 2], list(range(10)), [5, -1],
                               np.array([1, 2, 250], dtype=np.uint8), [0.0, 1.0], [0.5, 1.0],
                               ["a", "b", "c"], [[0, 1], [1, 0]], []])
def test_the_kind_of_the_targets_is_scikit_learns(y):
    from sklearn.utils.multiclass import type_of_target

    from glassnet.estimators import base

    y = np.asarray(y)
    assert base._target_kind(y) == type_of_target(y)


def test_each_fit_shuffles_from_random_state_anew_without_touching_a_given_generator():
    """An int seeds the estimator's own generator again at each fit, to the state of a new
    RandomState(seed); a RandomState given is used as it goes on, never reseeded."""
    X, y = blobs(3)
    settings = dict(hidden_layer_sizes=(4,), max_iter=3, batch_size=16)
    est = MLPClassifier(random_state=7, **settings)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        first = est.fit(X, y).loss_curve_
        own = est._random_state
        assert est.fit(X, y).loss_curve_ == first and est._random_state is own
        again = MLPClassifier(random_state=7, **settings).fit(X, y)
        assert again.loss_curve_ == first
        given = np.random.RandomState(7)
        est.set_params(random_state=given).fit(X, y)
        assert est._random_state is given and est.loss_curve_ == first  # fresh: the same run
        state = given.get_state()[1].copy()
        est.set_params(random_state=8).fit(X, y)
        assert est._random_state is own and est.loss_curve_ != first
        np.testing.assert_array_equal(given.get_state()[1], state)  # left where it was
        est.set_params(random_state=7).fit(X, y)
        assert est.loss_curve_ == first


# ---------------------------------------------------------------------- files and pickles
def fitted(cls):
    if cls in (MLPClassifier, LogisticRegression):
        X, y = blobs(3)
        y = np.array(["red", "green", "blue"], dtype=object)[y]
    else:
        X, y = regression(n_targets=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        extra = {"solver": "sgd"} if cls in (LogisticRegression, LinearRegression) else {
            "hidden_layer_sizes": (5, 3), "activation": ("tanh", "relu")}
        est = cls(max_iter=7, early_stopping=True, n_iter_no_change=50, random_state=0,
                  **extra).fit(X, y)
    return est, X, y


def assert_same_fit(a, b, X):
    assert type(a) is type(b) and repr(a.get_params()) == repr(b.get_params())
    assert a.network_.config() == b.network_.config()
    assert a.network_.parameters.tobytes() == b.network_.parameters.tobytes()
    for key in ("n_iter_", "t_", "loss_", "loss_curve_",
                "validation_scores_", "best_loss_", "best_validation_score_",
                "n_features_in_", "n_outputs_", "n_layers_", "out_activation_"):
        assert getattr(a, key) == getattr(b, key), key
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    if hasattr(a, "classes_"):
        np.testing.assert_array_equal(a.classes_, b.classes_)
        assert a.predict_proba(X).tobytes() == b.predict_proba(X).tobytes()
    else:
        assert a.predict(X).tobytes() == b.predict(X).tobytes()


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_saved_state_round_trip(cls):
    est, X, y = fitted(cls)
    meta, arrays = est.glassnet_state()
    assert meta["class"] == cls.__name__
    meta = json.loads(json.dumps(meta))  # what the file holds is plain JSON
    assert all(isinstance(a, np.ndarray) and a.dtype != object for a in arrays.values())
    assert_same_fit(est, cls.from_glassnet_state(meta, arrays), X)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_save_and_load_through_glassnet_files(cls, tmp_path):
    import glassnet.io  # noqa: F401  (the file format of contract 2)

    est, X, y = fitted(cls)
    gn.save(est, tmp_path / "model.npz")
    loaded = gn.load(tmp_path / "model.npz")
    assert_same_fit(est, loaded, X)
    # training goes on exactly as it would have: same optimizer state, same shuffling
    extra = {"classes": est.classes_} if hasattr(est, "classes_") else {}
    est.set_params(early_stopping=False)  # partial_fit has no held-out set (scikit-learn's rule)
    loaded.set_params(early_stopping=False)
    est.partial_fit(X, y, **extra)
    loaded.partial_fit(X, y, **extra)
    assert_same_fit(est, loaded, X)


def test_unfitted_estimators_and_glassnet_objects_as_parameters_round_trip(tmp_path):
    est = MLPClassifier((3, 2), activation=["elu", gn.activations.get("leaky_relu")],
                        solver={"name": "rmsprop", "rho": 0.5}, initializer="he_uniform")
    gn.save(est, tmp_path / "unfitted.npz")
    loaded = gn.load(tmp_path / "unfitted.npz")
    assert not hasattr(loaded, "network_")
    assert loaded.get_params()["activation"] == ("elu", {"name": "leaky_relu", "slope": 0.01})
    assert loaded.get_params()["hidden_layer_sizes"] == (3, 2)
    assert loaded.get_params()["solver"] == {"name": "rmsprop", "rho": 0.5}


def test_what_cannot_be_saved_is_refused_clearly():
    est = LinearRegression(random_state=np.random.RandomState(0))
    with pytest.raises(GlassnetTypeError, match=r"random_state=.* cannot be written"):
        est.glassnet_state()


def test_a_damaged_saved_state_is_a_file_format_error():
    est, X, y = fitted(LogisticRegression)
    meta, arrays = est.glassnet_state()
    del meta["optimizer"]
    with pytest.raises(FileFormatError, match="incomplete or damaged.*optimizer"):
        LogisticRegression.from_glassnet_state(meta, arrays)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_pickle_round_trip(cls):
    est, X, y = fitted(cls)
    assert_same_fit(est, pickle.loads(pickle.dumps(est)), X)


# ---------------------------------------------------------------------- grid searches
GRID = {"learning_rate_init": [0.003, 0.03], "hidden_layer_sizes": [(2,), (8,)]}


def grid_search(n_jobs):
    X, y = blobs(2, m=120, seed=4)
    search = GridSearchCV(MLPClassifier(max_iter=30, random_state=0), GRID, cv=3,
                          n_jobs=n_jobs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    return search


@pytest.fixture(scope="module")
def serial_search():
    return grid_search(n_jobs=1)


def test_grid_search_learning_rate_by_hidden_units(serial_search):
    scores = serial_search.cv_results_["mean_test_score"]
    assert len(scores) == 4 and serial_search.best_params_["learning_rate_init"] == 0.03
    assert serial_search.best_score_ == max(scores)
    assert serial_search.best_estimator_.network_.sizes[1] == (
        serial_search.best_params_["hidden_layer_sizes"][0])


def test_grid_search_in_parallel_processes_gives_the_same_result(serial_search):
    parallel = grid_search(n_jobs=2)
    np.testing.assert_array_equal(parallel.cv_results_["mean_test_score"],
                                  serial_search.cv_results_["mean_test_score"])


def test_grid_search_on_a_dask_cluster_gives_the_same_result(serial_search):
    try:
        import joblib
        from dask.distributed import Client, LocalCluster, get_task_stream
    except ImportError:
        pytest.skip("dask.distributed is not installed (pip install 'dask[distributed]')")
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        with joblib.parallel_backend("dask"), get_task_stream(client) as tasks:
            on_dask = grid_search(n_jobs=-1)
    assert len(tasks.data) > 0  # the fits ran as tasks on the cluster
    np.testing.assert_array_equal(on_dask.cv_results_["mean_test_score"],
                                  serial_search.cv_results_["mean_test_score"])


def test_the_runs_forward_pass_matches_the_networks_forward():
    net = gn.Network([3, 4, 2], activations="tanh", seed=0)
    X = np.random.default_rng(0).standard_normal((3, 5))
    Z, A = run.forward(net, X)
    np.testing.assert_array_equal(A[-1], net.forward(X))
    np.testing.assert_array_equal(Z[-1], net.Z[2])
