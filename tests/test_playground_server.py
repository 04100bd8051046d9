"""The playground's server side: protocol checks, sessions, HTTP and WebSocket routes.

Sessions are checked against independent computations (a hand-written gradient step,
½·mean squared error, z = w·a + b), the routes through Starlette's TestClient with every
message type, well-formed and malformed.
"""

import json
import math
import os
import warnings

import numpy as np
import pytest

import glassnet as gn
from glassnet import datasets
from glassnet.errors import ConfigError, DataError, DivergenceError
from glassnet.playground import protocol
from glassnet.playground.session import Session
from glassnet.playground.wire import GRID, unpack

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's note that it prefers httpx2 to httpx
    from starlette.testclient import TestClient

from glassnet.playground.server import create_app


def session_with(**changes):
    state = protocol.check_settings(changes, protocol.defaults())
    return Session(state)


def decoded(maps):
    """uint8 map values back on [-1, 1]."""
    return maps.astype(float) / 127.5 - 1.0


# ====================================================================== protocol
def test_defaults_are_tensorflow_playgrounds():
    state = protocol.defaults()
    assert state["networkShape"] == [4, 2] and state["activation"] == "tanh"
    assert state["learningRate"] == 0.03 and state["batchSize"] == 10
    assert state["percTrainData"] == 50 and state["noise"] == 0
    assert state["x"] and state["y"] and not state["xSquared"]


def test_tensorflow_link_opens_with_its_settings():
    link = ("#activation=relu&batchSize=12&dataset=xor&regDataset=reg-plane&learningRate=0.1"
            "&regularizationRate=0.001&noise=15&networkShape=5,3,2&seed=7&showTestData=true"
            "&discretize=false&percTrainData=70&x=true&y=true&xTimesY=true&xSquared=false"
            "&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false"
            "&problem=classification&initZero=false&hideText=false&regularization=L2")
    state, problems = protocol.parse_hash(link)
    assert problems == []
    assert state["networkShape"] == [5, 3, 2]
    assert state["activations"] == ["relu"] * 3
    assert (state["dataset"], state["noise"], state["seed"]) == ("xor", 15, 7)
    assert state["xTimesY"] and state["showTestData"] and state["regularization"] == "L2"
    assert state["learningRate"] == 0.1 and state["percTrainData"] == 70


def test_hash_round_trip():
    state = protocol.check_settings(
        {"networkShape": [3, 5, 1], "activations": ["relu", "tanh", "sigmoid"],
         "learningRate": 0.3, "sinY": True, "recipe": "tensorflow", "speed": 0,
         "initSeed": 12345, "optimizer": "adam"}, protocol.defaults())
    state["hidden"] = ["noise", "playButton"]
    again, problems = protocol.parse_hash("#" + protocol.to_hash(state))
    assert problems == []
    assert again == state


@pytest.mark.parametrize("link, culprit", [
    ("networkShape=4,4,4,4,4,4,4", "at most 6 hidden layers"),
    ("networkShape=9", "from 1 to 8"),
    ("networkShape=0", "from 1 to 8"),
    ("networkShape=4,x", "whole number"),
    ("networkShape=100000000000000000000", "from 1 to 8"),
    ("noise=99", "noise"),
    ("noise=-5", "noise"),
    ("learningRate=0.05", "learningRate must be one of"),
    ("learningRate=nan", "learningRate"),
    ("learningRate=inf", "learningRate"),
    ("activation=softmax", "activation must be one of"),
    ("dataset=mnist", "dataset must be one of"),
    ("dataset=upload", "upload the file again"),
    ("x=maybe", "true or false"),
    ("batchSize=31", "batchSize"),
    ("seed=abc", "seed"),
    ("bogus=1", "unknown setting 'bogus'"),
    ("cupboard_hide=true", "no control 'cupboard'"),
])
def test_bad_link_values_are_reported_and_defaulted(link, culprit):
    state, problems = protocol.parse_hash(link)
    assert len(problems) == 1 and culprit in problems[0]
    key = link.split("=")[0]
    if key in protocol.SETTINGS:
        assert state[key] == protocol.SETTINGS[key].default


def test_bad_values_keep_the_good_ones_of_a_link():
    state, problems = protocol.parse_hash("noise=99&networkShape=3&learningRate=1")
    assert len(problems) == 1
    assert state["networkShape"] == [3] and state["learningRate"] == 1.0


def test_overlong_link_is_refused():
    state, problems = protocol.parse_hash("a=" + "x" * 5000)
    assert state == protocol.defaults() and "limit" in problems[0]


