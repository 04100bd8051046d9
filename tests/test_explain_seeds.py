"""Every exercise of the lecture notes, shipped as a problem file, worked by glassnet.

Each solution's numbers are compared with values worked out here from the definitions
(``math`` for single neurons, the independent ``by_hand`` reference for whole steps), and
with the notes' printed values where those are right; a comment names each place where
the notes' own hand arithmetic slips. Every number a rendered solution prints is checked
as well, and the shipped Markdown solutions must be up to date.
"""

import math
import re
from pathlib import Path

import numpy as np
import pytest

from glassnet import explain
from glassnet.explain import names
from test_explain_by_hand import by_hand


def sigma(z):
    return 1.0 / (1.0 + math.exp(-z))


def solve(name):
    return explain.load_problem(explain.example_path(name)).trace()


def test_every_seed_exercise_ships_as_a_problem_file():
    assert explain.examples() == [
        "seed000_1_single_neuron", "seed000_2_multivariate", "seed000_3_hidden_neuron",
        "seed000_4_dimensions", "seed000_5_symmetry", "seed001_two_layer_shapes",
        "seed002_three_layer_shapes", "seed003_math_problem", "seed004_forward_pass"]


# ------------------------------------------------------------------------------ seed 000
def test_seed000_1_single_neuron():
    t = solve("seed000_1_single_neuron")
    z = 0.5 * 2 + (-0.5)  # the notes: (0.5·2) + (−0.5) = 1.0 − 0.5 = 0.5
    assert t["Z[1]"][0, 0] == pytest.approx(z, abs=1e-15) and z == 0.5
    assert t["A[1]"][0, 0] == pytest.approx(sigma(0.5), rel=1e-14)
    assert round(sigma(0.5), 3) == 0.622  # the notes: ≈ 0.622
    text = t.to_text()
    assert "Z[1] = (0.5·2) + (−0.5) = 0.5" in text
    assert "A[1] = σ(0.5) = 1/(1 + e^−0.5) = 0.622" in text


def test_seed000_2_multivariate_with_a_bias_column():
    t = solve("seed000_2_multivariate")
    z = -1 * 1 + 2 * 1 + 0.5 * 4 + (-2) * 0.5  # the notes: −1 + 2 + 2 − 1 = 2
    assert t["Z[1]"][0, 0] == pytest.approx(z, abs=1e-15) and z == 2
    assert t["A[1]"][0, 0] == pytest.approx(sigma(2), rel=1e-14)
    assert round(sigma(2), 2) == 0.88  # the notes: σ(2) ≈ 0.88, so ŷ = 1
    text = t.to_text()
    assert "Z[1] = (−1·1) + (2·1) + (0.5·4) + (−2·0.5) = 2" in text  # the notes' own line
    assert "ŷ = 1 because a = 0.881 ≥ 0.5" in text
    assert "W̃[1] = [−1  2  0.5  −2]" in text


def test_seed000_3_hidden_neuron():
    t = solve("seed000_3_hidden_neuron")
    z = 0 + 0.1 * 10 + 0.2 * 20 + (-0.1) * 30  # the notes: 0 + 1 + 4 − 3 = 2
    assert t["Z[1]"][0, 0] == pytest.approx(z, abs=1e-14) and round(z, 12) == 2
    assert round(t["A[1]"][0, 0], 2) == 0.88  # the notes: a1[1] = σ(2) ≈ 0.88
    assert "Z[1] = (0·1) + (0.1·10) + (0.2·20) + (−0.1·30) = 2" in t.to_text()


def test_seed000_4_dimensions_of_the_bias_column_matrices():
    t = solve("seed000_4_dimensions")
    text = t.to_text()
    # the notes: W[1] is [n_h, n_x + 1] = [4, 6] and W[2] is [n_o, n_h + 1] = [2, 5]
    assert "W̃[1] (n[1] × (n[0] + 1)) = (4×6)" in text
    assert "W̃[2] (n[2] × (n[1] + 1)) = (2×5)" in text
    assert f"Total: {4 * 6} + {2 * 5} = {4 * 6 + 2 * 5} parameters." in text
    assert t.steps == []


