"""The playground's features of issue 16: stop conditions (an epoch, a test loss, a test
accuracy or R²), the loss choice and R², the custom input feature, the extended limits."""

import io
import re
import zipfile

import numpy as np
import pytest

import glassnet as gn
import test_playground_server as server_tests
from glassnet import datasets, expressions
from glassnet.cli import main as cli_main
from glassnet.errors import ConfigError
from glassnet.playground import protocol
from glassnet.playground.session import Session

client, receive_until = server_tests.client, server_tests.receive_until  # a fixture, a helper


def session_with(**changes):
    return Session(protocol.check_settings(changes, protocol.defaults()))


def test_stop_at_epoch_pauses_there_and_says_why():
    s = session_with(stopEpoch=3)
    s.playing = True
    s.train(10)
    assert s.epoch == 3 and not s.playing
    assert "epoch 3" in s.stopped


def test_stop_at_test_loss_stops_once_it_is_reached():
    s = session_with(stopLoss=1e6)  # any finite loss is below it: stops after epoch 1
    s.train(10)
    assert s.epoch == 1 and "test loss" in s.stopped
    assert s.scores()["testLoss"] <= 1e6


def _r2(A, Y):  # written here from its definition, not glassnet.metrics.r2
    return 1.0 - float(np.sum((Y - A) ** 2) / np.sum((Y - Y.mean()) ** 2))


def _accuracy(A, Y):
    return float(np.mean((A >= 0.5) == (Y == 1)))


def _first_epoch_met(changes, measure, goal):
    """An independent replay: the same session without a stop condition, trained one
    epoch at a time; the first epoch at which measure(A_test, Y_test) reaches goal."""
    replay = session_with(**changes)
    for epoch in range(1, 400):
        replay.train(1)
        if goal(measure(replay.net.forward(replay.A_test), replay.Y_test)):
            return epoch
    raise AssertionError("the replay never met the condition")


@pytest.mark.parametrize(("changes", "stop", "measure", "goal", "named"), [
    ({"problem": "regression"}, {"stopScore": 0.95}, _r2, lambda v: v >= 0.95, "test R² "),
    ({"seed": 1}, {"stopScore": 0.8}, _accuracy, lambda v: v >= 0.8, "test accuracy "),
    ({}, {"stopLoss": 0.3}, lambda A, Y: float(np.mean(
        -(Y * np.log(A) + (1 - Y) * np.log(1 - A)))), lambda v: v <= 0.3, "test loss "),
])
def test_stop_condition_stops_at_the_first_epoch_it_holds(changes, stop, measure, goal, named):
    expected = _first_epoch_met(changes, measure, goal)
    assert expected > 3  # the condition does not hold from the start
    s = session_with(**changes, **stop)
    s.playing = True
    s.train(1000)
    assert s.epoch == expected and not s.playing
    assert s.stopped.startswith(f"stopped: {named}")
    assert goal(measure(s.net.forward(s.A_test), s.Y_test))


def test_no_condition_never_stops():
    s = session_with()
    s.train(5)
    assert s.epoch == 5 and s.stopped is None


@pytest.mark.parametrize(("changes", "stop", "named"), [
    ({}, {"stopEpoch": 3}, "stopEpoch=3"),
    ({"seed": 1}, {"stopScore": 0.8}, "test accuracy "),
    ({}, {"stopLoss": 0.3}, "test loss "),
])
def test_play_with_its_stop_condition_met_says_so_and_does_not_train(changes, stop, named):
    s = session_with(**changes, **stop)
    assert s.play()
    s.train(1000)
    stopped_at, W = s.epoch, s.net.parameters.copy()
    for _ in range(2):  # each press of Play: refused, nothing trained
        assert not s.play() and not s.playing
        assert named in s.stopped and "Play trains on once the condition is changed" in s.stopped
        assert s.epoch == stopped_at
        np.testing.assert_array_equal(s.net.parameters, W)
    s.apply({key: 0 for key in stop})  # the condition cleared: Play trains on
    assert s.stopped is None and s.play() and s.stopped is None
    s.train(2)
    assert s.epoch == stopped_at + 2
    s.apply(stop)  # met again (the network trained on); Reset to epoch 0 lets Play train
    assert not s.play()
    s.reset()
    assert s.stopped is None and s.play()