def test_classroom_hide_options():
    state, problems = protocol.parse_hash("noise_hide=true&problem_hide=true&x_hide=false")
    assert problems == [] and state["hidden"] == ["noise", "problem"]


def test_per_layer_activations_win_over_the_common_one():
    state, _ = protocol.parse_hash("activations=relu,sigmoid&activation=tanh&networkShape=4,2")
    assert state["activations"] == ["relu", "sigmoid"]
    state = protocol.check_settings({"networkShape": [4, 2, 3]}, state)
    assert state["activations"] == ["relu", "sigmoid", "tanh"]  # a new layer gets 'activation'
    state = protocol.check_settings({"activation": "linear"}, state)
    assert state["activations"] == ["linear"] * 3


def test_check_settings_is_all_or_nothing():
    state = protocol.defaults()
    with pytest.raises(ConfigError, match="noise"):
        protocol.check_settings({"learningRate": 1, "noise": 500}, state)
    assert state == protocol.defaults()
    with pytest.raises(ConfigError, match="object"):
        protocol.check_settings(["noise", 5], state)


@pytest.mark.parametrize("text, culprit", [
    ("not json", "not valid JSON"),
    ("[1, 2]", '"type" field'),
    ('{"kind": "play"}', '"type" field'),
    ('{"type": 5}', '"type" field'),
    ('{"type": "fly"}', "unknown message type 'fly'"),
    ('{"type": "set"}', "needs a 'settings' field"),
    ('{"type": "set", "settings": [1]}', "'settings' must be an object"),
    ('{"type": "edit", "kind": "W", "layer": 1, "row": 0, "col": 0}', "'value' field"),
    ('{"type": "edit", "kind": "Q", "layer": 1, "row": 0, "col": 0, "value": 1}', "kind"),
    ('{"type": "edit", "kind": "W", "layer": 1, "row": 0, "col": 0, "value": NaN}',
     "finite number"),
    ('{"type": "edit", "kind": "W", "layer": 1, "row": 0, "col": 0, "value": 1e9}',
     "between"),
    ('{"type": "edit", "kind": "W", "layer": 99, "row": 0, "col": 0, "value": 1}', "layer"),
    ('{"type": "edit", "kind": "b", "layer": 1, "row": -1, "value": 1}', "row"),
    ('{"type": "edit", "kind": "b", "layer": true, "row": 0, "value": 1}', "layer"),
    ('{"type": "explain", "layer": 1, "unit": 0, "x1": "a", "x2": 0}', "x1"),
    ('{"type": "explain", "layer": 1, "unit": 0, "x1": 0}', "'x2' field"),
    ("x" * (protocol.MAX_MESSAGE_CHARS + 1), "limit"),
])
def test_malformed_messages_are_refused_with_a_reason(text, culprit):
    with pytest.raises(ConfigError, match=culprit.replace("(", r"\(").replace("[", r"\[")):
        protocol.parse_message(text)


def test_binary_messages_are_refused():
    with pytest.raises(ConfigError, match="JSON text"):
        protocol.parse_message(b'{"type": "play"}')


def test_well_formed_messages():
    assert protocol.parse_message('{"type": "play"}') == {"type": "play"}
    edit = protocol.parse_message(
        '{"type": "edit", "kind": "b", "layer": 2, "row": 1, "value": -0.5}')
    assert edit == {"type": "edit", "kind": "b", "layer": 2, "row": 1, "col": 0, "value": -0.5}


# ====================================================================== sessions
def test_default_session_is_the_better_default():
    s = Session()
    net = s.net
    assert net.sizes == [2, 4, 2, 1]
    assert [layer.activation.name for layer in net.layers] == ["tanh", "tanh", "sigmoid"]
    assert net.loss.name == "binary_cross_entropy"
    assert set(np.unique(s.Y_train)) == {0.0, 1.0}
    assert s.A_train.shape == (2, 250) and s.A_test.shape == (2, 250)


def test_tensorflow_recipe_reproduces_its_training_choices():
    s = session_with(recipe="tensorflow")
    net = s.net
    assert net.output_activation.name == "tanh" and net.loss.name == "half_squared_error"
    assert set(np.unique(s.Y_train)) == {-1.0, 1.0}
    W = net.parameters[:net.n_weights]
    assert np.all(np.abs(W) <= 0.5) and W.std() > 0.2  # U(-0.5, 0.5), not tiny
    assert np.all(net.parameters[net.n_weights:] == 0.1)
    # the loss shown is TensorFlow's: the mean of ½(output - target)², no penalty
    A = net.forward(s.A_test)
    expected = 0.5 * np.mean((A - s.Y_test) ** 2)
    assert s.scores()["testLoss"] == pytest.approx(expected, rel=1e-12)


