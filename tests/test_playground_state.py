"""The playground session never shows a wrong or stuck state (issue 11's defects 1, 3, 5,
8, 9 and 14, at the session and protocol level; the page's side is in the browser tests).

Each test failed on the session before its fix."""

import json

import numpy as np
import pytest

from glassnet.errors import DivergenceError
from glassnet.network import Network
from glassnet.playground import protocol
from glassnet.playground.session import Session


def session_with(**changes):
    return Session(protocol.check_settings(changes, protocol.defaults()))


def features_on(session):
    return [key for key in protocol.FEATURES if session.state[key]]


def csv_bytes(rows):
    return ("\n".join(",".join(str(v) for v in row) for row in rows) + "\n").encode()


def test_leaving_the_1d_curve_gives_the_2d_sets_their_features_back():  # defect 1
    s = session_with(xSquared=True)
    s.apply({"problem": "regression"})
    s.apply({"regDataset": "curve"})
    assert features_on(s) == ["x", "xSquared"] and s.data.one_d
    s.apply({"regDataset": "reg-plane"})
    assert features_on(s) == ["x", "y", "xSquared"] and s.net.n_x == 3
    s.apply({"regDataset": "curve"})
    s.apply({"problem": "classification"})  # circle: needs x2 to be learnable
    assert features_on(s) == ["x", "y", "xSquared"]
    s.train(200)
    assert s.scores()["trainAccuracy"] > 0.9


def test_a_session_opened_on_the_curve_gets_x2_for_a_2d_set():  # defect 1
    s = session_with(problem="regression", regDataset="curve")
    assert features_on(s) == ["x"]
    s.apply({"regDataset": "reg-gauss"})
    assert features_on(s) == ["x", "y"]


def test_problem_type_data_and_output_always_agree_after_two_uploads():  # defect 3
    s = Session()
    s.set_upload(csv_bytes([(i, (i * 7) % 5, 2 * (i % 2) - 1) for i in range(20)]))
    assert s.state["problem"] == "classification" and s.data.n_classes == 2
    s.set_upload(csv_bytes([(i / 7, 0.5 * i + 0.25) for i in range(20)]))  # 1 column, regression
    assert s.state["problem"] == "regression" and s.data.n_classes == 0
    s.apply({"problem": "classification"})
    assert s.upload is None and s.state["dataset"] == "circle"
    assert s.data.n_classes == 2 and s.net.output_activation.name == "sigmoid"
    assert s.A_train.shape[1] == 250


def test_divergence_puts_back_a_finite_sane_state():  # defect 5
    s = session_with(problem="regression", learningRate=10.0, activation="relu",
                     batchSize=1, networkShape=[8, 8])
    start = s.scores()["trainLoss"]
    s.playing = True
    with pytest.raises(DivergenceError, match="training diverged"):
        s.train(50)
    scores = s.scores()
    assert not s.playing and scores["trainLoss"] is not None
    assert scores["trainLoss"] <= start  # the lowest-cost epoch's parameters, not ~1e24
    assert np.abs(s.net.parameters).max() < 100
    assert "learning rate of 3 or less" in s.advice()


def test_a_dead_network_is_named():  # defect 5
    s = session_with(activation="relu", learningRate=10.0, initSeed=1)
    assert s.dead() is None  # alive at the start (initSeed 0 draws a dead layer 2 at once)
    s.train(30)
    text = s.dead()
    assert text is not None and "dead" in text and "hidden layer" in text
    healthy = Session()
    healthy.train(30)
    assert healthy.dead() is None


def test_a_live_activation_change_before_training_starts_from_the_links_weights():  # defect 8
    s = Session()
    s.apply({"activation": "relu"})  # Xavier for tanh before, He for ReLU now
    rebuilt = Session(protocol.parse_hash(protocol.to_hash(s.state))[0])
    np.testing.assert_array_equal(s.net.parameters, rebuilt.net.parameters)
    trained = Session()
    trained.train(5)
    kept = trained.net.parameters.copy()
    trained.apply({"activation": "relu"})  # once trained, training goes on from there
    np.testing.assert_array_equal(trained.net.parameters, kept)


@pytest.mark.parametrize("seed, expected", [("0.06373", 6373), ("0.5", 5), ("0.00000", 0),
                                            ("17", 17)])