def test_play_after_a_stop_trains_again_once_the_condition_moves():
    s = session_with(stopEpoch=3)
    s.play()
    s.train(10)
    s.apply({"stopEpoch": 5})
    assert s.play()
    s.train(10)
    assert s.epoch == 5 and "stopEpoch=5" in s.stopped and not s.play()


def test_play_over_the_socket_with_the_stop_epoch_reached_stays_at_it(client):
    with client.websocket_connect("/ws") as ws:
        server_tests.start(ws, "#stopEpoch=2&speed=1")
        ws.send_json({"type": "play"})
        first = receive_until(ws, "frame", where=lambda m: not m["playing"])
        assert first["epoch"] == 2 and first["stopped"].startswith("stopped at epoch 2")
        for _ in range(2):
            ws.send_json({"type": "play"})
            assert not receive_until(ws, "state")["playing"]
            again = receive_until(ws, "frame")
            assert again["epoch"] == 2 and not again["playing"]
            assert "(stopEpoch=2); Play trains on" in again["stopped"]
        ws.send_json({"type": "set", "settings": {"stopEpoch": 4}})
        ws.send_json({"type": "play"})
        moved = receive_until(ws, "frame", limit=100, where=lambda m: not m["playing"]
                              and m["epoch"] > 2)
        assert moved["epoch"] == 4 and moved["stopped"].startswith("stopped at epoch 4")


def test_stop_settings_are_in_the_link():
    state = protocol.check_settings({"stopEpoch": 40, "stopLoss": 0.05, "stopScore": 0.9},
                                    protocol.defaults())
    back = protocol.parse_hash(protocol.to_hash(state))
    back = back[0] if isinstance(back, tuple) else back
    assert (back["stopEpoch"], back["stopLoss"], back["stopScore"]) == (40, 0.05, 0.9)


@pytest.mark.parametrize("changes", [{"stopScore": 1.5}, {"stopLoss": -1},
                                     {"stopEpoch": -2}, {"stopLoss": "nan"}])
def test_bad_stop_values_are_refused_naming_the_setting(changes):
    with pytest.raises(ConfigError, match=next(iter(changes))):
        protocol.check_settings(changes, protocol.defaults())


# ---------------------------------------------------------------------- loss choice, R²
@pytest.mark.parametrize(("dataset", "loss", "output", "expected"), [
    ("circle", "crossEntropy", "sigmoid", "binary_cross_entropy"),
    ("circle", "squaredError", "sigmoid", "half_squared_error"),
    ("spiral3", "crossEntropy", "softmax", "categorical_cross_entropy"),
    ("spiral3", "squaredError", "softmax", "half_squared_error"),
])
def test_loss_choice_in_glassnet_recipe(dataset, loss, output, expected):
    s = session_with(dataset=dataset, loss=loss)
    assert (s.net.output_activation.name, s.net.loss.name) == (output, expected)
    assert s.describe()["loss"] == expected
    assert f"loss={expected!r}" in s.snippet()
    s.train(3)  # trains: the loss is finite
    assert np.isfinite(s.scores()["trainLoss"])


def test_squared_error_loss_is_the_half_squared_error_of_the_probabilities():
    s = session_with(loss="squaredError", seed=3)
    s.train(2)
    A = s.net.forward(s.A_train)
    assert s.scores()["trainLoss"] == pytest.approx(
        float(np.mean(0.5 * (A - s.Y_train) ** 2)), rel=1e-12)


def test_loss_choice_leaves_tensorflow_recipe_and_regression_alone():
    tf = session_with(recipe="tensorflow", loss="crossEntropy")
    assert (tf.net.output_activation.name, tf.net.loss.name) == ("tanh", "half_squared_error")
    reg = session_with(problem="regression", loss="crossEntropy")
    assert (reg.net.output_activation.name, reg.net.loss.name) == ("linear",
                                                                    "half_squared_error")


def test_r2_is_shown_for_regression_only():
    r = session_with(problem="regression")
    r.train(5)
    scores = r.scores()
    for part, A0, Y in (("train", r.A_train, r.Y_train), ("test", r.A_test, r.Y_test)):
        assert scores[f"{part}R2"] == pytest.approx(_r2(r.net.forward(A0), Y), rel=1e-12)
        assert scores[f"{part}Accuracy"] is None
    c = session_with()
    assert c.scores()["testR2"] is None and c.scores()["testAccuracy"] is not None