def test_init_zero_is_the_symmetry_demo():
    s = session_with(initZero=True, recipe="tensorflow")
    assert np.all(s.net.parameters[:s.net.n_weights] == 0)
    s.train(5)
    W1 = s.net.W[1]
    assert np.allclose(W1, W1[0])  # every hidden unit stays the same


def test_one_epoch_is_minibatch_gradient_descent_by_hand():
    s = session_with(regularization="L2", regularizationRate=0.1, learningRate=0.3)
    assert s.net.l2 == 0.1 * 10  # λ = r·B
    expected = s.net.copy()
    expected.l2 = 0.0  # the penalty is added below as TensorFlow adds it
    rng = np.random.default_rng(s.state["initSeed"])  # the session's shuffling generator
    order = rng.permutation(250)
    for start in range(0, 250, 10):
        idx = order[start:start + 10]
        _, g = expected.gradient(s.A_train[:, idx], s.Y_train[:, idx])
        n_w = expected.n_weights
        g[:n_w] += 0.1 * expected.parameters[:n_w]  # TensorFlow's α·r·w on weights only
        expected.parameters -= 0.3 * g
    s.train(1)
    np.testing.assert_allclose(s.net.parameters, expected.parameters, rtol=1e-12, atol=1e-14)
    assert s.epoch == 1


def test_training_on_circle_reaches_high_accuracy():
    s = Session()
    s.train(300)
    scores = s.scores()
    assert scores["testAccuracy"] >= 0.95 and scores["trainLoss"] < 0.1


def test_maps_are_the_networks_own_outputs_on_the_grid():
    s = Session()
    s.train(50)
    maps = s.maps().reshape(-1, GRID, GRID)
    assert maps.shape == (4 + 2 + 1, GRID, GRID)
    # the output map, pixel (row, col), is the network at x1 = col, x2 = -row on [-6, 6]
    ticks = np.linspace(-6, 6, GRID)
    for row, col in [(0, 0), (50, 50), (99, 10), (30, 70)]:
        point = np.array([[ticks[col]], [ticks[::-1][row]]])
        a = s.net.forward(point)[0, 0]
        assert decoded(maps[-1, row, col]) == pytest.approx(2 * a - 1, abs=1 / 127.5)
        a1 = s.net.A[1][:, 0]
        assert np.allclose(decoded(maps[:4, row, col]), a1, atol=1 / 127.5)


def test_output_map_shows_blue_inside_the_circle_and_orange_outside():
    s = Session()
    s.train(300)
    out = decoded(s.maps().reshape(-1, GRID, GRID)[-1])
    assert out[50, 50] > 0.5  # the centre is class +1 (blue)
    assert out[0, 0] < -0.5 and out[99, 99] < -0.5


def test_feature_maps():
    s = Session()
    maps = decoded(s.feature_maps().reshape(7, GRID, GRID))
    assert maps[0, 0, 0] == pytest.approx(-1, abs=0.01) and maps[0, 0, -1] == pytest.approx(1)
    assert maps[1, 0, 0] == pytest.approx(1, abs=0.01)  # x2 is +6 on the top row
    assert maps[2].min() >= -0.01  # x1² is never negative


def test_frame_header_and_maps():
    s = Session()
    header, maps = unpack(s.frame())
    assert header["type"] == "frame" and header["epoch"] == 0
    assert maps.size == 7 * GRID * GRID
    assert np.allclose(header["W"][0], s.net.W[1], atol=1e-6)
    assert header["b"][2] == pytest.approx(s.net.b[3].ravel().tolist(), abs=1e-6)
    assert 0 <= header["testAccuracy"] <= 1


def test_edit_sets_one_weight_and_changes_the_map():
    s = Session()
    before = s.maps()
    s.edit("W", 1, 2, 1, 3.5)
    assert s.net.W[1][2, 1] == 3.5
    s.edit("b", 3, 0, 0, -2.0)  # the output bias is editable like any other
    assert s.net.b[3][0, 0] == -2.0
    assert np.any(s.maps() != before)
    for args in [("W", 4, 0, 0), ("W", 1, 4, 0), ("W", 1, 0, 2), ("b", 2, 2, 0)]:
        with pytest.raises(ConfigError, match="does not exist|no layer"):
            s.edit(*args, 1.0)


