"""The estimators' ``engine=``: NumPy's steps and the compiled engine give the same fit.

Each case fits the same estimator twice from the same ``random_state``, once with
``engine="numpy"`` and once with ``engine="compiled"`` (``glassnet.compiled``), and
compares ``loss_curve_`` and the fitted W[l], b[l]: to 1e-12 relative in float64 (the
compiled loop adds the same numbers in another order), to float32 rounding in float32.
The cases cover every estimator, the solvers (scikit-learn's SGD with Nesterov's momentum,
its Adam, the notes' momentum, RMSProp), sample weights, L1 and L2, early stopping,
partial_fit and several outputs.
"""

import os
import warnings

import numpy as np
import pytest
import scipy.sparse
from sklearn.datasets import make_classification, make_regression
from sklearn.utils.estimator_checks import parametrize_with_checks

from glassnet import compiled, warmup
from glassnet.errors import ConfigError
from glassnet.estimators import (
    LinearRegression,
    LogisticRegression,
    MLPClassifier,
    MLPRegressor,
    run,
)

if not compiled.available():
    if os.environ.get("CI"):
        pytest.fail("Numba (the `fast` extra) is missing on CI", pytrace=False)
    pytest.skip("Numba (the `fast` extra) is not installed", allow_module_level=True)

M = 40  # examples; batch_size=8 gives 5 steps an epoch, 20 epochs 100 steps
COMMON = {"max_iter": 20, "batch_size": 8, "random_state": 0, "tol": 0.0,
          "n_iter_no_change": 100}
MLP = {**COMMON, "hidden_layer_sizes": (5, 3)}


def _classes(k, multilabel=False):
    X, y = make_classification(M, 4, n_informative=3, n_redundant=0, n_classes=k,
                               n_clusters_per_class=1, random_state=1)
    return X, np.stack([y == 1, y != 0], axis=1).astype(int) if multilabel else y


def _targets(k):
    X, y = make_regression(M, 4, n_targets=k, noise=1.0, random_state=2)
    return X, y / np.std(y)


def _weights():
    return np.random.default_rng(3).uniform(0.2, 2.0, M)


# (estimator, settings, data, sample weights)
CASES = {
    "classifier, sgd + Nesterov, L1 + L2": (
        MLPClassifier, {**MLP, "solver": "sgd", "activation": "tanh", "alpha": 1e-2,
                        "l1": 1e-2, "learning_rate_init": 0.05}, _classes(2), None),
    "classifier, 3 classes, adam, sample weights": (
        MLPClassifier, {**MLP, "learning_rate_init": 0.01}, _classes(3), _weights()),
    "classifier, multilabel, rmsprop, early stopping": (
        MLPClassifier, {**MLP, "solver": "rmsprop", "activation": "logistic",
                        "early_stopping": True}, _classes(3, multilabel=True), None),
    "regressor, adam, sample weights": (
        MLPRegressor, {**MLP, "activation": "elu", "alpha": 1e-3}, _targets(1), _weights()),
    "regressor, 2 targets, momentum, invscaling": (
        MLPRegressor, {**MLP, "solver": "sgd", "learning_rate": "invscaling",
                       "learning_rate_init": 0.05, "nesterovs_momentum": False},
        _targets(2), None),
    "logistic regression, batch descent": (
        LogisticRegression, {**COMMON, "solver": "sgd", "batch_size": None, "alpha": 0.1},
        _classes(3), None),
    "linear regression, sample weights, L1": (
        LinearRegression, {**COMMON, "solver": "sgd", "l1": 0.1}, _targets(1), _weights()),
}


