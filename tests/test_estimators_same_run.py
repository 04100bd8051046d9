"""The same run as scikit-learn: glassnet's MLPs against scikit-learn's own, case by case.

From the same initial weights (scikit-learn's draws, reproduced, or coefs_/intercepts_ set
with warm_start) and the same settings, n_iter_ is equal and loss_curve_ equal to 1e-10 in
float64, for every solver, schedule, stopping rule, sample weights and sparse input.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse
import sklearn.neural_network as sk
from sklearn.datasets import load_digits, make_regression
from sklearn.preprocessing import StandardScaler

import glassnet as gn
from glassnet import estimators
from glassnet.errors import FileFormatError

X_DIGITS, Y_DIGITS = load_digits(return_X_y=True)
X_DIGITS = StandardScaler().fit_transform(X_DIGITS)
X, Y = X_DIGITS[:300], Y_DIGITS[:300]
WEIGHTS = np.random.default_rng(0).uniform(0.1, 2.0, 300)
X_REG, Y_REG = make_regression(150, 5, n_targets=2, noise=1.0, random_state=0)
Y_REG = Y_REG / 100


def both(name, X, y, sample_weight=None, **settings):
    """scikit-learn's and glassnet's estimator ``name`` fitted alike."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the ConvergenceWarnings of both, alike
        theirs = getattr(sk, name)(**settings).fit(X, y, sample_weight=sample_weight)
        ours = getattr(estimators, name)(**settings).fit(X, y, sample_weight=sample_weight)
    return theirs, ours


def assert_same_run(theirs, ours, atol=1e-10):
    assert ours.n_iter_ == theirs.n_iter_
    if hasattr(theirs, "loss_curve_"):
        assert len(ours.loss_curve_) == len(theirs.loss_curve_)
        np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=0, atol=atol)
        assert ours.best_loss_ == theirs.best_loss_ or abs(ours.best_loss_ - theirs.best_loss_) < atol
    else:
        assert not hasattr(ours, "loss_curve_")  # L-BFGS keeps none, as scikit-learn
    assert ours.loss_ == pytest.approx(theirs.loss_, abs=atol)
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_,
                    strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-8)
    assert ours.out_activation_ == theirs.out_activation_


def test_the_issues_scaled_digits_run_stops_at_scikit_learns_epoch():
    theirs, ours = both("MLPClassifier", X_DIGITS, Y_DIGITS, hidden_layer_sizes=(10,),
                        max_iter=1000, random_state=0)
    assert theirs.n_iter_ == 384  # the issue's figure (glassnet ran 730 before)
    assert_same_run(theirs, ours)


@pytest.mark.parametrize("settings", [
    {"solver": "sgd"},                                   # Nesterov momentum 0.9
    {"solver": "sgd", "nesterovs_momentum": False},      # classic momentum
    {"solver": "sgd", "momentum": 0.0},                  # plain SGD
    {"solver": "adam"},
    {"solver": "adam", "early_stopping": True, "validation_fraction": 0.2},
    {"solver": "sgd", "early_stopping": True, "n_iter_no_change": 3, "tol": 1e-3},
    {"solver": "sgd", "learning_rate": "invscaling", "learning_rate_init": 0.5,
     "power_t": 0.3},
    {"solver": "sgd", "learning_rate": "adaptive", "n_iter_no_change": 2, "tol": 1e-2,
     "shuffle": False},
    {"solver": "adam", "tol": 1e-2, "n_iter_no_change": 3, "shuffle": False},
    {"solver": "adam", "batch_size": 64, "alpha": 0.1, "activation": "tanh"},
    {"solver": "adam", "activation": "logistic"},
    {"solver": "lbfgs", "max_iter": 30},
    {"solver": "lbfgs", "max_fun": 12},
])
def test_classifier_same_run(settings):
    settings = {"hidden_layer_sizes": (8,), "max_iter": 60, "random_state": 1, **settings}
    assert_same_run(*both("MLPClassifier", X, Y, **settings))


@pytest.mark.parametrize("settings", [
    {"solver": "adam"}, {"solver": "sgd", "learning_rate_init": 0.01},
    {"solver": "adam", "early_stopping": True}, {"solver": "lbfgs", "max_iter": 25},
])
def test_regressor_same_run_with_two_targets(settings):
    settings = {"hidden_layer_sizes": (6,), "max_iter": 80, "random_state": 2, **settings}
    assert_same_run(*both("MLPRegressor", X_REG, Y_REG, **settings))