def test_r2_by_hand():
    # Y = (1, 2, 3), A = (1, 2, 4): Σ(y − a)² = 1, Σ(y − ȳ)² = 2, R² = 1 − 1/2
    assert gn.metrics.r2(np.array([[1.0, 2.0, 4.0]]), np.array([[1.0, 2.0, 3.0]])) == 0.5


# ---------------------------------------------------------------------- custom feature
def test_expression_values_by_hand():
    x1, x2 = np.array([2.0, -1.0, 0.5]), np.array([0.0, 3.0, -2.0])
    # x1·sin(x2) + x1² − x2 at (2, 0): 0 + 4 − 0 = 4; at (−1, 3): −sin 3 + 1 − 3
    e = expressions.parse("x1*sin(x2) + x1^2 - x2")
    np.testing.assert_allclose(e.evaluate(x1, x2), [4.0, -np.sin(3.0) - 2.0,
                                                    0.5 * np.sin(-2.0) + 2.25], rtol=1e-15)
    assert expressions.parse("2^3^2").evaluate(x1, x2)[0] == 512.0  # right-associative
    assert expressions.parse("-x1^2").evaluate(x1, x2)[0] == -4.0  # −(x1²)
    assert expressions.parse("x1 ** 2 / (1 + abs(x2))").evaluate(x1, x2)[1] == 0.25
    assert expressions.parse("pi * e").evaluate(x1, x2)[0] == np.pi * np.e


@pytest.mark.parametrize("text", [
    "x1*sin(x2)", "x1^2 - x2", "sqrt(abs(x1)) * exp(-x2^2 / 2)", "tanh(3*x1) - 0.5e-1",
    "-(x1 + x2) ** 3", "log(1 + x1^2)", "7",
])
def test_numpy_source_computes_the_same_values_bit_for_bit(text):
    rng = np.random.default_rng(0)
    x1, x2 = rng.uniform(-6, 6, (2, 500))
    e = expressions.parse(text)
    computed = np.broadcast_to(eval(e.numpy_source(), {"np": np, "x1": x1, "x2": x2}),
                               x1.shape)
    np.testing.assert_array_equal(computed, e.evaluate(x1, x2))


@pytest.mark.parametrize(("text", "message"), [
    ("__import__(x1)", "unknown name '__import__' at position 1"),
    ("__import__('os').system('ls')", "unexpected character \"'\" at position 12"),
    ("x1.__class__", "unexpected character '.' at position 3"),
    ("x1; x2", "unexpected character ';' at position 3"),
    ("open(x1)", "unknown name 'open'"),
    ("lambda", "unknown name 'lambda'"),
    ("sin x1", "expected '\\(' after the function sin at position 5"),
    ("x1 +", "found the end of the text"),
    ("2x1", "expected an operator .* at position 2 .* found 'x1'"),
    ("(x1", "expected '\\)'"),
    ("x1)", "expected an operator"),
    ("", "empty"),
    ("1e999", "beyond"),
    ("(" * 20 + "x1" + ")" * 20, "nests more than 12 deep"),
    ("-" * 30 + "x1", "nests more than 12 deep"),
    ("sin(" * 14 + "x1" + ")" * 14, "nests more than 12 deep"),
    ("x1+" * 60 + "x1", "the limit is 120"),
])
def test_bad_expressions_are_refused_naming_the_token(text, message):
    with pytest.raises(ConfigError, match=message):
        expressions.parse(text)


@pytest.mark.parametrize(("text", "message"), [
    ("log(x1)", "not a number \\(NaN\\) .*log of -?[0-9.]+ is nan \\(log needs a positive"),
    ("sqrt(x2)", "sqrt of -[0-9.]+ is nan"),
    ("x1^1000", "infinite .*the power \\^ of .*large powers overflow"),
    ("9^9^9", "infinite"),
    ("exp(1000 + x1)", "infinite .*exp of 99[0-9.]+ is inf \\(exp overflows"),
    ("exp(x1^4)", "is [0-9.]+e\\+[0-9]+ on a training example at .*within ±1e\\+06"),
    ("1/(x1 - x1)", "division /"),
    ("x1^0.5", "NaN"),
])
def test_expressions_not_finite_on_the_data_or_view_are_refused(text, message):
    opened = session_with(customFeature=text)  # a link: opens without it, and says why
    assert opened.state["customFeature"] == "" and re.search(message, opened.problems[0])
    s = session_with()
    with pytest.raises(ConfigError, match=message):
        s.apply({"customFeature": text})
    assert s.state["customFeature"] == "" and s.net.n_x == 2  # nothing changed


