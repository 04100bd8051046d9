"""Files written before: estimators saved by glassnet 0.1's code (tests/data/, written by
main at 459e687 before the estimators' save_state protocol) still load, predict as they
did and train on.

The files were made by fitting, on X and y below (30 rows, rounded so that the data is the
same everywhere), MLPClassifier((4,), solver="adam", max_iter=6, early_stopping=True,
n_iter_no_change=50, random_state=0) and MLPRegressor(hidden_layer_sizes=(3,),
loss="poisson", solver="sgd", learning_rate="adaptive", max_iter=5, random_state=0); the
predictions below were taken from the fitted estimators before saving.
"""

import json
from pathlib import Path

import numpy as np
import pytest

import glassnet as gn
from glassnet import io
from glassnet.estimators import EstimatorNotFittedError, MLPClassifier, MLPRegressor

DATA = Path(__file__).parent / "data"
CLASSIFIER = DATA / "mlp_classifier_glassnet_0_1.npz"
REGRESSOR = DATA / "mlp_regressor_glassnet_0_1.npz"


def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3)).round(3)
    y = np.array(["red", "green", "blue"], dtype=object)[
        (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)]
    return X, y, np.exp(X @ [0.3, -0.2, 0.1]).round(3)


def test_a_classifier_saved_before_loads_and_predicts_as_it_did():
    X, y, _ = data()
    clf = gn.load(CLASSIFIER)
    assert isinstance(clf, MLPClassifier) and clf.classes_.tolist() == ["blue", "green", "red"]
    assert (clf.n_iter_, clf.t_, clf.best_loss_, clf.out_activation_) == (6, 162, None,
                                                                            "softmax")
    run_state = clf.save_state()["attributes"]  # scikit-learn's, carried to the next fit
    assert run_state["_no_improvement_count"] == 5 and run_state["_learning_rate"] == 0.001
    np.testing.assert_allclose(clf.predict_proba(X[:3]), [
        [0.19019651965868054, 0.5171349318608545, 0.2926685484804651],
        [0.23599059193430882, 0.48116577644534186, 0.2828436316203493],
        [0.37693033981544527, 0.43644664162399704, 0.18662301856055757]], rtol=1e-12)
    assert set(clf.predict(X)) <= set(y)


def test_a_regressor_saved_before_loads_with_scikit_learns_output_name():
    X, _, y = data()
    reg = gn.load(REGRESSOR)
    assert isinstance(reg, MLPRegressor) and reg.out_activation_ == "exp"  # as after fit
    np.testing.assert_allclose(reg.predict(X[:3]), [0.6553409688112812, 0.8156293234591555,
                                                    0.6020963416008392], rtol=1e-12)
    assert reg.loss_curve_[-1] == reg.best_loss_ == pytest.approx(0.20866474211853836, 1e-15)


@pytest.mark.parametrize("path", [CLASSIFIER, REGRESSOR])
def test_a_file_saved_before_is_written_again_unchanged(path, tmp_path):
    gn.save(gn.load(path), tmp_path / "again.npz")
    kind, meta, arrays = io.read_archive(path)
    kind_again, meta_again, arrays_again = io.read_archive(tmp_path / "again.npz")
    assert kind_again == kind == "estimator"
    assert json.dumps(meta_again) == json.dumps(meta)  # the same keys, in the same order
    assert sorted(arrays_again) == sorted(arrays)
    for key, value in arrays.items():
        assert arrays_again[key].tobytes() == value.tobytes(), key


@pytest.mark.parametrize("path", [CLASSIFIER, REGRESSOR])
def test_an_estimator_saved_before_trains_on_from_its_optimizer_state(path):
    X, y_class, y_real = data()
    est = gn.load(path).set_params(early_stopping=False)
    y = y_class if isinstance(est, MLPClassifier) else y_real
    t = est.save_state()["optimizer"].t
    extra = {"classes": est.classes_} if isinstance(est, MLPClassifier) else {}
    est.partial_fit(X, y, **extra)
    assert est.save_state()["optimizer"].t == t + 1  # one minibatch: batch_size="auto" ≥ m
    assert est.n_iter_ == 1 and np.isfinite(est.loss_)


def test_the_saved_state_rebuilds_the_estimator_in_memory():
    X, _, _ = data()
    clf = gn.load(CLASSIFIER)
    state = clf.save_state()
    copy = MLPClassifier.from_saved_state(clf.get_params(), state)
    assert copy.predict_proba(X).tobytes() == clf.predict_proba(X).tobytes()
    assert copy.save_state()["attributes"] == state["attributes"]
    assert copy.save_state()["optimizer"] is state["optimizer"]  # kept, not copied
    with pytest.raises(EstimatorNotFittedError, match="not fitted yet"):
        MLPClassifier().save_state()
