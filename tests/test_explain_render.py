"""The renderers: text, Markdown with LaTeX, LaTeX and JSON, and the level of detail."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

import glassnet as gn
from glassnet import explain
from glassnet.errors import ConfigError
from glassnet.explain.notation import number_text


def seed(name):
    return explain.load_problem(explain.example_path(name)).trace()


@pytest.mark.parametrize("x, digits, text", [
    (0.5, 3, "0.5"), (0.52, 3, "0.52"), (2.0, 3, "2"), (0.7000000000000001, 3, "0.7"),
    (0.574442516811659, 3, "0.574"), (0.69, 3, "0.69"), (0.68997448112761, 3, "0.690"),
    (-0.000175251, 3, "-0.000175"), (0.0045373, 3, "0.00454"), (1.103253, 3, "1.103"),
    (0.71095, 5, "0.71095"), (0.0, 3, "0"), (-1e-20, 3, "-1.000e-20"), (123.456789, 2, "123.46"),
])
def test_numbers_are_written_as_the_notes_write_them(x, digits, text):
    assert number_text(x, digits) == text


def test_digits_is_a_setting():
    t = seed("seed003_math_problem")
    assert "A[1][1,4] = σ(0.9) = 1/(1 + e^−0.9) = 0.71095" in t.to_text(digits=5)
    assert "A[1][1,4] = σ(0.9) = 1/(1 + e^−0.9) = 0.7" in t.to_text(digits=1)
    with pytest.raises(ConfigError, match="digits"):
        t.to_text(digits=-1)
    with pytest.raises(ConfigError, match="detail"):
        t.to_text(detail="some")


def test_large_layers_fall_back_to_matrices_and_shapes():
    net = gn.Network([3, 10, 1], activations="tanh", seed=0)
    X = np.random.default_rng(0).normal(size=(3, 6))
    t = explain.trace(net, X, [[0, 1, 0, 1, 1, 0]], learning_rate=0.1)
    text = t.to_text()
    assert "Shapes: W[1] (10×3) · X (3×6) + b[1] (10×1) → Z[1] (10×6)" in text
    assert "Z[1][1,1] =" not in text  # 60 entries: no term-by-term sums
    assert "\n  Z[2][1,1] =" not in text  # 11 terms a sum: too long to write out
    assert "A[2][1,1] = σ(" in text  # but A[2] (1×6), one term each, is written out
    assert "⋮" in text  # a 10-row matrix is shown with its middle elided
    assert re.search(r"Z\[1\]\[1,1\] +=  ?\(", t.to_text(detail="full"))
    assert "A[2][1,1] =" not in t.to_text(detail="matrices")


def test_the_backward_pass_names_its_chain_rule_factors():
    text = seed("seed003_math_problem").to_text()
    assert "Chain rule: ∂L/∂Z[1] = ∂L/∂A[1] · ∂A[1]/∂Z[1], element by element (*), " \
           "with σ'(z) = σ(z)(1 − σ(z))." in text
    assert "Chain rule: ∂J/∂W[1] = (1/m) Σᵢ ∂L/∂Z[1] · ∂Z[1]/∂W[1], with ∂Z[1]/∂W[1] = Xᵀ." in text
    assert "Chain rule: ∂Z[2]/∂b[2] = 1." in text
    # the order of the notes: dA[2], dZ[2], dW[2], db[2], dA[1], dZ[1], dW[1], db[1]
    order = ["dA[2] = ∂L", "dZ[2] = dA[2]", "dW[2] = (1/m)", "db[2] = (1/m)", "dA[1] = W[2]ᵀ",
             "dZ[1] = dA[1]", "dW[1] = (1/m)", "db[1] = (1/m)", "W[1] := W[1] − α dW[1]"]
    positions = [text.index(s) for s in order]
    assert positions == sorted(positions)


def test_sigmoid_with_cross_entropy_uses_the_notes_shortcut():
    t = explain.trace(gn.Network.from_parameters([[[0.5]]], [[-0.5]], ["sigmoid"]), [[2.0]],
                      [[1.0]], learning_rate=0.1)
    text = t.to_text()
    assert "dZ[1] = A[1] − Y" in text and "collapses" in text
    assert "dA[1] = −1/0.622 + (1 − 1)/(1 − 0.622) = −1.607" in text
    assert t["dZ[1]"][0, 0] == pytest.approx(1 / (1 + np.exp(-0.5)) - 1, rel=1e-14)


def test_bias_column_notation_in_the_backward_pass_and_update():
    problem = explain.load_problem(explain.example_path("seed003_math_problem"))
    t = explain.trace(problem.network, problem.X, problem.Y, learning_rate=0.5,
                      notation="bias-column")
    text = t.to_text()
    assert "Z[1] = W̃[1] [1; X]" in text
    assert "Shapes: W̃[1] (2×3) · [1; X] (3×4) → Z[1] (2×4)" in text
    assert "Z[1][1,4] = (0.3·1) + (0.2·1) + (0.4·1) = 0.9" in text  # bias term first
    assert "dW̃[1] = [db[1] | dW[1]]" in text
    assert "W̃[2] := [0.497731  0.400088  0.600288]" in text


def test_markdown_is_the_notes_latex_between_dollars():
    md = seed("seed003_math_problem").to_markdown()
    assert "Z^{[1]} &= W^{[1]}\\,X + b^{[1]}" in md
    assert "a^{[1](4)}_{1} &= \\sigma(0.9) = \\frac{1}{1 + e^{-0.9}} = 0.711" in md
    assert md.startswith("# Seed 003")
    for line in md.splitlines():  # inline math never runs into "$$" (display math)
        assert line == "$$" or "$$" not in line, line
    _assert_sane_latex(md)


def test_latex_is_a_complete_document_and_jupyter_gets_math():
    t = seed("seed000_2_multivariate")
    doc = t.to_latex()
    assert doc.startswith("\\documentclass{article}") and doc.rstrip().endswith("\\end{document}")
    for name in explain.examples():  # the notes' Unicode (σ, Σ, −, W̃) as LaTeX: pdflatex-safe
        assert seed(name).to_latex().isascii(), name
    assert "\\tilde{W}^{[1]}" in doc
    _assert_sane_latex(doc)
    assert t._repr_markdown_() == t.to_markdown()
    mathjax = t._repr_latex_()
    assert mathjax.startswith("$$\\begin{aligned}") and mathjax.endswith("\\end{aligned}$$")
    _assert_sane_latex(mathjax)


def _assert_sane_latex(source):
    """Balanced braces and environments, and no double superscripts or subscripts."""
    depth = 0
    for ch in source.replace("\\{", "").replace("\\}", ""):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    for env in set(re.findall(r"\\begin\{(\w+\*?)\}", source)):
        assert source.count(f"\\begin{{{env}}}") == source.count(f"\\end{{{env}}}"), env
    assert not re.search(r"\^\{[^{}]*\}\^", source), "double superscript"
    assert not re.search(r"_\{[^{}]*\}_", source), "double subscript"


def test_json_holds_every_value_at_full_precision():
    t = seed("seed003_math_problem")
    data = json.loads(t.to_json())
    assert data["format"] == "glassnet-trace" and data["network"]["sizes"] == [2, 2, 1]
    step = data["steps"][0]
    assert step["cost"] == t["cost"][0, 0]  # bit for bit
    for key in ("Z[1]", "A[1]", "Z[2]", "A[2]"):
        assert np.array_equal(step["forward"][key], t.steps[0].values[key])
    assert list(step["backward"]) == ["dA[2]", "dZ[2]", "dW[2]", "db[2]", "dA[1]", "dZ[1]",
                                      "dW[1]", "db[1]"]
    for key, value in step["backward"].items():
        assert np.array_equal(value, t.steps[0].values[key])
    assert np.array_equal(step["update"]["b[2]"], t["b[2] after step 1"])
    assert data["symmetric_layers"] == []
    assert json.loads(seed("seed000_5_symmetry").to_json())["symmetric_layers"] == [1]


@pytest.mark.parametrize("name", explain.examples())
def test_every_example_renders_in_every_format(name):
    t = seed(name)
    for text in (t.to_text(), t.to_markdown(), t.to_latex(), t.to_json(), repr(t)):
        assert isinstance(text, str) and text
    assert not re.search(r"\b(nan|inf)\b", t.to_text())


DOCS = Path(__file__).resolve().parent.parent / "docs" / "explain.md"


def test_the_outputs_shown_in_the_docs_are_current():
    """docs/explain.md shows solutions and a check report; they must match glassnet's."""
    text = DOCS.read_text(encoding="utf-8")
    shown = re.findall(r"<!-- output: (.+?) -->\n```\w+\n(.*?)```", text, flags=re.S)
    assert len(shown) == 6
    for what, block in shown:
        words = what.split()
        if words[0] == "check":
            result = explain.check(explain.example_path(words[1]), explain.example_path(words[2]))
            assert block == result.report()
            continue
        t = seed(words[0])
        render = {"text": t.to_text, "markdown": t.to_markdown, "latex": t.to_latex,
                  "json": t.to_json}[words[1]]
        assert block == render(), f"docs/explain.md: the {words[1]} solution is out of date"