def test_seed000_5_symmetry():
    t = solve("seed000_5_symmetry")
    # the notes: Z1[1] = Z2[1] = Σ 0·xᵢ = 0 and a1[1] = a2[1] = σ(0) = 0.5, for any input
    np.testing.assert_array_equal(t["Z[1]"], 0.0)
    np.testing.assert_array_equal(t["A[1]"], 0.5)
    assert t.symmetric_layers() == [1]
    assert "act as a single unit" in t.to_text()
    problem = explain.load_problem(explain.example_path("seed000_5_symmetry"))
    steps = by_hand([np.zeros((2, 2)), np.zeros((1, 2))], [np.zeros(2), np.zeros(1)],
                    ["sigmoid", "sigmoid"], problem.X, problem.Y, "binary_cross_entropy",
                    0.5, steps=3)
    for step, hand in zip(t.steps, steps, strict=True):
        for key, value in hand.items():
            np.testing.assert_allclose(step.values[key], np.atleast_2d(value), rtol=1e-12,
                                       atol=1e-15)


# -------------------------------------------------------------------------- seeds 001, 002
def test_seed001_shapes_of_a_two_layer_network():
    text = solve("seed001_two_layer_shapes").to_text()
    # the notes: w[1] has a shape (4, 3), b[1] (4, 1), z[1] (4, 1) for one example (m)
    assert "W[1] (4×3), b[1] (4×1), Z[1] (4×m) and A[1] (4×m)" in text
    assert "W[2] (1×4), b[2] (1×1), Z[2] (1×m)" in text


def test_seed002_shapes_and_the_parameter_count():
    text = solve("seed002_three_layer_shapes").to_text()
    # the notes: z[1], a[1] ∈ R^(3×1), z[2] ∈ R^(2×1), z[3] ∈ R^(1×1); W[2] ∈ R^(2×3),
    # W[3] ∈ R^(1×2); 3m + 3 + 8 + 3 = 3m + 14 parameters with m (= n_x) = 3 features
    assert "Z[1] (3×1) and A[1] (3×1)" in text and "Z[3] (1×1)" in text
    assert "W[2] (2×3), b[2] (2×1)" in text and "W[3] (1×2), b[3] (1×1)" in text
    assert "2·3 + 2 = 8 parameters" in text and "1·2 + 1 = 3 parameters" in text
    # the notes leave the inputs open: "3·m + 3·1 = 3m + 3", "3m + 3 + 8 + 3 = 3m + 14"
    assert "W[1] (3×n_x)" in text and "3·n_x + 3 = 3n_x + 3 parameters" in text
    assert "Total: 3n_x + 3 + 8 + 3 = 3n_x + 14 parameters." in text
    assert explain.load_problem(explain.example_path("seed002_three_layer_shapes")).trace(
    ).to_dict()["network"]["sizes"] == ["n_x", 3, 2, 1]


@pytest.mark.parametrize("n_x", [1, 3, 7])
def test_seed002_with_a_given_n_x_counts_in_numbers_and_in_n_x(n_x):
    data = explain.problems.read_file(explain.example_path("seed002_three_layer_shapes"))
    t = explain.problem_from_dict({**data, "n_x": n_x}).trace()
    text = t.to_text()
    total = 3 * n_x + 14
    assert total == t.network.n_parameters  # the count is the network's own
    assert f"Total: {3 * n_x + 3} + 8 + 3 = {total} parameters." in text
    assert f"W[1] (3×{n_x})" in text