def test_reset_keeps_the_starting_weights_and_new_weights_draws_others():
    s = Session()
    start = s.net.parameters.copy()
    s.train(20)
    s.reset()
    assert s.epoch == 0 and np.array_equal(s.net.parameters, start)
    seed = s.state["initSeed"]
    s.new_weights()
    assert s.state["initSeed"] != seed and not np.array_equal(s.net.parameters, start)


def test_regenerate_draws_new_data_and_keeps_the_network():
    s = Session()
    s.train(10)
    params, X = s.net.parameters.copy(), s.data.X_train.copy()
    s.regenerate()
    assert s.epoch == 10 and np.array_equal(s.net.parameters, params)
    assert s.data.X_train.shape == X.shape and not np.array_equal(s.data.X_train, X)


def test_live_changes_keep_training_where_it_is():
    s = Session()
    s.train(10)
    params = s.net.parameters.copy()
    effects = s.apply({"learningRate": 0.1, "regularization": "L1",
                       "regularizationRate": 0.01, "batchSize": 5, "optimizer": "adam"})
    assert effects == {"live"} and s.epoch == 10
    assert np.array_equal(s.net.parameters, params) and s.optimizer.name == "adam"
    assert (s.net.l1, s.net.l2) == (0.01 * 5, 0.0)  # λ = r·B, set when the setting changed
    s.apply({"activations": ["relu", "sigmoid"]})
    assert [layer.activation.name for layer in s.net.layers] == ["relu", "sigmoid", "sigmoid"]
    assert np.array_equal(s.net.parameters, params) and s.epoch == 10
    s.train(2)
    assert s.epoch == 12


def test_structural_changes_start_over():
    s = Session()
    s.train(10)
    assert "network" in s.apply({"networkShape": [3]})
    assert s.epoch == 0 and s.net.sizes == [2, 3, 1]
    s.train(3)
    assert "data" in s.apply({"dataset": "gauss"}) and s.epoch == 0
    s.apply({"xSquared": True, "sinY": True})
    assert s.net.n_x == 4
    s.apply({"networkShape": []})
    assert s.net.sizes == [4, 1]  # no hidden layer: logistic regression


def test_three_classes_use_softmax_and_one_hot_targets():
    s = session_with(dataset="spiral3")
    assert s.net.output_activation.name == "softmax" and s.net.sizes[-1] == 3
    assert s.Y_train.shape == (3, 300) and np.all(s.Y_train.sum(axis=0) == 1)
    s.train(30)
    maps = s.maps().reshape(-1, GRID, GRID)
    probabilities = (decoded(maps[-3:]) + 1) / 2
    np.testing.assert_allclose(probabilities.sum(axis=0), 1, atol=0.02)


def test_regression_uses_a_linear_output_and_squared_error():
    s = session_with(problem="regression")
    assert s.net.output_activation.name == "linear" and s.net.loss.name == "half_squared_error"
    s.train(20)
    assert s.scores()["testAccuracy"] is None and s.scores()["testLoss"] < 0.05


def test_curve_has_one_input_and_no_features_of_x2():
    s = session_with(problem="regression", regDataset="curve")
    assert s.data.one_d and s.net.n_x == 1 and not s.state["y"]
    with pytest.raises(ConfigError, match="one input"):
        s.apply({"y": True})
    assert not s.state["y"] and s.net.n_x == 1  # the session kept its state
    out = s.maps().reshape(-1, GRID, GRID)[-1]
    assert np.all(out == out[0])  # the map depends on x1 only
    noisy = session_with(problem="regression", regDataset="curve", noise=50)
    top = np.max(np.abs(noisy.data.labels_train))
    assert 1 < top <= noisy.data.output_scale < 2 * top  # the scale holds every label
    assert noisy.data.view[1] == (-noisy.data.output_scale, noisy.data.output_scale)
    assert session_with(problem="regression").data.output_scale == 1.0


def test_no_features_is_refused_and_training_is_kept():
    s = Session()
    s.train(5)
    net, params = s.net, s.net.parameters.copy()
    with pytest.raises(ConfigError, match="at least one input feature"):
        s.apply({"x": False, "y": False})
    assert s.state["x"] and s.net is net and s.epoch == 5
    assert np.array_equal(s.net.parameters, params)