def test_each_activation_and_loss_writes_its_own_entries():
    layers = [{"W": [[1.0, -2.0], [0.5, 0.5]], "b": [0.0, 0.5], "activation": "relu"},
              {"W": [[1.0, 1.0], [2.0, -1.0]], "b": [0.0, 0.0], "activation": "leaky_relu"},
              {"W": [[1.0, 1.0], [1.0, -1.0]], "b": [0.0, 0.0], "activation": "softmax"}]
    t = explain.trace(layers, [[1.0], [1.0]], [[0.0], [1.0]], learning_rate=0.1)
    text = t.to_text()
    assert "A[1][1] = max(0, −1) = 0" in text  # z = 1 − 2 = −1
    assert "A[2][2] = max(0.01·(−1.5), −1.5) = −0.015" in text  # z = 2·0 − 1.5
    assert "softmax(Z[3])" in text and "\n  A[3][1] =" not in text  # no element-wise form
    a2 = np.exp(1.515) / (np.exp(1.485) + np.exp(1.515))  # softmax's second row, by hand
    assert f"J = −log({a2:.3f}) = {-np.log(a2):.3f}" in text  # one-hot y: −log(a_k)
    assert "dZ[3] = A[3] − Y" in text and "categorical cross-entropy" in text
    assert re.search(r"dZ\[1\]\[1\] = \S+·0 = 0\n", text)  # ReLU'(−1) = 0
    assert "db[3][1] = " + f"{1 - a2:.3f}" in text  # one example: db = dZ, said once
    assert "Prediction: the class (row of A[3], counted from 1) with the largest a: ŷ = 2" in text
    mse = explain.trace([{"W": [[1.0], [2.0]], "b": [0.0, 0.0], "activation": "linear"}],
                        [[1.0]], [[0.5], [1.0]], learning_rate=0.1, loss="mse").to_text()
    assert "J = (1/2)[(1 − 0.5)² + (2 − 1)²] = 0.625" in mse
    assert "dA[1][1] = (2/2)(1 − 0.5) = 0.5" in mse