# ------------------------------------------------------------------------------ seed 003
def test_seed003_every_value_equals_the_by_hand_reference():
    t = solve("seed003_math_problem")
    (hand,) = by_hand([[[0.2, 0.4], [0.3, 0.5]], [[0.4, 0.6]]], [[0.3, 0.5], [0.5]],
                      ["sigmoid", "sigmoid"], [[0, 0, 1, 1], [0, 1, 0, 1]], [[0, 1, 1, 1]],
                      "half_squared_error", 0.5)
    for key, value in hand.items():
        np.testing.assert_allclose(t.steps[0].values[key], np.atleast_2d(value), rtol=1e-12,
                                   err_msg=key)


def test_seed003_against_the_notes_printed_values():
    t = solve("seed003_math_problem")
    r = lambda name, d: np.round(t[name], d)  # noqa: E731
    np.testing.assert_array_equal(r("Z[1]", 10), [[0.3, 0.7, 0.5, 0.9], [0.5, 1.0, 0.8, 1.3]])
    np.testing.assert_array_equal(r("A[1]", 3), [[0.574, 0.668, 0.622, 0.711],
                                                 [0.622, 0.731, 0.690, 0.786]])
    # The notes' side calculation "σ(0.9) ≈ 0.696" slips: σ(0.9) = 0.7109 (their matrix,
    # right, has 0.711).
    assert round(t["A[1][1,4]"], 4) == round(sigma(0.9), 4) == 0.7109
    np.testing.assert_array_equal(r("Z[2]", 3), [[1.103, 1.206, 1.163, 1.256]])
    # The notes' A[2] = [0.752 0.770 0.762 0.778] slips in its first entry: σ(1.1033) =
    # 0.7509 → 0.751.
    np.testing.assert_array_equal(r("A[2]", 3), [[0.751, 0.770, 0.762, 0.778]])
    assert round(t["cost"][0, 0], 3) == 0.090  # "loss = 0.090"; their sum "0.123" is 0.723
    # δ(2) = dZ[2]: the notes' final [0.140 −0.041 −0.043 −0.038] (their first line has
    # −.091 and −.039)
    np.testing.assert_array_equal(r("dZ[2]", 3), [[0.140, -0.041, -0.043, -0.038]])
    # dW[2]: the update line's [−0.0002, −0.0006] is right ("gradient_w(2) = [−0.0005,
    # −0.0000]" is not); db[2] = 0.0045 is right
    np.testing.assert_array_equal(r("dW[2]", 4), [[-0.0002, -0.0006]])
    assert round(t["db[2]"][0, 0], 4) == 0.0045
    # δ(1) = dZ[1]: the notes' first column has the wrong sign (−0.0135, −0.0197) and
    # their −0.0038 is −0.00386 → −0.0039
    np.testing.assert_array_equal(r("dZ[1]", 4), [[0.0137, -0.0036, -0.0041, -0.0031],
                                                  [0.0198, -0.0048, -0.0055, -0.0039]])
    # dW[1]: the notes' −0.0023 is −0.002352 → −0.0024; db[1]: their 0.0008 is 0.000726
    np.testing.assert_array_equal(r("dW[1]", 4), [[-0.0018, -0.0017], [-0.0024, -0.0022]])
    np.testing.assert_array_equal(r("db[1]", 4), [[0.0007], [0.0014]])
    # The update, lr = 0.5: the notes' W[2] = [0.4001 0.6003], W[1], b[1] are right; their
    # b[2] = 0.4978 comes from the rounded 0.0045 (exactly 0.497731 → 0.4977)
    np.testing.assert_array_equal(r("W[2] after step 1", 4), [[0.4001, 0.6003]])
    np.testing.assert_array_equal(r("W[1] after step 1", 4), [[0.2009, 0.4008], [0.3012, 0.5011]])
    np.testing.assert_array_equal(r("b[1] after step 1", 4), [[0.2996], [0.4993]])
    assert round(t["b[2] after step 1"][0, 0], 4) == 0.4977
    assert 0.5 - 0.5 * 0.0045 == pytest.approx(0.49775)