def test_custom_feature_feeds_the_network_and_is_kept_in_the_link():
    s = session_with(customFeature="x1*sin(x2)", x=False)
    assert s.net.n_x == 2  # x2 and the custom feature
    X = s.data.X_train
    np.testing.assert_array_equal(s.A_train[1], X[0] * np.sin(X[1]))
    state, problems = protocol.parse_hash(protocol.to_hash(s.state))
    assert problems == [] and state["customFeature"] == "x1*sin(x2)"
    assert s.describe()["customMap"]  # the page draws its map
    s.train(3)
    explained = s.explain(1, 0, 2.0, 1.0)
    assert explained["inputs"] == ["x2", "x1*sin(x2)"]
    assert explained["a_prev"] == pytest.approx([1.0, 2.0 * np.sin(1.0)], rel=1e-15)


def test_a_link_with_a_custom_feature_not_finite_opens_without_it():
    state, problems = protocol.parse_hash("customFeature=log(x1)&networkShape=3")
    assert problems == []  # the formula parses; only the data tells
    s = Session(state)
    assert s.state["customFeature"] == "" and s.state["networkShape"] == [3]
    assert len(s.problems) == 1 and "log of" in s.problems[0]


def test_custom_feature_using_x2_is_refused_on_one_input_data():
    s = session_with(problem="regression", regDataset="curve")
    with pytest.raises(ConfigError, match="one input, x1: the custom feature 'x1\\*x2' uses x2"):
        s.apply({"customFeature": "x1*x2"})
    s.apply({"customFeature": "sin(3*x1)"})
    assert s.net.n_x == 2


def test_custom_feature_alone_is_enough():
    s = session_with(customFeature="x1^2 + x2^2", x=False, y=False)
    assert s.net.n_x == 1
    s.train(2)


def test_custom_feature_is_exported_with_the_model_and_in_the_snippet():
    s = session_with(customFeature="x1^2 - x2", xTimesY=True, networkShape=[3])
    s.train(4)
    raw = s.model_bytes()
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert "x1^2 - x2" in archive.read("glassnet.json").decode()
    kind, meta, arrays = gn.io.read_archive(_write(raw))
    assert meta["features"] == ["x1", "x2", "x1*x2", "x1^2 - x2"]
    net = gn.io.rebuild(kind, meta, arrays)
    # the model on the features rebuilt from the file's names gives the session's output
    X = s.data.X_test
    names, custom = meta["features"][:-1], expressions.parse(meta["features"][-1])
    A0 = np.vstack([datasets.features(X, names), custom.evaluate(X[0], X[1])[None]])
    np.testing.assert_array_equal(net.forward(A0), s.net.forward(s.A_test))
    code = s.snippet().replace("epochs=100", "epochs=1")
    assert "((x1 ** 2.0) - x2)" in code and "eval" not in code
    space = {}
    exec(compile(code, "snippet.py", "exec"), space)
    np.testing.assert_array_equal(space["A_train"], s.A_train)
    np.testing.assert_array_equal(space["A_test"], s.A_test)


@pytest.mark.parametrize("changes", [
    {"x": False, "y": False, "xSquared": True, "sinX": True},  # two inputs, as x1, x2 are
    {"customFeature": "x1^2 - x2", "xTimesY": True, "networkShape": [3]},
    {"problem": "regression", "regDataset": "curve", "customFeature": "sin(3*x1)"},
])
def test_glassnet_predict_computes_a_playground_models_features(changes, tmp_path, capsys):
    s = session_with(**changes)
    s.train(3)
    (tmp_path / "model.npz").write_bytes(s.model_bytes())
    (tmp_path / "data.csv").write_text(s.data_csv())  # x1[, x2], label: the raw columns
    assert cli_main(["predict", str(tmp_path / "model.npz"), str(tmp_path / "data.csv")]) == 0
    got = np.loadtxt(io.StringIO(capsys.readouterr().out), ndmin=2, delimiter=",").T
    expected = s.net.forward(np.hstack([s.A_train, s.A_test]))  # the session's own outputs
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)  # printed to 10 digits
    assert cli_main(["info", str(tmp_path / "model.npz")]) == 0
    assert f"fed to the network as {', '.join(s._feature_names())}" in capsys.readouterr().out


