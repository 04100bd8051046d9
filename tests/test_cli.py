"""The command line: glassnet train / predict / info, run in-process and as a real program."""

import re
import shutil
import subprocess
import sys
import warnings

import numpy as np
import pytest

import glassnet as gn
from glassnet import csvfiles, datasets, metrics
from glassnet.cli import main
from glassnet.cli import train as train_command


def run(capsys, *argv):
    """(exit code, stdout, stderr) of ``glassnet argv``; usage errors exit via SystemExit."""
    try:
        code = main(list(map(str, argv)))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def scores(out):
    """{'training': (cost, score), 'test': (cost, score)} from train's report."""
    found = re.findall(r"^(training|test)\s+([-\d.e+]+)\s+([-\d.]+)%?$", out, flags=re.M)
    return {name: (float(cost), float(score)) for name, cost, score in found}


def circle_split(seed=0, noise=0.0):
    """The data `glassnet train` uses for the circle: each stream spawned from --seed."""
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(4)]
    X, y = datasets.playground("circle", noise=noise, seed=streams[0])
    return datasets.split(X, y, 0.5, seed=streams[1])


# ---------------------------------------------------------------------- train
def test_train_with_no_arguments_learns_the_circle(capsys, tmp_path):
    code, out, err = run(capsys, "train", "--save", tmp_path / "m.npz")
    assert code == 0, err
    assert "circle (TensorFlow Playground, noise 0): 250 training and 250 test examples" in out
    assert "2 → 8 → 8 → 1 (tanh, tanh, sigmoid), loss binary_cross_entropy" in out
    found = scores(out)
    assert found["test"][1] >= 95.0 and found["training"][1] >= 95.0
    # the report's numbers are those of the saved network on the same split
    net = gn.load(tmp_path / "m.npz")
    X_train, y_train, X_test, y_test = circle_split()
    for name, X, y in [("training", X_train, y_train), ("test", X_test, y_test)]:
        Y = (y > 0).astype(float).reshape(1, -1)
        assert found[name][0] == pytest.approx(net.cost(X, Y), rel=1e-3)
        assert found[name][1] == pytest.approx(100 * metrics.accuracy(net.forward(X), Y), abs=0.05)


def test_train_settings_reach_the_network_and_the_seed_fixes_everything(capsys, tmp_path):
    args = ["train", "xor", "--layers", 3, 5, "--activation", "relu", "sigmoid",
            "--initializer", "he_uniform", "--optimizer", "sgd", "--lr", 0.3,
            "--batch-size", 0, "--epochs", 7, "--l2", 0.01, "--noise", 0.1, "--seed", 4]
    code, out, _ = run(capsys, *args, "--save", tmp_path / "a.npz")
    assert code == 0
    assert "sgd, α = 0.3, batch size 250, 7 epochs, seed 4" in out
    net = gn.load(tmp_path / "a.npz")
    assert net.sizes == [2, 3, 5, 1] and net.l2 == 0.01
    assert [layer.activation.name for layer in net.layers] == ["relu", "sigmoid", "sigmoid"]
    assert net.layers[0].initializer.name == "he_uniform"
    assert run(capsys, *args, "--save", tmp_path / "b.npz")[0] == 0
    assert gn.load(tmp_path / "b.npz").parameters.tobytes() == net.parameters.tobytes()
    assert run(capsys, *args[:-1], 5, "--save", tmp_path / "c.npz")[0] == 0
    assert gn.load(tmp_path / "c.npz").parameters.tobytes() != net.parameters.tobytes()


def test_tanh_output_trains_on_plus_minus_one_targets(capsys, tmp_path):
    code, out, _ = run(capsys, "train", "gauss", "--output", "tanh", "--loss", "mse",
                       "--epochs", 20, "--save", tmp_path / "m.npz")
    assert code == 0 and "tanh), loss mean_squared_error" in out
    net = gn.load(tmp_path / "m.npz")
    _, _, X_test, y_test = datasets.split(*datasets.playground("gauss", seed=np.random.default_rng(
        np.random.SeedSequence(0).spawn(4)[0])), 0.5,
        seed=np.random.default_rng(np.random.SeedSequence(0).spawn(4)[1]))
    Y = y_test.reshape(1, -1)  # targets -1 / +1, threshold 0
    assert scores(out)["test"][0] == pytest.approx(net.cost(X_test, Y), rel=1e-3)
    assert scores(out)["test"][1] == pytest.approx(
        100 * metrics.accuracy(net.forward(X_test), Y, threshold=0.0), abs=0.05)


@pytest.mark.parametrize("name", train_command.BUILT_IN)
def test_every_built_in_data_set_trains(capsys, name):
    if name == "digits":
        pytest.importorskip("sklearn")
    code, out, err = run(capsys, "train", name, "--epochs", 2)
    assert code == 0, err
    assert ("R²" in out) == (name in ("reg-plane", "reg-gauss", "curve"))
    assert ("test" in out) != name.endswith("-gate")  # a truth table has no test set