def test_seed003_solution_shows_the_notes_steps():
    text = solve("seed003_math_problem").to_text()
    for line in [
        "Shapes: W[1] (2×2) · X (2×4) + b[1] (2×1) → Z[1] (2×4)",
        "Z[1][1,4] = (0.2·1) + (0.4·1) + 0.3 = 0.9",
        "A[1][1,4] = σ(0.9) = 1/(1 + e^−0.9) = 0.711",
        "Z[2][1,1] = (0.4·0.574) + (0.6·0.622) + 0.5 = 1.103",
        "J = (1/4)[½(0.751 − 0)² + ½(0.770 − 1)² + ½(0.762 − 1)² + ½(0.778 − 1)²]",
        "dA[2] = ∂L/∂A[2] = A[2] − Y",
        "Chain rule: ∂L/∂Z[2] = ∂L/∂A[2] · ∂A[2]/∂Z[2]",
        "dZ[2][1,1] = 0.751·0.751(1 − 0.751) = 0.140",
        "Shapes: dZ[2] (1×4) · A[1]ᵀ (4×2) → dW[2] (1×2)",
        "with ∂Z[2]/∂W[2] = A[1]ᵀ",
        "db[2] = (1/4)(0.140 − 0.0409 − 0.0432 − 0.0382) = 0.00454",
        "Shapes: W[2]ᵀ (2×1) · dZ[2] (1×4) → dA[1] (2×4)",
        "with ∂Z[2]/∂A[1] = W[2]ᵀ",
        "W[2][1,1] := 0.4 − 0.5·(−0.000175) = 0.400088",
        # the cost's working, as the notes write it: each squared error (0.752 − 0)² …
        # (their 0.752 for 0.751, and 0.059 for 0.053, are slips), the sum (their "0.123"
        # is 0.723, as they write later), MSE = (1/4)·0.723 = 0.181, loss = 0.090
        "SE(1) = (0.751 − 0)² = 0.564",
        "SE(2) = (0.770 − 1)² = 0.0531",
        "SE(3) = (0.762 − 1)² = 0.0567",
        "SE(4) = (0.778 − 1)² = 0.0491",
        "SSE = 0.564 + 0.0531 + 0.0567 + 0.0491 = 0.723",
        "MSE = (1/4)·0.723 = 0.181",
        "half MSE = ½·0.181 = 0.0903",
        "L(1) = ½(0.751 − 0)² = 0.282",
        "sum L = 0.282 + 0.0265 + 0.0284 + 0.0246 = 0.361",
    ]:
        assert line in re.sub(r" {2,}", " ", text), line


# ------------------------------------------------------------------------------ seed 004
def test_seed004_forward_pass_and_the_notes_slips():
    t = solve("seed004_forward_pass")
    x = (0.2, 0.5, -0.9)
    rows = [(1.2, 0.9, 0.3), (0.2, 0.3, 0.1), (1.3, 1.9, 0.1)]
    z1 = [sum(xi * wi for xi, wi in zip(x, w)) + 0.1 for w in rows]
    a1 = [sigma(z) for z in z1]
    z2 = 0.2 * a1[0] + 0.6 * a1[1] + 0.2 * a1[2] + 0.1
    np.testing.assert_allclose(t["Z[1]"][:, 0], z1, rtol=1e-14)
    np.testing.assert_allclose(t["A[1]"][:, 0], a1, rtol=1e-14)
    assert t["Z[2]"][0, 0] == pytest.approx(z2, rel=1e-14)
    assert t["A[2]"][0, 0] == pytest.approx(sigma(z2), rel=1e-14)
    # the notes' first neuron: 0.52 is right; "sigmoid(0.52) = 0.62" truncates 0.6271 (0.63)
    assert round(z1[0], 10) == 0.52 and round(a1[0], 3) == 0.627
    # the notes' second neuron slips: "(0.2×0.2) + (0.5×0.3) + (−0.9×0.1) + 0.1 = 0.55" is
    # 0.20 (0.55 is σ(0.20) = 0.550), and their "sigmoid(0.55) = 0.63" carries it on
    assert round(z1[1], 10) == 0.2 and round(a1[1], 2) == 0.55 and round(sigma(0.55), 2) == 0.63
    # the third is right: 1.22 and 0.77
    assert round(z1[2], 10) == 1.22 and round(a1[2], 2) == 0.77
    # the output: the notes' 0.756 and 0.68 follow from their slips; exactly 0.7097, 0.670
    assert round(0.62 * 0.2 + 0.63 * 0.6 + 0.77 * 0.2 + 0.1, 10) == 0.756
    assert round(z2, 4) == 0.7097 and round(sigma(z2), 3) == 0.670
    text = t.to_text()
    assert "Z[1][1] = (0.2·1.2) + (0.5·0.9) + (−0.9·0.3) + 0.1 = 0.52" in text
    assert "A[1][1] = σ(0.52) = 1/(1 + e^−0.52) = 0.627" in text
    assert "Z[1][2] = (0.2·0.2) + (0.5·0.3) + (−0.9·0.1) + 0.1 = 0.2" in text