def _fit(cls, settings, data, s, engine, dtype="float64"):
    est = cls(**settings, engine=engine, dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning: 20 epochs are few
        return est.fit(*data, sample_weight=s)


def _relative(a, b):
    return np.max(np.abs(a - b)) / np.max(np.abs(a))


def _compiled_epochs(monkeypatch):
    """A list that counts the epochs the compiled engine runs."""
    calls = []
    real = compiled.CompiledEngine.steps
    monkeypatch.setattr(compiled.CompiledEngine, "steps",
                        lambda *a: calls.append(1) or real(*a))
    return calls


@pytest.mark.parametrize("case", CASES)
def test_either_engine_fits_the_same_in_float64(case, monkeypatch):
    cls, settings, data, s = CASES[case]
    a = _fit(cls, settings, data, s, "numpy")
    calls = _compiled_epochs(monkeypatch)
    b = _fit(cls, settings, data, s, "compiled")
    assert len(calls) == a.n_iter_ == b.n_iter_ > 1
    assert _relative(a.network_.parameters, b.network_.parameters) <= 1e-12
    assert _relative(np.array(a.loss_curve_), np.array(b.loss_curve_)) <= 1e-12
    assert not np.allclose(a.loss_curve_[0], a.loss_curve_[-1])  # it trained
    if settings.get("early_stopping"):
        assert a.validation_scores_ == b.validation_scores_


def test_the_mean_of_minibatch_losses_with_sample_weights_by_hand():
    """Two minibatches (B = 2) of m = 3: losses 1, 3 | 5, weights 1, 3 | 2: the means are
    (1·1 + 3·3)/4 = 2.5 and 5, counted by their sizes 2 and 1: (2·2.5 + 5)/3 = 10/3."""
    class Squares:  # L(a, y) = a² − y (enough of a glassnet loss for this sum)
        def loss(self, A, Y):
            return A ** 2 - Y

    net = type("Net", (), {"loss": Squares()})()
    A, Y = np.sqrt(np.array([[2.0, 4.0, 5.0]])), np.array([[1.0, 1.0, 0.0]])
    s = np.array([1.0, 3.0, 2.0])
    assert run.weighted_minibatch_loss(net, A, Y, s, 2) == pytest.approx(10 / 3, rel=1e-15)
    # equal weights: the mean over all m examples (what the engines take unweighted)
    assert run.weighted_minibatch_loss(net, A, Y, np.full(3, 0.5), 2) == pytest.approx(
        3.0, rel=1e-15)


def test_float32_agrees_to_float32_rounding():
    cls, settings, data, s = CASES["classifier, 3 classes, adam, sample weights"]
    a, b = (_fit(cls, settings, data, s, engine, "float32") for engine in ("numpy",
                                                                          "compiled"))
    assert b.network_.dtype == np.float32
    assert _relative(a.network_.parameters, b.network_.parameters) <= 1e-4
    assert _relative(np.array(a.loss_curve_), np.array(b.loss_curve_)) <= 1e-5


def test_partial_fit_goes_on_the_same_and_may_switch_engines():
    X, y = _classes(2)
    runs = []
    for engines in (("numpy",) * 3, ("compiled",) * 3, ("numpy", "compiled", "numpy")):
        est = MLPClassifier(hidden_layer_sizes=(4,), batch_size=8, random_state=0)
        for engine in engines:
            est.set_params(engine=engine).partial_fit(X, y, classes=[0, 1])
        runs.append(est)
    for other in runs[1:]:
        assert _relative(runs[0].network_.parameters, other.network_.parameters) <= 1e-12
        assert _relative(np.array(runs[0].loss_curve_), np.array(other.loss_curve_)) <= 1e-12


def test_auto_is_the_compiled_engine_on_a_small_network(monkeypatch):
    warmup.compile("float64")  # auto takes the compiled loop once it is ready
    cls, settings, data, s = CASES["classifier, sgd + Nesterov, L1 + L2"]
    calls = _compiled_epochs(monkeypatch)
    auto = _fit(cls, settings, data, s, "auto")
    assert len(calls) == auto.n_iter_
    forced = _fit(cls, settings, data, s, "compiled")
    assert np.array_equal(auto.network_.parameters, forced.network_.parameters)


def test_a_sparse_X_is_numpys_under_auto_and_refused_by_compiled(monkeypatch):
    X, y = _classes(2)
    sparse = scipy.sparse.csr_matrix(np.where(np.abs(X) > 0.5, X, 0.0))
    calls = _compiled_epochs(monkeypatch)
    MLPClassifier(**MLP, engine="auto").fit(sparse, y)
    assert calls == []
    with pytest.raises(ConfigError, match="compiled engine needs a dense X"):
        MLPClassifier(**MLP, engine="compiled").fit(sparse, y)
    assert not MLPClassifier(engine="compiled").__sklearn_tags__().input_tags.sparse
    assert MLPClassifier(engine="auto").__sklearn_tags__().input_tags.sparse


def test_an_unknown_engine_is_refused_at_fit_by_name():
    X, y = _classes(2)
    est = MLPClassifier(engine="fastest")  # __init__ stores it (scikit-learn's rule)
    assert est.get_params()["engine"] == "fastest"
    with pytest.raises(ConfigError, match="unknown engine 'fastest'.*auto, numpy, compiled"):
        est.fit(X, y)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks([MLPClassifier(engine="compiled")])
def test_scikit_learn_suite_with_the_compiled_engine(estimator, check):
    check(estimator)