# counts with a log-linear mean, for MLPRegressor(loss="poisson"); one and two targets
_RATE = np.exp(0.3 * X_REG[:, :2] @ np.array([[1.0, -0.5], [0.5, 1.0]]))
Y_COUNTS = np.random.default_rng(6).poisson(_RATE).astype(float)


@pytest.mark.parametrize("settings", [
    {"solver": "adam"}, {"solver": "sgd", "learning_rate_init": 0.01},
    {"solver": "adam", "early_stopping": True}, {"solver": "lbfgs", "max_iter": 25},
    {"solver": "adam", "alpha": 0.1, "activation": "tanh", "batch_size": 32},
])
@pytest.mark.parametrize("targets", [1, 2])
def test_poisson_regressor_same_run(settings, targets):
    settings = {"loss": "poisson", "hidden_layer_sizes": (6,), "max_iter": 60,
                "random_state": 7, **settings}
    y = Y_COUNTS[:, 0] if targets == 1 else Y_COUNTS
    theirs, ours = both("MLPRegressor", X_REG, y, **settings)
    assert theirs.out_activation_ == ours.out_activation_ == "exp"
    assert_same_run(theirs, ours)
    np.testing.assert_allclose(ours.predict(X_REG), theirs.predict(X_REG), rtol=1e-8)


def test_poisson_targets_must_not_be_negative():
    with pytest.raises(gn.errors.DataError, match="the Poisson loss needs targets y ≥ 0"):
        estimators.MLPRegressor(loss="poisson", max_iter=2).fit(X_REG, Y_REG[:, 0])


@pytest.mark.parametrize("settings", [{"solver": "adam"}, {"solver": "sgd"},
                                      {"solver": "adam", "early_stopping": True},
                                      {"solver": "lbfgs", "max_iter": 20}])
def test_sample_weights_as_scikit_learn_weighs_them(settings):
    settings = {"hidden_layer_sizes": (8,), "max_iter": 40, "random_state": 3, **settings}
    assert_same_run(*both("MLPClassifier", X, Y, sample_weight=WEIGHTS, **settings))
    # weight 2 is the example twice (without shuffling, the loss and gradient are the same)
    plain = dict(settings, shuffle=False, solver="sgd", batch_size=600, max_iter=3,
                 early_stopping=False)
    _, twice = both("MLPClassifier", np.vstack([X, X[:10]]), np.r_[Y, Y[:10]], **plain)
    _, weighted = both("MLPClassifier", X, Y, sample_weight=np.r_[np.full(10, 2.0),
                                                                  np.ones(290)], **plain)
    np.testing.assert_allclose(weighted.loss_curve_, twice.loss_curve_, rtol=1e-12)


def test_warm_start_from_given_weights_and_partial_fit():
    settings = dict(hidden_layer_sizes=(8,), solver="sgd", max_iter=30, random_state=4,
                    warm_start=True, shuffle=False)
    theirs, ours = both("MLPClassifier", X, Y, **dict(settings, max_iter=1))
    start = np.random.default_rng(5).uniform(-0.3, 0.3, ours.network_.n_parameters)
    ours.network_.parameters[...] = start
    theirs.coefs_ = [W.T.copy() for W in ours.network_.W]
    theirs.intercepts_ = [b[:, 0].copy() for b in ours.network_.b]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.set_params(max_iter=30).fit(X, Y)
        ours.set_params(max_iter=30).fit(X, Y)
    assert_same_run(theirs, ours)