# ------------------------------------------------------------ every printed number, checked
_ENTRY_LINE = re.compile(r"^  (?P<name>(?:d?[ZAWb]\[\d+\](?:\[\d+(?:,\d+)?\])?|J"
                         r"|L\(\d+\)|sum L|SE\(\d+\)|SSE|MSE|half MSE))\s+"
                         r"(?P<relation>:?=) (?P<rhs>.+) = (?P<value>−?\d+(?:\.\d+)?)$")


@pytest.mark.parametrize("name", [n for n in explain.examples() if "shapes" not in n
                                  and "dimensions" not in n])
@pytest.mark.parametrize("digits", [3, 5])
def test_every_number_a_solution_prints_is_right(name, digits):
    """Each 'NAME = … = value' line's value, within its printed precision, equals the
    independent reference (by_hand), never the trace itself."""
    problem = explain.load_problem(explain.example_path(name))
    net = problem.network
    hand = by_hand([net.W[l] for l in range(1, net.L + 1)],
                   [net.b[l] for l in range(1, net.L + 1)],
                   [layer.activation.name for layer in net.layers], problem.X, problem.Y,
                   net.loss.name, problem.learning_rate, steps=problem.steps)
    text = problem.trace().to_text(digits=digits)
    step, checked = 0, 0
    for line in text.splitlines():
        if line.startswith("Step ") and line.endswith("forward pass"):
            step = int(line.split()[1].rstrip(":")) - 1
        match = _ENTRY_LINE.match(line)
        if not match:
            continue
        written = match["value"].replace("−", "-")
        decimals = len(written.split(".")[1]) if "." in written else 0
        expected = _hand_value(hand[step], match["name"], match["relation"])
        assert abs(float(written) - expected) <= 0.5 * 10.0 ** -decimals * (1 + 1e-9), line
        checked += 1
    assert checked >= 2


def _hand_value(values, name, relation):
    if name == "J":
        return values["cost"]
    parsed = names.parse(name)
    key = parsed.key + (" after" if relation == ":=" else "")
    value = np.atleast_2d(values[key])
    if parsed.index is None:
        return float(value[0, 0])
    if len(parsed.index) == 2:
        return float(value[parsed.index[0] - 1, parsed.index[1] - 1])
    flat = value.ravel()
    return float(flat[parsed.index[0] - 1])


@pytest.mark.parametrize("name", explain.examples())
def test_the_shipped_solutions_are_up_to_date(name):
    shipped = Path(str(explain.example_path(name))).parent / "solutions" / f"{name}.md"
    assert shipped.read_text(encoding="utf-8") == solve(name).to_markdown(), (
        f"regenerate with: glassnet explain {name} --format markdown -o {shipped}")