def test_divergence_pauses_and_restores_the_weights():
    s = session_with(problem="regression", learningRate=10.0, activation="relu",
                     batchSize=1, networkShape=[8, 8])
    s.playing = True
    with pytest.raises(DivergenceError, match="training diverged at epoch"):
        s.train(50)
    assert "learning rate of 3 or less" in s.advice()
    assert not s.playing and np.all(np.isfinite(s.net.parameters))
    # restored to a finite, sane state: the page gets real losses, not "–" (issue 11, 5)
    scores = s.scores()
    assert all(np.isfinite(scores[key]) for key in ("trainLoss", "testLoss"))
    header, maps = unpack(s.frame())
    assert header["epoch"] == s.epoch and maps.size


def test_explain_gives_the_neurons_numbers():
    s = Session()
    s.train(10)
    e = s.explain(2, 1, 1.5, -2.0)
    A1 = np.tanh(s.net.W[1] @ np.array([[1.5], [-2.0]]) + s.net.b[1])
    z = float(s.net.W[2][1] @ A1[:, 0] + s.net.b[2][1, 0])
    assert e["a_prev"] == pytest.approx(A1[:, 0].tolist())
    assert e["z"] == pytest.approx(z) and e["a"] == pytest.approx(math.tanh(z))
    assert e["inputs"] == ["a[1]_1", "a[1]_2", "a[1]_3", "a[1]_4"]
    first = s.explain(1, 0, 1.5, -2.0)
    assert first["inputs"] == ["x1", "x2"] and first["a_prev"] == [1.5, -2.0]
    assert "Forward pass" in first["worked"] and f"{e['z']:.3f}" in first["worked"]
    with pytest.raises(ConfigError, match="no neuron"):
        s.explain(2, 5, 0, 0)


# ---------------------------------------------------------------------- uploads
def csv_bytes(rows, header="x1,x2,label"):
    return (header + "\n" + "\n".join(",".join(str(v) for v in r) for r in rows)).encode()


def test_upload_two_classes():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    rows = [(a, b, int(a + b > 0)) for a, b in X]
    s = Session()
    s.set_upload(csv_bytes(rows))
    assert s.state["dataset"] == protocol.UPLOAD and s.data.n_classes == 2
    assert s.net.output_activation.name == "sigmoid"
    lo, hi = s.data.view[0]
    assert lo < X[:, 0].min() and hi > X[:, 0].max()
    s.train(50)
    assert s.scores()["trainAccuracy"] > 0.9
    assert "dataset" not in dict(p.split("=") for p in protocol.to_hash(s.state).split("&"))


def test_upload_classes_and_regression_and_one_column():
    s = Session()
    s.set_upload(csv_bytes([(i, i % 3, i % 3) for i in range(30)]))
    assert s.data.n_classes == 3 and s.net.sizes[-1] == 3
    s.set_upload(csv_bytes([(i, -i, i * 0.37) for i in range(30)]))
    assert s.state["problem"] == "regression" and s.data.n_classes == 0
    assert "upload" not in protocol.to_hash(s.state)
    s.set_upload(csv_bytes([(i / 10, (i / 10) ** 2) for i in range(30)], "x,y"))
    assert s.data.one_d and s.net.n_x == 1 and s.state["x"] and not s.state["y"]
    s.apply({"regDataset": "reg-gauss"})  # back to a built-in set: the upload is let go
    assert s.upload is None and not s.data.one_d


@pytest.mark.parametrize("content, culprit", [
    (b"1,2,0\n3,4\n", "ragged"),
    (b"1,2,0\n3,abc,1\n", "'abc' is not a number"),
    (b"1,2,0\n3,nan,1\n", "not a finite number"),
    (b"", "no examples"),
    (b"\xff\xfe\x00garbage", "not a text"),
    (b"1,2,3,0\n" * 5, "4 columns"),
    (b"1,2,0\n" * 3, "at least 4"),
    (b"1,2,0\n" * (protocol.MAX_UPLOAD_ROWS + 1), "limit"),
    (b"1" * (protocol.MAX_UPLOAD_BYTES + 1), "limit"),
])
def test_bad_uploads_are_refused_and_the_session_goes_on(content, culprit):
    s = Session()
    params = s.net.parameters.copy()
    with pytest.raises(DataError, match=culprit):
        s.set_upload(content, "mine.csv")
    assert s.upload is None and s.state["dataset"] == "circle"
    assert np.array_equal(s.net.parameters, params)