def test_sparse_input_is_used_as_is_and_gives_the_dense_run():
    dense = np.where(np.abs(X) > 1.0, X, 0.0)
    settings = dict(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
    for matrix in (scipy.sparse.csr_matrix, scipy.sparse.csc_matrix):
        theirs, ours = both("MLPClassifier", matrix(dense), Y, **settings)
        assert_same_run(theirs, ours)
        np.testing.assert_array_equal(ours.predict(matrix(dense)), theirs.predict(dense))
    _, on_dense = both("MLPClassifier", dense, Y, **settings)
    np.testing.assert_allclose(on_dense.loss_curve_, ours.loss_curve_, rtol=0, atol=1e-12)


def test_float32_in_float32_out_as_scikit_learn():
    X32 = X.astype(np.float32)
    theirs, ours = both("MLPClassifier", X32, Y, hidden_layer_sizes=(8,), max_iter=20,
                        random_state=0)
    assert ours.network_.dtype == np.float32 and ours.coefs_[0].dtype == np.float32
    assert ours.predict_proba(X32).dtype == theirs.predict_proba(X32).dtype == np.float32
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-5)
    reg = estimators.MLPRegressor(hidden_layer_sizes=(4,), max_iter=5).fit(
        X_REG.astype(np.float32), Y_REG)
    assert reg.predict(X_REG.astype(np.float32)).dtype == np.float32


def test_linear_models_have_scikit_learns_shapes():
    from sklearn import linear_model

    lin = estimators.LinearRegression(tol=1e-12).fit(X_REG, Y_REG[:, 0])
    ref = linear_model.LinearRegression().fit(X_REG, Y_REG[:, 0])
    assert lin.coef_.shape == ref.coef_.shape == (5,) and isinstance(lin.intercept_, float)
    np.testing.assert_allclose(lin.coef_, ref.coef_, rtol=1e-9)
    assert lin.intercept_ == pytest.approx(ref.intercept_, abs=1e-9)
    two = estimators.LinearRegression().fit(X_REG, Y_REG)
    assert two.coef_.shape == linear_model.LinearRegression().fit(X_REG, Y_REG).coef_.shape
    assert two.intercept_.shape == (2,)
    for y in (Y % 2, Y % 3):
        ours = estimators.LogisticRegression().fit(X, y)
        theirs = linear_model.LogisticRegression().fit(X, y)
        assert ours.coef_.shape == theirs.coef_.shape
        assert ours.intercept_.shape == theirs.intercept_.shape
        assert ours.decision_function(X).shape == theirs.decision_function(X).shape
        # z = W x + b, and the predicted class is the one of the largest z (or z > 0)
        z = ours.decision_function(X)
        np.testing.assert_allclose(z, X @ ours.coef_.T.squeeze() + ours.intercept_.squeeze())
        assert ours.out_activation_ == ("logistic" if z.ndim == 1 else "softmax")


def test_a_crafted_file_with_more_classes_than_outputs_is_refused(tmp_path):
    clf = estimators.MLPClassifier(hidden_layer_sizes=(3,), max_iter=3).fit(X, Y % 2)
    meta, arrays = clf.glassnet_state()
    arrays["classes"] = np.array([0, 1, 2])  # 3 classes on one sigmoid unit
    with pytest.raises(FileFormatError, match=r"3 class\(es\) but its network has n\[L\] = 1"):
        estimators.MLPClassifier.from_glassnet_state(meta, arrays)


def test_only_the_public_estimators_load_from_a_file(tmp_path):
    from glassnet import io

    clf = estimators.MLPClassifier(hidden_layer_sizes=(3,), max_iter=3).fit(X, Y % 2)
    gn.save(clf, tmp_path / "m.npz")
    kind, meta, arrays = io.read_archive(tmp_path / "m.npz")
    for name in ("_MLP", "_NetworkEstimator", "EstimatorNotFittedError", "base", "run"):
        with pytest.raises(FileFormatError, match="not a glassnet estimator"):
            io.rebuild(kind, dict(meta, **{"class": name}), arrays)
    assert isinstance(io.rebuild(kind, meta, arrays), estimators.MLPClassifier)


def test_the_parameter_table_is_each_signature():
    import inspect

    for name, family in [("MLPClassifier", 0), ("MLPRegressor", 0),
                         ("LogisticRegression", 1), ("LinearRegression", 1)]:
        ours = inspect.signature(getattr(estimators, name).__init__).parameters
        for key, value in ours.items():
            if key != "self":
                assert value.default == estimators.parameters.DEFAULTS[key][family], key
    # every scikit-learn MLP parameter is there with scikit-learn's default and position
    for name in ("MLPClassifier", "MLPRegressor"):
        theirs = inspect.signature(getattr(sk, name).__init__).parameters
        ours = inspect.signature(getattr(estimators, name).__init__).parameters
        for key, value in theirs.items():
            assert ours[key].default == value.default and ours[key].kind == value.kind, key
