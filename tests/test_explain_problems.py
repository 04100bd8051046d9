"""Problem files: YAML and JSON read alike; an incomplete or inconsistent file gets an error
that names the field and what was expected."""

import json

import numpy as np
import pytest

from glassnet import explain
from glassnet.errors import ConfigError, DataError, FileFormatError, GlassnetError, ShapeError

SEED003 = """
X: [[0, 0, 1, 1], [0, 1, 0, 1]]
Y: [0, 1, 1, 1]
layers:
  - W: [[0.2, 0.4], [0.3, 0.5]]
    b: [0.3, 0.5]
    activation: sigmoid
  - W: [[0.4, 0.6]]
    b: [0.5]
    activation: sigmoid
loss: half_squared_error
learning_rate: 0.5
"""


def write(tmp_path, text, name="problem.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_and_json_problems_are_the_same_problem(tmp_path):
    import yaml

    data = yaml.safe_load(SEED003)
    from_yaml = explain.load_problem(write(tmp_path, SEED003))
    from_json = explain.load_problem(write(tmp_path, json.dumps(data), "problem.json"))
    for p in (from_yaml, from_json):
        assert p.network.sizes == [2, 2, 1] and p.learning_rate == 0.5 and p.steps == 1
        assert p.network.loss.name == "half_squared_error" and p.notation == "W,b"
        np.testing.assert_array_equal(p.network.b[1], [[0.3], [0.5]])
        np.testing.assert_array_equal(p.Y, [[0, 1, 1, 1]])
    assert np.array_equal(from_yaml.trace()["dW[1]"], from_json.trace()["dW[1]"])


def test_bias_columns_flat_lists_and_the_notation_they_imply(tmp_path):
    p = explain.load_problem(write(tmp_path, "X: [1, 4, 0.5]\nlayers:\n"
                                             "  - W_tilde: [-1, 2, 0.5, -2]\n"
                                             "    activation: sigmoid\n"))
    assert p.notation == "bias-column" and p.Y is None
    np.testing.assert_array_equal(p.X, [[1], [4], [0.5]])  # a flat X is one example
    np.testing.assert_array_equal(p.network.W[1], [[2, 0.5, -2]])
    np.testing.assert_array_equal(p.network.b[1], [[-1]])
    # YAML reads 1e-3 as text; a number written so is still a number
    p = explain.load_problem(write(tmp_path, "X: [2]\nY: [1]\nlearning_rate: 1e-3\nlayers:\n"
                                             "  - {W: 0.5, b: -0.5, activation: sigmoid}\n"))
    assert p.learning_rate == 0.001


def test_an_architecture_alone_is_a_problem_of_shapes(tmp_path):
    p = explain.load_problem(write(tmp_path, "n_x: 5\nm: 3\nlayers:\n"
                                             "  - {units: 4, activation: relu}\n"
                                             "  - {units: 2, activation: sigmoid}\n"))
    assert not p.given_parameters and p.network.sizes == [5, 4, 2]
    assert "Z[1] (4×3)" in p.trace().to_text()
    with pytest.raises(ConfigError, match="shapes only"):
        explain.check(p, {"Z[1]": 0})
    # its shapes and counts are checked instead
    result = explain.check(p, {"shape of W[1]": "4×5", "shape of Z[1]": "(4, 3)",
                               "parameters": "36", "parameters of layer 2": "8"})
    assert [j.verdict for j in result.judged] == ["right", "right", "wrong", "wrong"]
    assert not result.ok and "Result: 2 of 4 values right." in result.report()


@pytest.mark.parametrize("change, error, message", [
    (lambda d: d.pop("layers"), ConfigError, "layers: missing"),
    (lambda d: d.update(learning_rte=0.5), ConfigError, "unknown field 'learning_rte'"),
    (lambda d: d["layers"][1].update(W=[[0.4, 0.6, 0.1]]), ShapeError,
     r"layer 2: W\[2\] has 3 columns but layer 1 has 2 units .*\(1, 2\)"),
    (lambda d: d["layers"][0].update(b=[0.3, 0.5, 0.1]), ShapeError,
     r"layer 1: b\[1\] has shape \(3, 1\) but W\[1\] has 2 rows"),
    (lambda d: d["layers"][0].update(activation="sigmoidd"), ConfigError,
     "layer 1: activation: unknown activation 'sigmoidd'"),
    (lambda d: d["layers"][0].pop("activation"), ConfigError, "layer 1: activation is missing"),
    (lambda d: d["layers"][0].pop("b"), ConfigError, r"layer 1: b\[1\] is missing"),
    (lambda d: d["layers"][0].update({"W̃": [[1, 2, 3]]}), ConfigError, "not both"),
    (lambda d: d["layers"][0].update(W=[[0.2, "x"], [0.3, 0.5]]), ConfigError,
     r"layer 1: W\[1\]\[1,2\]: expected a number, got 'x'"),
    (lambda d: d["layers"][0].update(W=[[0.2, 0.4], [0.3]]), ShapeError,
     "rows have different lengths"),
    (lambda d: d["layers"][0].update(W=[[0.2, float("nan")], [0.3, 0.5]]), DataError,
     r"W\[1\]\[1,2\] is nan"),
    (lambda d: d.update(X=[[0, 0, 1, 1]]), ShapeError, "X has 1 row but W.1. has 2 columns"),
    (lambda d: d.update(X=[[0, 0], [0, 1], [1, 0], [1, 1]]), ShapeError, "transpose X"),
    (lambda d: d.update(Y=[0, 1, 1]), ShapeError, r"Y has shape \(1, 3\) but must have shape"),
    (lambda d: d.pop("X"), ConfigError, "X: missing"),
    (lambda d: d.pop("learning_rate"), ConfigError, "learning_rate: missing"),
    (lambda d: d.update(learning_rate=-1), ConfigError, "learning_rate α must be a finite number > 0"),
    (lambda d: d.update(steps=0), ConfigError, "steps must be a whole number ≥ 1"),
    (lambda d: d.update(steps=1.5), ConfigError, "steps: expected a whole number"),
    (lambda d: d.update(loss="hinge"), ConfigError, "loss: unknown loss 'hinge'"),
    (lambda d: d.update(loss="binary_cross_entropy", Y=[0, 2, 1, 1]), DataError,
     "Y: binary cross-entropy needs targets y in"),
    (lambda d: d.update(notation="tilde"), ConfigError, "notation: expected"),
    (lambda d: (d.pop("Y"), d.update(steps=2)), ConfigError, "Y: missing"),
    (lambda d: d["layers"][1].update(units=1), ConfigError, "layer 2: give units .* not both"),
    (lambda d: d["layers"][1].update(bias=1), ConfigError, "layer 2: unknown field 'bias'"),
])
def test_bad_problems_name_the_field_and_what_was_expected(tmp_path, change, error, message):
    import yaml

    data = yaml.safe_load(SEED003)
    change(data)
    with pytest.raises(error, match=message) as info:
        explain.load_problem(write(tmp_path, json.dumps(data), "bad.json"))
    assert str(info.value).startswith("bad.json: ")


def test_unreadable_files(tmp_path):
    with pytest.raises(FileFormatError, match="cannot read"):
        explain.load_problem(tmp_path / "missing.yaml")
    with pytest.raises(FileFormatError, match="line 2: not valid YAML"):
        explain.load_problem(write(tmp_path, "X: [1, 2\nlayers: [\n"))
    with pytest.raises(FileFormatError, match="line 1"):
        explain.load_problem(write(tmp_path, "{'X': 1}", "p.json"))
    with pytest.raises(FileFormatError, match="must hold a mapping"):
        explain.load_problem(write(tmp_path, "- 1\n- 2\n"))
    with pytest.raises(GlassnetError, match="n_x: missing"):
        explain.load_problem(write(tmp_path, "layers:\n  - {units: 2, activation: relu}\n"))
    with pytest.raises(ConfigError, match="no example named"):
        explain.example_path("seed999")


PARAMETRIC = """
X: [[-1, 2]]
Y: [[0, 1]]
layers:
  - {W: [[1.0], [0.5]], b: [0, -2], activation: {name: leaky_relu, slope: 0.2}}
  - {W: [[1.0, -1.0]], b: [-1.5], activation: {name: elu, alpha: 3}}
loss: half_squared_error
learning_rate: 0.5
"""


def test_activation_parameters_are_carried_through_trace_solution_and_check(tmp_path):
    path = tmp_path / "parametric.yaml"
    path.write_text(PARAMETRIC)
    problem = explain.load_problem(path)
    g1, g2 = (layer.activation for layer in problem.network.layers)
    assert (g1.name, g1.slope, g2.name, g2.alpha) == ("leaky_relu", 0.2, "elu", 3.0)
    t = problem.trace()
    # Z[1] = [[−1, 2], [−2.5, −1]]: slope 0.2 on the negative entries, not 0.01
    np.testing.assert_allclose(t["A[1]"], [[-0.2, 2.0], [-0.5, -0.2]], rtol=0, atol=1e-15)
    z2 = t["Z[2]"]
    np.testing.assert_allclose(t["A[2]"], np.where(z2 > 0, z2, 3 * np.expm1(z2)), rtol=1e-15)
    assert z2[0, 0] < 0  # the α branch is used
    dZ1 = t["dA[1]"] * np.where(t["Z[1]"] > 0, 1.0, 0.2)
    np.testing.assert_allclose(t["dZ[1]"], dZ1, rtol=1e-15)
    text = t.to_text(detail="full")
    assert "layer 1: 2 units, leaky_relu (slope = 0.2)" in text
    assert "where LeakyReLU(z) = z if z > 0 else 0.2·z" in text
    assert "LeakyReLU'(z) = 1 if z > 0 else 0.2." in text
    assert "where ELU(z) = z if z > 0 else 3(e^z − 1)" in text
    assert "ELU'(z) = 1 if z > 0 else 3·e^z" in text
    assert "A[1][1,1] = max(0.2·(−1), −1) = −0.2" in text
    z = f"{z2[0, 0]:.1f}".replace("-", "−")
    assert f"A[2][1,1] = elu({z}) = 3(e^{z} − 1) = " in text
    assert r"3(e^{z} - 1)" in t.to_latex(detail="full")
    data = t.to_dict()["network"]
    assert data["activation_parameters"] == [{"slope": 0.2}, {"alpha": 3.0}]
    # the checker works the same slope: 0.2·(−1) is right, 0.01·(−1) is not
    assert explain.check(problem, {"A[1][1,1]": "-0.200"}).ok
    assert not explain.check(problem, {"A[1][1,1]": "-0.010"}).ok
    a2 = f"{t['A[2]'][0, 0]:.3f}"
    assert explain.check(problem, {"A[2][1,1]": a2}).ok


def test_activation_parameters_in_a_problem_of_shapes_only():
    problem = explain.problem_from_dict({"n_x": 2, "layers": [
        {"units": 3, "activation": {"name": "leaky_relu", "slope": 0.3}},
        {"units": 1, "activation": "sigmoid"}]})
    assert problem.network.layers[0].activation.slope == 0.3
    assert "leaky_relu (slope = 0.3)" in problem.trace().to_text()


SHAPES = {"n_x": 3, "layers": [{"units": 3, "activation": "sigmoid"},
                               {"units": 1, "activation": "sigmoid"}]}
NUMBERS = {"X": [[0, 1]], "Y": [[0, 1]], "learning_rate": 0.5,
           "layers": [{"W": [[0.5]], "b": [0.1], "activation": "sigmoid"}]}


@pytest.mark.parametrize("change, message", [
    ({"X": [[1]]}, "X is given but the layers have no weights"),
    ({"Y": [[1]]}, "Y is given but the layers have no weights"),
    ({"learning_rate": 0.1}, "learning_rate is given but the layers have no weights"),
    ({"steps": 2}, "steps is given but the layers have no weights"),
    ({"n_x": 0}, "n_x must be a whole number ≥ 1, got 0"),
    ({"n_x": 2.5}, "n_x: expected a whole number, got 2.5"),
    ({"n_x": "three"}, "n_x: expected a number, got 'three'"),
    ({"n_x": True}, "n_x: expected a number, got True"),
    ({"m": 0}, "m must be a whole number ≥ 1, got 0"),
    ({"m": 1.5}, "m: expected a whole number"),
    ({"layers": [{"units": 0, "activation": "relu"}]}, "layer 1: units must be a whole number"),
    ({"layers": [{"units": 2, "activation": "relu"}, {"units": 1.5, "activation": "relu"}]},
     "layer 2: units: expected a whole number"),
    ({"layers": [{"units": 2, "activation": "relu", "W": [[1]]}]},
     "layer 1: in a problem of shapes only every layer gives units"),
    ({"layers": [{"units": 2, "activation": "relu", "Wt": [[1, 1]]}]},
     "layer 1: in a problem of shapes only every layer gives units"),
    ({"layers": [{"units": 2}]}, "layer 1: activation is missing"),
    ({"layers": [{"units": 2, "activation": "nope"}]}, "layer 1: activation: unknown"),
    ({"n_x": 5000, "layers": [{"units": 300, "activation": "relu"}]},
     "n_x: a network of 1,500,300 parameters \\(5000 → 300\\); a problem of shapes only "
     "has at most 1,000,000"),
    ({"n_x": 2, "layers": [{"units": 3, "activation": "relu"},
                           {"units": 400000, "activation": "relu"}]},
     "layer 2: units: a network of 1,600,009 parameters"),
    ({"notation": "W~"}, "notation: expected 'W,b' or 'bias-column', got 'W~'"),
    ({"products": "both"}, "products: expected 'weight-first'"),
    ({"title": 5}, "title: expected text, got 5"),
    ({"speed": 1}, "unknown field 'speed'; the fields are: title, source"),
    ({"layers": []}, "layers: missing; expected a list with one entry per layer"),
    ({"precision": {"digits": 3}}, "precision: expected decimals and/or significant"),
    ({"precision": {"decimals": -1}}, "precision: decimals: expected a whole number"),
    ({"precision": {"significant": 0}}, "precision: significant: expected 1 … 15, got 0"),
    ({"precision": {"decimals": 16}}, "precision: decimals: expected 0 … 15, got 16"),
    ({"precision": {"decimals": True}}, "precision: decimals: expected a whole number"),
])
def test_a_problem_of_shapes_only_refuses_each_bad_field(change, message):
    with pytest.raises(GlassnetError, match=message):
        explain.problem_from_dict({**SHAPES, **change})


def test_a_problem_of_shapes_only_is_read_field_by_field():
    p = explain.problem_from_dict({**SHAPES, "m": 4, "title": "T", "source": "S",
                                   "description": "D", "notation": "bias-column",
                                   "loss": "half_squared_error",
                                   "precision": {"significant": 3}})
    assert p.network.sizes == [3, 3, 1] and p.m == 4 and not p.given_parameters
    assert (p.title, p.source, p.description, p.notation) == ("T", "S", "D", "bias-column")
    assert p.network.loss.name == "half_squared_error" and not p.n_x_open
    assert (p.precision.decimals, p.precision.significant) == (None, 3)
    assert [layer.activation.name for layer in p.network.layers] == ["sigmoid", "sigmoid"]
    assert not p.network.parameters.any()  # nothing drawn: zeros, never shown
    t = p.trace()
    assert t.m == 4 and not t.steps and t.notation == "bias-column"
    assert explain.problem_from_dict(SHAPES).notation == "W,b"
    assert explain.problem_from_dict(SHAPES).m is None
    opened = explain.problem_from_dict({**SHAPES, "n_x": "open"})
    assert opened.n_x_open and opened.trace().n_x_open
    assert explain.problem_from_dict({**SHAPES, "precision": 2}).precision.decimals == 2
    with pytest.raises(GlassnetError, match="'cost' is not a name of a problem of shapes"):
        explain.check(p, {"cost": "1"})


@pytest.mark.parametrize("change, message", [
    ({"learning_rate": None}, "learning_rate: missing; the update W := W − α dW needs α"),
    ({"learning_rate": 0}, "learning_rate α must be a finite number > 0"),
    ({"learning_rate": "fast"}, "learning_rate: expected a number, got 'fast'"),
    ({"Y": None, "steps": 2}, "Y: missing; a gradient step"),
    ({"steps": 0}, "steps must be a whole number ≥ 1"),
    ({"steps": 1001}, "steps: 1001 steps; a problem file works at most 1000"),
    ({"X": [[0, 1], [1, 1]]}, "X has 2 rows but W\\[1\\] has 1 column"),
    ({"Y": [[0, 1, 1]]}, "Y has shape \\(1, 3\\) but must have shape \\(n\\[L\\], m\\) = \\(1, 2\\)"),
    ({"Y": [[0, 2]], "loss": "binary_cross_entropy"}, "Y: "),
])
def test_a_problem_with_numbers_refuses_each_bad_setting(change, message):
    data = {**NUMBERS, **change}
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(GlassnetError, match=message):
        explain.problem_from_dict(data)


def test_the_settings_of_a_problem_with_numbers():
    p = explain.problem_from_dict({**NUMBERS, "steps": 3, "learning_rate": "1e-3"})
    assert (p.steps, p.learning_rate) == (3, 0.001) and p.given_parameters
    forward = explain.problem_from_dict({k: v for k, v in NUMBERS.items()
                                         if k not in ("Y", "learning_rate")})
    assert forward.Y is None and forward.learning_rate is None and forward.steps == 1
    assert explain.problem_from_dict(NUMBERS).steps == 1
    assert repr(p) == "<Problem : Network(1 → 1)>"