def test_upload_of_tiny_data_with_a_small_ratio_is_refused_cleanly():
    s = session_with(percTrainData=10)
    s.train(3)
    with pytest.raises(DataError, match="empty"):
        s.set_upload(csv_bytes([(i, i, i % 2) for i in range(5)]))
    assert s.upload is None and s.state["dataset"] == "circle" and s.epoch == 3


# ---------------------------------------------------------------------- exports
def test_exported_model_predicts_what_the_session_shows(tmp_path):
    s = session_with(xSquared=True, recipe="tensorflow")
    s.train(20)
    path = tmp_path / "model.npz"
    path.write_bytes(s.model_bytes())
    net = gn.load(str(path))
    A = datasets.features(s.data.X_test, ["x1", "x2", "x1^2"])
    np.testing.assert_array_equal(net.forward(A), s.net.forward(A))


def test_exported_data_uploads_back_to_the_same_points():
    s = session_with(dataset="xor", noise=20)
    text = s.data_csv()
    assert text.startswith("x1,x2,label\n") and len(text.splitlines()) == 501
    t = Session()
    t.set_upload(text.encode())
    original = np.hstack([s.data.X_train, s.data.X_test])
    again = np.hstack([t.data.X_train, t.data.X_test])
    assert sorted(map(tuple, original.T)) == sorted(map(tuple, again.T))


def test_snippet_of_uploaded_data_reads_the_exported_csv(tmp_path, capsys):
    s = Session()
    s.set_upload(csv_bytes([(i, (i * 7) % 5, 2 * (i % 2) - 1) for i in range(30)]))
    (tmp_path / "playground-data.csv").write_text(s.data_csv())
    namespace = {}
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(s.snippet().replace("epochs=100", "epochs=2"), "snippet", "exec"),
             namespace)
    finally:
        os.chdir(cwd)
    assert "train loss" in capsys.readouterr().out
    assert set(namespace["y"]) == {0, 1}


@pytest.mark.parametrize("changes", [
    {}, {"dataset": "moons", "regularization": "L2", "regularizationRate": 0.01},
    {"regularization": "L1", "regularizationRate": 0.003, "batchSize": 7},
    {"dataset": "spiral3", "recipe": "tensorflow", "optimizer": "adam"},
    {"problem": "regression", "regDataset": "curve", "xSquared": True},
])
def test_snippet_rebuilds_the_setup(changes, tmp_path, capsys):
    s = session_with(**changes)
    code = s.snippet()
    namespace = {}
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(code.replace("epochs=100", "epochs=2"), "snippet", "exec"), namespace)
    finally:
        os.chdir(cwd)
    assert "train loss" in capsys.readouterr().out
    net = namespace["net"]
    assert net.config() == s.net.config()  # layers, loss, dtype and λ₁, λ₂
    assert [lay.config() for lay in net.layers] == [lay.config() for lay in s.net.layers]
    np.testing.assert_array_equal(namespace["A_train"], s.A_train)
    np.testing.assert_array_equal(namespace["Y_train"], s.Y_train)


# ====================================================================== HTTP and WebSocket
@pytest.fixture
def client():
    app = create_app()
    with TestClient(app) as c:
        c.app_state = app.state
        yield c


def receive(ws):
    message = ws.receive()
    if message.get("bytes") is not None:
        return unpack(message["bytes"])[0]
    return json.loads(message["text"])


def receive_until(ws, kind, limit=50, where=lambda m: True):
    seen = []
    for _ in range(limit):
        message = receive(ws)
        seen.append(message["type"])
        if message["type"] == kind and where(message):
            return message
    raise AssertionError(f"no {kind!r} message among {seen}")


def start(ws, link=""):
    ws.send_json({"type": "init", "hash": link})
    types = [receive(ws) for _ in range(5)]
    assert [m["type"] for m in types] == ["hello", "catalog", "data", "state", "frame"]
    return {m["type"]: m for m in types}


def test_page_and_static_files(client):
    page = client.get("/")
    assert page.status_code == 200 and "glassnet playground" in page.text
    assert "/static/app.js" in page.text
    for name in ("app.js", "style.css"):
        assert client.get(f"/static/{name}").status_code == 200
    assert "cdn" not in page.text.lower() and "https://" not in page.text


def test_init_sends_the_whole_page_state(client):
    with client.websocket_connect("/ws") as ws:
        got = start(ws, "#networkShape=3&dataset=gauss")
        assert got["state"]["sizes"] == [2, 3, 1]
        assert got["state"]["hash"].startswith("problem=classification&dataset=gauss")
        assert set(got["catalog"]["datasets"]) == {*protocol.CLASSIFICATION_SETS,
                                                   *protocol.REGRESSION_SETS}
        assert got["data"]["view"] == [[-6, 6], [-6, 6]]
        assert len(got["data"]["train"]["x1"]) == 250
        assert got["frame"]["epoch"] == 0