def test_tensorflow_links_open_as_they_are(seed, expected):  # defect 9
    state, problems = protocol.parse_hash(
        f"#activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03"
        f"&regularizationRate=0&noise=0&networkShape=4,2&seed={seed}&showTestData=false"
        f"&discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false"
        f"&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false"
        f"&problem=classification&initZero=false&hideText=false&numNodes1_hide=true")
    assert problems == [] and state["seed"] == expected
    assert "numNodes1" in state["hidden"]


def test_a_bad_seed_is_still_refused():
    for seed in ("0.5.5", "-0.1", "1.5", "0x10"):
        assert protocol.parse_hash(f"#seed={seed}")[1], seed


def test_the_maths_panel_gets_the_last_steps_backward_pass():  # defect 14
    s = Session()
    assert s.explain(1, 0, 0.5, 0.5)["backward"] is None
    s.set_upload(csv_bytes([(i / 3, (i * 7) % 5 - 2, i % 2) for i in range(8)]))
    s.apply({"percTrainData": 50, "batchSize": 10})  # B = m = 4: one step of the whole set
    before = s.net.parameters.copy()
    s.train(1)
    back = s.explain(1, 2, 0.5, 0.5)["backward"]
    # an independent pass on the same examples, from the parameters before the step
    net = Network.from_config(s.net.config(), before)
    net.forward(s.A_train)
    net.backward(s.Y_train)
    assert back["m"] == 4 and not back["penalty"]
    np.testing.assert_allclose(back["dW"], net.dW[1][2], atol=1e-6)
    assert back["db"] == pytest.approx(net.db[1][2, 0], abs=1e-12)
    np.testing.assert_allclose(sorted(back["dZ"]), sorted(net.dZ[1][2]), atol=1e-6)
    np.testing.assert_allclose(sorted(back["dA"]), sorted(net.dA[1][2]), atol=1e-6)
    out = s.explain(2 + 1, 0, 0.5, 0.5)["backward"]  # the output layer: dZ[L] = A − Y
    assert out["dA"] is None and len(out["dZ"]) == 4


@pytest.mark.parametrize("recipe", ["glassnet", "tensorflow"])
def test_the_backward_numbers_are_the_networks_own_exactly(recipe):  # defect 14
    """What the panel gets, through JSON, equals to the last bit the backward pass of the
    network on the step's minibatch, from the parameters before the step, for every
    neuron (TensorFlow's recipe: tanh output and ½ squared error, so dA[L] exists)."""
    s = session_with(recipe=recipe)
    s.set_upload(csv_bytes([(i / 3, (i * 7) % 5 - 2, i % 2) for i in range(20)]))
    s.apply({"percTrainData": 50, "batchSize": 10})  # B = m = 10: one step an epoch
    s.train(1)
    before = s.net.parameters.copy()
    s.train(1)

    def backward(l, i):
        return json.loads(json.dumps(s.explain(l, i, 0.5, 0.5)))["backward"]

    A0 = np.array(backward(1, 0)["a_prev"])  # the step's examples, in its order
    order = [int(np.flatnonzero((s.A_train == column[:, None]).all(axis=0))[0])
             for column in A0.T]
    assert sorted(order) == list(range(10))
    net = Network.from_config(s.net.config(), before)
    net.forward(A0)
    net.backward(s.Y_train[:, order])
    for l in range(1, net.L + 1):
        for i in range(net.sizes[l]):
            back = backward(l, i)
            assert back["m"] == 10 and not back["penalty"]
            assert back["a_prev"] == net.A[l - 1].tolist()
            assert back["dZ"] == net.dZ[l][i].tolist()
            assert back["dW"] == net.dW[l][i].tolist()
            assert back["db"] == float(net.db[l][i, 0])
            shortcut = l == net.L and recipe == "glassnet"  # dZ[L] = A[L] − Y, no dA[L]
            assert back["dA"] == (None if shortcut else net.dA[l][i].tolist())
            # and by the notes' formulas: dW[l]_ij = (1/m) Σ_k dZ_ik a[l−1]_jk, db = mean dZ
            dZ, A_prev = np.array(back["dZ"]), np.array(back["a_prev"])
            np.testing.assert_allclose(back["dW"], A_prev @ dZ / 10, rtol=1e-12, atol=1e-15)
            assert back["db"] == pytest.approx(dZ.mean(), rel=1e-12, abs=1e-15)