def test_multi_class_data_gets_a_softmax_output(capsys):
    code, out, _ = run(capsys, "train", "spirals", "--classes", 4, "--samples", 80, "--epochs", 2)
    assert code == 0 and "→ 4 (tanh, tanh, softmax), loss categorical_cross_entropy" in out
    assert "40 training and 40 test examples" in out


def test_features_feed_the_feature_maps(capsys, tmp_path):
    code, out, _ = run(capsys, "train", "--features", "x1^2", "x2^2", "--layers",
                       "--epochs", 30, "--lr", 0.1, "--save", tmp_path / "m.npz")
    assert code == 0 and "2 → 1 on x1^2, x2^2 (sigmoid)" in out
    assert scores(out)["test"][1] >= 95.0  # a circle is linear in x1², x2²
    net = gn.load(tmp_path / "m.npz")
    assert net.W[1][0, 0] < 0 and net.W[1][0, 1] < 0  # inside (small r²) is class +1


def test_standardization_is_folded_into_the_first_layer():
    rng = np.random.default_rng(0)
    X = rng.normal([[300.0], [-0.02]], [[50.0], [0.01]], (2, 40))
    net = gn.Network([2, 3, 1], activations="tanh", seed=1)
    mu, sigma = train_command._standardization(X)
    expected = net.forward((X - mu) / sigma)
    train_command._fold_standardization(net, mu, sigma)
    assert np.allclose(net.forward(X), expected, rtol=0, atol=1e-12)


def write_csv(path, X, y):
    np.savetxt(path, np.vstack([X, y]).T, delimiter=",", header="a,b,label", comments="")
    return path


def test_csv_train_then_predict_then_info(capsys, tmp_path):
    X, y = datasets.moons(n_samples=120, noise=0.1, seed=0)
    X = X * [[1000.0], [0.001]]  # badly scaled inputs: --standardize handles them
    data = write_csv(tmp_path / "moons.csv", X, y)
    model = tmp_path / "moons.npz"
    code, out, err = run(capsys, "train", data, "--standardize", "--epochs", 60,
                         "--save", model)
    assert code == 0, err
    assert "moons.csv (classification): 60 training and 60 test examples" in out
    assert scores(out)["test"][1] >= 90.0
    code, out, _ = run(capsys, "predict", model, data)
    predicted = np.array(out.split(), dtype=float)
    assert code == 0 and predicted.shape == (120,) and set(predicted) <= {0.0, 1.0}
    net = gn.load(model)  # the saved network takes the raw, unscaled inputs
    assert np.array_equal(predicted, (net.forward(X)[0] >= 0.5).astype(float))
    assert np.mean(predicted == y) >= 0.9
    code, out, _ = run(capsys, "info", model)
    assert code == 0 and "total parameters: 105" in out
    assert "classification (0, 1) on 2 inputs" in out


def test_csv_label_column_and_task_guess(capsys, tmp_path):
    X, y = datasets.curve(n_samples=60, seed=0)
    path = tmp_path / "curve.csv"
    np.savetxt(path, np.vstack([y, X]).T, delimiter=",")  # the label comes first
    code, out, _ = run(capsys, "train", path, "--label-column", 0, "--epochs", 5,
                       "--save", tmp_path / "m.npz")
    assert code == 0 and "(regression)" in out and "R²" in out
    code, out, _ = run(capsys, "predict", tmp_path / "m.npz", path)  # drops column 0 again
    values = np.array(out.split(), dtype=float)
    net = gn.load(tmp_path / "m.npz")
    assert np.allclose(values, net.forward(X)[0], rtol=1e-9)
    np.savetxt(path, np.vstack([X, np.round(y)]).T, delimiter=",")  # labels -1, 0, 1
    code, out, _ = run(capsys, "train", path, "--epochs", 1)
    assert code == 0 and "(classification)" in out and "→ 3 (tanh, tanh, softmax)" in out
    code, out, _ = run(capsys, "train", path, "--task", "regression", "--epochs", 1)
    assert code == 0 and "(regression)" in out


def test_predict_with_a_plain_network_prints_its_output(capsys, tmp_path):
    net = gn.Network([2, 3], seed=0)  # softmax over 3 units
    gn.save(net, tmp_path / "net.npz")
    X = np.array([[0.5, -1.0], [2.0, 0.25], [0.0, 0.0]]).T
    np.savetxt(tmp_path / "x.csv", X.T, delimiter=",")
    code, out, _ = run(capsys, "predict", tmp_path / "net.npz", tmp_path / "x.csv",
                       "--output", tmp_path / "p.txt")
    assert code == 0 and out == f"wrote 3 predictions to {tmp_path / 'p.txt'}\n"
    rows = [[float(v) for v in line.split(",")] for line in
            (tmp_path / "p.txt").read_text().splitlines()]
    assert np.allclose(rows, net.forward(X).T, rtol=1e-9)