def test_bad_link_values_come_back_as_errors(client):
    with client.websocket_connect("/ws") as ws:
        ws.send_json({"type": "init", "hash": "#networkShape=4,20&noise=77"})
        lines = receive_until(ws, "error")["message"].split("\n")  # all in one message
        assert lines[0].startswith("link settings ignored") and len(lines) == 3
        assert "from 1 to 8" in lines[1] and "noise" in lines[2]


def test_messages_before_init_are_refused(client):
    with client.websocket_connect("/ws") as ws:
        ws.send_json({"type": "play"})
        assert "first message" in receive(ws)["message"]


def test_play_pause_step_reset(client):
    with client.websocket_connect("/ws") as ws:
        start(ws, "#speed=5")
        ws.send_json({"type": "play"})
        assert receive_until(ws, "state")["playing"]
        frame = receive_until(ws, "frame", where=lambda m: m["epoch"] >= 15)
        assert frame["epoch"] % 5 == 0
        ws.send_json({"type": "pause"})
        state = receive_until(ws, "state", limit=100)
        assert not state["playing"]
        ws.send_json({"type": "step"})
        stepped = receive_until(ws, "frame", limit=100, where=lambda m: not m["playing"])
        ws.send_json({"type": "step"})
        again = receive_until(ws, "frame")
        assert again["epoch"] == stepped["epoch"] + 1
        ws.send_json({"type": "reset"})
        assert receive_until(ws, "frame")["epoch"] == 0


def test_set_new_weights_regenerate(client):
    with client.websocket_connect("/ws") as ws:
        got = start(ws)
        ws.send_json({"type": "set", "settings": {"learningRate": 1, "networkShape": [5]}})
        state = receive_until(ws, "state")
        assert state["state"]["learningRate"] == 1 and state["sizes"] == [2, 5, 1]
        assert "learningRate=1&" in state["hash"]
        ws.send_json({"type": "newWeights"})
        state = receive_until(ws, "state")
        assert state["state"]["initSeed"] != got["state"]["state"]["initSeed"]
        ws.send_json({"type": "regenerate"})
        data = receive_until(ws, "data")
        assert data["train"]["x1"] != got["data"]["train"]["x1"]
        ws.send_json({"type": "set", "settings": {"showTestData": True}})
        assert receive_until(ws, "state", where=lambda m: m["state"]["showTestData"])


def test_edit_and_explain(client):
    with client.websocket_connect("/ws") as ws:
        start(ws)
        ws.send_json({"type": "edit", "kind": "W", "layer": 2, "row": 1, "col": 3,
                      "value": 2.5})
        assert receive_until(ws, "frame")["W"][1][1][3] == 2.5
        ws.send_json({"type": "edit", "kind": "b", "layer": 3, "row": 0, "value": -1})
        assert receive_until(ws, "frame")["b"][2] == [-1.0]
        ws.send_json({"type": "explain", "layer": 3, "unit": 0, "x1": 0, "x2": 0})
        e = receive_until(ws, "explain")
        assert e["b"] == -1.0 and e["activation"] == "sigmoid"
        assert e["a"] == pytest.approx(1 / (1 + math.exp(-e["z"])))


@pytest.mark.parametrize("bad, culprit", [
    ("{nope", "not valid JSON"),
    ('{"type": "launch"}', "unknown message type"),
    ('{"type": "set", "settings": {"networkShape": [8, 8, 8, 8, 8, 8, 8]}}', "at most 6"),
    ('{"type": "set", "settings": {"networkShape": [1000000]}}', "from 1 to 8"),
    ('{"type": "set", "settings": {"learningRate": "fast"}}', "learningRate"),
    ('{"type": "set", "settings": {"x": false, "y": false}}', "at least one input"),
    ('{"type": "edit", "kind": "W", "layer": 3, "row": 5, "col": 0, "value": 1}',
     "does not exist"),
    ('{"type": "explain", "layer": 1, "unit": 9, "x1": 0, "x2": 0}', "no neuron"),
    ("x" * 20_000, "limit"),
])
def test_malformed_messages_get_an_error_and_the_session_goes_on(client, bad, culprit):
    with client.websocket_connect("/ws") as ws:
        got = start(ws)
        ws.send_text(bad)
        error = receive_until(ws, "error")
        assert culprit in error["message"]
        state = receive_until(ws, "state")  # the page is told what was kept
        assert state["state"] == got["state"]["state"]
        ws.send_json({"type": "step"})
        assert receive_until(ws, "frame")["epoch"] == 1