def _negative_network(activation):
    """One hidden unit driven negative (z = −1), so every formula meets negative values."""
    layers = [{"W": [[-2.0]], "b": [1.0], "activation": activation},
              {"W": [[0.5]], "b": [0.1], "activation": "sigmoid"}]
    return explain.trace(layers, [[1.0]], [[1.0]], learning_rate=0.5)


def test_a_negative_number_squared_is_parenthesized():
    t = _negative_network("tanh")
    a = float(t["A[1]"][0, 0])
    assert a == pytest.approx(np.tanh(-1.0))
    text, latex = t.to_text(detail="full"), t.to_latex(detail="full")
    assert "(1 − (−0.762)²)" in text and "1 − −0.762²" not in text
    assert "(1 - (-0.762)^{2})" in latex


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "elu",
                                        "linear", "swish", "selu"])
def test_no_negative_number_is_raised_to_a_power_without_parentheses(activation):
    t = _negative_network(activation)
    for text in (t.to_text(detail="full"), t.to_markdown(detail="full")):
        assert not re.search(r"(?<![(\d])[−-]\d[\d.]*(?:²|³|\^\{?\d)", text), activation
    assert not re.search(r"(?<![(\d])-\d[\d.]*\^\{?\d", t.to_latex(detail="full")), activation


def test_a_power_of_a_number_in_scientific_form_is_parenthesized():
    from glassnet.explain.notation import number, power

    assert power(number(-1.5e-13, 3)).text == "(−1.500·10^−13)²"
    assert power(number(2.5e-13, 3), 3).latex == r"(2.500e-13 \times 10^{-13})^{3}".replace(
        "2.500e-13", "2.500")
    assert power(number(0.762, 3)).text == "0.762²"