def test_predict_with_an_estimator(capsys, tmp_path):
    estimators = pytest.importorskip("glassnet.estimators")
    X, y = datasets.moons(n_samples=60, seed=1)
    model = estimators.MLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 5 epochs do not converge; they need not
        model.fit(X.T, y)
    gn.save(model, tmp_path / "est.npz")
    np.savetxt(tmp_path / "x.csv", X.T, delimiter=",")
    code, out, _ = run(capsys, "predict", tmp_path / "est.npz", tmp_path / "x.csv")
    assert code == 0 and out.split() == [str(v) for v in model.predict(X.T)]
    code, out, _ = run(capsys, "info", tmp_path / "est.npz")
    assert code == 0 and "MLPClassifier" in out and "total parameters" in out


def test_predict_column_mismatch_is_an_expected_error(capsys, tmp_path):
    gn.save(gn.Network([2, 1], seed=0), tmp_path / "net.npz")
    np.savetxt(tmp_path / "x.csv", np.ones((3, 5)), delimiter=",")
    code, out, err = run(capsys, "predict", tmp_path / "net.npz", tmp_path / "x.csv")
    assert code == 1 and out == ""
    assert err == f"glassnet: error: {tmp_path / 'x.csv'} has 5 feature columns, but the model takes 2 inputs\n"


# ---------------------------------------------------------------------- conventions
@pytest.mark.parametrize("argv", [
    ["train", "no-such-data"],
    ["train", "--layers", "0"],
    ["train", "--layers", "two"],
    ["train", "--activation", "sigmoidal"],
    ["train", "--optimizer", "newton"],
    ["train", "--lr", "0"],
    ["train", "--epochs", "0"],
    ["train", "--features", "x3"],
    ["train", "--train-ratio", "1"],
    ["train", "--save", "no-such-folder/m.npz"],
    ["train", "--frobnicate"],
    ["predict", "no-such-model.npz", "x.csv"],
    ["predict"],
    ["info"],
    ["explode"],
])
def test_usage_errors_exit_2_with_one_line(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("glassnet") and "Traceback" not in err


@pytest.mark.parametrize("command", ["train", "predict", "info"])
def test_help_on_every_command(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0 and out.startswith(f"usage: glassnet {command}")


def test_expected_errors_exit_1_without_traceback(capsys, tmp_path):
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("1,2,0\n3,oops,1\n")
    pickled = tmp_path / "model.pkl"
    pickled.write_bytes(b"\x80\x04K\x01.")
    cases = [
        (["train", bad_csv], "line 2, column 2: 'oops' is not a number"),
        (["train", "curve", "--features", "x1"], "--features maps the two inputs"),
        (["train", "--layers", 4, "--activation", "relu", "tanh"], "activations lists 2 names"),
        (["info", pickled], "is not a glassnet file"),
        (["predict", pickled, bad_csv], "is not a glassnet file"),
    ]
    for argv, message in cases:
        code, out, err = run(capsys, *argv)
        assert code == 1, argv
        assert err.startswith("glassnet: error: ") and message in err and err.count("\n") == 1


def test_an_unreadable_csv_is_an_expected_error(capsys, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "d.csv", np.zeros((2, 4)), np.arange(4) % 2)

    def refuse(path, label_column=-1, **options):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(csvfiles, "read", refuse)
    code, _, err = run(capsys, "train", path)
    assert code == 1 and err == f"glassnet: error: cannot read {path}: Permission denied\n"


def test_plot_writes_the_cost_curve_and_the_decision_boundary(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    code, out, err = run(capsys, "train", "--epochs", 5, "--plot", tmp_path / "run.png")
    assert code == 0, err
    for name in ["run.png", "run-boundary.png"]:
        assert f"wrote {tmp_path / name}" in out
        content = (tmp_path / name).read_bytes()
        assert content.startswith(b"\x89PNG") and len(content) > 5000
    code, out, _ = run(capsys, "train", "curve", "--epochs", 2, "--plot", tmp_path / "c.png")
    assert code == 0 and (tmp_path / "c.png").exists()
    assert not (tmp_path / "c-boundary.png").exists()  # 1-D regression: no plane to draw


# ---------------------------------------------------------------------- a real process
def glassnet_process(*argv, cwd):
    """Run the installed ``glassnet`` console script (or, if it is not on PATH, the same
    entry point through this Python)."""
    script = shutil.which("glassnet")
    program = [script] if script else [
        sys.executable, "-c", "import sys; from glassnet.cli import main; sys.exit(main())"]
    return subprocess.run([*program, *map(str, argv)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_exit_codes_of_the_real_program(tmp_path):
    done = glassnet_process("train", "--epochs", 3, "--save", "m.npz", cwd=tmp_path)
    assert done.returncode == 0 and "test" in done.stdout and done.stderr == ""
    done = glassnet_process("train", "nope", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    (tmp_path / "x.csv").write_text("1,2\n3,\n")
    done = glassnet_process("predict", "m.npz", "x.csv", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "line 2, column 2 is empty" in done.stderr
    done = glassnet_process("info", "m.npz", cwd=tmp_path)
    assert done.returncode == 0 and "total parameters: 105" in done.stdout