def test_binary_message_gets_an_error(client):
    with client.websocket_connect("/ws") as ws:
        start(ws)
        ws.send_bytes(b"\x00\x01")
        assert "JSON text" in receive_until(ws, "error")["message"]


def test_divergence_is_reported(client):
    with client.websocket_connect("/ws") as ws:
        start(ws, "#problem=regression&learningRate=10&activation=relu&batchSize=1"
                  "&networkShape=8,8&speed=50")
        ws.send_json({"type": "play"})
        message = receive_until(ws, "diverged", limit=200)
        assert "learning rate" in message["message"]
        assert not receive_until(ws, "state")["playing"]


def session_id(client):
    (tab_id,) = client.app_state.tabs
    return tab_id


def test_upload_route(client):
    with client.websocket_connect("/ws") as ws:
        start(ws)
        sid = session_id(client)
        rows = csv_bytes([(i, (i * 7) % 5, i % 2) for i in range(20)])
        response = client.post(f"/api/{sid}/upload?name=mine.csv", content=rows)
        assert response.status_code == 200 and response.json() == {"ok": True}
        data = receive_until(ws, "data")
        assert len(data["train"]["x1"]) == 10
        assert receive_until(ws, "state")["uploaded"]
        bad = client.post(f"/api/{sid}/upload?name=mine.csv", content=b"1,2,0\n1,x,0\n")
        assert bad.status_code == 400 and "mine.csv, line 2, column 2" in bad.json()["error"]
        big = client.post(f"/api/{sid}/upload", content=b"1" * (protocol.MAX_UPLOAD_BYTES + 10))
        assert big.status_code == 413
        assert client.post("/api/nobody/upload", content=rows).status_code == 404


def test_export_routes(client, tmp_path):
    with client.websocket_connect("/ws") as ws:
        start(ws)
        ws.send_json({"type": "step"})
        receive_until(ws, "frame")
        sid = session_id(client)
        model = client.get(f"/api/{sid}/model.npz")
        assert model.status_code == 200 and "attachment" in model.headers["content-disposition"]
        (tmp_path / "m.npz").write_bytes(model.content)
        net = gn.load(str(tmp_path / "m.npz"))
        tab = client.app_state.tabs[sid]
        np.testing.assert_array_equal(net.parameters, tab.session.net.parameters)
        assert client.get(f"/api/{sid}/data.csv").text.startswith("x1,x2,label")
        assert "gn.Network.from_layers" in client.get(f"/api/{sid}/snippet.py").text
        assert client.get(f"/api/{sid}/weights.exe").status_code == 404
        assert client.get("/api/nobody/model.npz").status_code == 404


def test_closing_the_tab_ends_its_session(client):
    with client.websocket_connect("/ws") as ws:
        start(ws)
        ws.send_json({"type": "play"})
        receive_until(ws, "frame")
        assert len(client.app_state.tabs) == 1
    for _ in range(100):
        if not client.app_state.tabs:
            break
        import time

        time.sleep(0.02)
    assert client.app_state.tabs == {}


def test_sockets_from_other_sites_are_refused(client):
    from starlette.websockets import WebSocketDisconnect

    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect("/ws", headers={"origin": "http://evil.example"}) as ws:
            ws.receive()


# ====================================================================== the command
def test_cli_playground_options(monkeypatch, capsys):
    from glassnet.cli import main
    from glassnet.playground import server

    calls = []

    def fake_serve(host, port, ready=None, allowed_hosts=()):
        calls.append((host, port))
        ready(f"http://{host}:{port}/")

    monkeypatch.setattr(server, "serve", fake_serve)
    assert main(["playground", "--port", "8123"]) == 0
    assert calls == [("127.0.0.1", 8123)]
    assert "http://127.0.0.1:8123/" in capsys.readouterr().out
    assert main(["playground", "--host", "0.0.0.0", "--port", "0"]) == 0
    captured = capsys.readouterr()
    assert "all interfaces" in captured.err and "http://127.0.0.1:0/" in captured.out
    with pytest.raises(SystemExit) as exit_info:
        main(["playground", "--port", "http"])
    assert exit_info.value.code == 2