def test_glassnet_predict_refuses_where_a_playground_formula_is_not_finite(tmp_path, capsys):
    s = session_with(customFeature="sqrt(x1 + 7)")  # finite on the view [-6, 6]²
    (tmp_path / "model.npz").write_bytes(s.model_bytes())
    (tmp_path / "x.csv").write_text("x1,x2\n1,2\n-20,0.5\n")
    assert cli_main(["predict", str(tmp_path / "model.npz"), str(tmp_path / "x.csv")]) != 0
    err = capsys.readouterr().err
    assert "'sqrt(x1 + 7)' is not a number (NaN)" in err and "x1 = -20, x2 = 0.5" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("extra", "culprit"), [
    ({"features": "x1"}, "are not a list of names"),
    ({"features": ["x1", "x2", "x1^2"]}, "lists 3 features, but the network takes n_x = 2"),
    ({"features": ["x1", "open(x2)"]}, "a feature it lists is not a formula"),
    ({"features": ["x1", "x2"], "inputs": 1}, "not 1 (x1) or 2 (x1, x2) for the features"),
])
def test_glassnet_predict_refuses_a_playground_model_with_bad_features(extra, culprit,
                                                                       tmp_path, capsys):
    net = gn.Network([2, 1], seed=0)
    gn.io.write_archive(tmp_path / "model.npz", "network", {**net.config(), **extra},
                        {"parameters": net.parameters})
    (tmp_path / "x.csv").write_text("1,2\n")
    assert cli_main(["predict", str(tmp_path / "model.npz"), str(tmp_path / "x.csv")]) != 0
    err = capsys.readouterr().err
    assert culprit in err and "Traceback" not in err


def _write(raw):
    import tempfile

    path = tempfile.mktemp(suffix=".npz")
    with open(path, "wb") as file:
        file.write(raw)
    return path


# ---------------------------------------------------------------------- limits
def test_tensorflow_limits_by_default_extended_on_request():
    with pytest.raises(ConfigError, match="at most 6 hidden layers \\(limits=extended"):
        protocol.check_settings({"networkShape": [2] * 7}, protocol.defaults())
    with pytest.raises(ConfigError, match="from 1 to 8 \\(limits=extended allows up to 10 and 16"):
        protocol.check_settings({"networkShape": [9]}, protocol.defaults())
    state = protocol.check_settings({"limits": "extended", "networkShape": [16] * 10},
                                    protocol.defaults())
    s = Session(state)
    assert s.net.sizes == [2, *[16] * 10, 1]
    assert s.describe()["limits"] == {"layers": 10, "neurons": 16}
    s.train(1)
    header, maps = gn.playground.wire.unpack(s.frame())
    # a key frame: every neuron's small map (THUMB²), then the output's at full size (GRID²)
    assert maps.size == (16 * 10 + 1) * gn.playground.wire.THUMB ** 2 + 100 * 100


@pytest.mark.parametrize("shape", [[2] * 11, [17], [0]])
def test_extended_limits_have_hard_caps(shape):
    with pytest.raises(ConfigError, match="networkShape"):
        protocol.check_settings({"limits": "extended", "networkShape": shape},
                                protocol.defaults())


def test_limits_are_kept_in_the_link_whatever_the_order():
    state, problems = protocol.parse_hash("networkShape=12,3&limits=extended")
    assert problems == [] or "at most 10" in problems[0]
    state, problems = protocol.parse_hash("networkShape=12,3,9&limits=extended")
    assert problems == [] and state["networkShape"] == [12, 3, 9]
    assert "limits=extended" in protocol.to_hash(state)
    state, problems = protocol.parse_hash("networkShape=12,3")
    assert state["networkShape"] == [4, 2] and "from 1 to 8" in problems[0]


def test_going_back_to_tensorflow_limits_with_a_big_network_is_refused():
    state = protocol.check_settings({"limits": "extended", "networkShape": [12]},
                                    protocol.defaults())
    with pytest.raises(ConfigError, match="from 1 to 8"):
        protocol.check_settings({"limits": "tensorflow"}, state)


def test_loss_and_custom_feature_round_trip_the_link():
    state = protocol.check_settings({"loss": "squaredError", "customFeature": "x1 * cos(x2)",
                                     "limits": "extended"}, protocol.defaults())
    back, problems = protocol.parse_hash(protocol.to_hash(state))
    assert problems == []
    assert {k: back[k] for k in ("loss", "customFeature", "limits")} == {
        "loss": "squaredError", "customFeature": "x1 * cos(x2)", "limits": "extended"}
