"""Diagnostics: each pathology of the notes is built on purpose and must be found.

Expected units are worked out here from the definitions (Z = W X + b, σ'(z) = σ(1 − σ),
ReLU dead when z ≤ 0 everywhere), independently of glassnet.diagnostics' own code.
"""

import numpy as np
import pytest

import glassnet as gn
from glassnet.diagnostics import diagnose
from glassnet.reference import backward_loop


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, 200))
    Y = (X[0] * X[1] > 0).astype(float).reshape(1, -1)
    return X, Y


def kinds(report):
    return [f.kind for f in report]


def dZ_gains(net, X, Y):
    """RMS(dZ[l]) / RMS(dZ[L]) for l = 1 … L, from the notes' formulas, written out here.

    For an output with the dZ = A − Y shortcut (sigmoid + BCE) or a linear output with the
    half squared error (dZ = A − Y too); hidden g is sigmoid, tanh or linear.
    """
    derivative = {"sigmoid": lambda A: A * (1 - A), "tanh": lambda A: 1 - A * A,
                  "linear": lambda A: np.ones_like(A)}
    A = [X]
    for layer in net.layers:
        A.append(layer.activation.forward(layer.W @ A[-1] + layer.b))
    dZ = [A[-1] - Y]
    for l in range(net.L, 1, -1):
        dZ.insert(0, (net.layers[l - 1].W.T @ dZ[0])
                  * derivative[net.layers[l - 2].activation.name](A[l - 1]))
    rms = [np.sqrt(np.mean(d * d)) for d in dZ]
    return [r / rms[-1] for r in rms]


# ------------------------------------------------------------------------ symmetry
def test_zero_initialization_gives_symmetric_units(data):
    X, Y = data
    net = gn.Network([2, 3, 1], activations="sigmoid", initializer="zeros")
    report = diagnose(net, X, Y)
    (symmetric,) = [f for f in report if f.kind == "symmetric"]
    assert symmetric.layer == 1 and symmetric.units == (1, 2, 3)
    assert "Units 1, 2 and 3 of layer 1 are identical" in symmetric.message
    assert "W[1] rows and b[1] entries equal" in symmetric.message
    assert "symmetry problem" in symmetric.message
    assert "initializer='xavier_uniform'" in symmetric.hint
    # W[2] = 0 passes no gradient back: dW[1] = 0, named as such
    (blocked,) = [f for f in report if f.kind == "vanishing_gradient"]
    assert blocked.layer == 1 and "W[2] = 0" in blocked.message


def test_symmetry_survives_training_and_is_still_found(data):
    X, Y = data
    net = gn.Network([2, 2, 1], activations="tanh", initializer="zeros",
                     bias_initializer={"name": "constant", "value": 0.1})
    net.fit(X, Y, epochs=50, learning_rate=0.5)
    assert not np.allclose(net.W[1], 0)  # training moved the weights ...
    np.testing.assert_allclose(net.W[1][0], net.W[1][1], rtol=1e-12)  # ... in lockstep
    report = diagnose(net, X, Y)
    assert [(f.layer, f.units) for f in report if f.kind == "symmetric"] == [(1, (1, 2))]


def test_equal_rows_with_different_outgoing_weights_are_reported_as_separable(data):
    X, _ = data
    net = gn.Network([2, 3, 2, 1], activations="tanh", seed=1)
    net.W[1] = np.array([[0.5, -0.3], [0.1, 0.2], [0.5, -0.3]])
    net.b[1] = np.array([[0.1], [0.0], [0.1]])
    (finding,) = diagnose(net, X)
    assert finding.kind == "symmetric" and finding.layer == 1 and finding.units == (1, 3)
    assert "may still separate them" in finding.message


def test_random_initialization_has_no_symmetric_units(data):
    X, Y = data
    for init in ("small_random", "he_normal", "xavier_uniform"):
        net = gn.Network([2, 8, 8, 1], activations="tanh", initializer=init, seed=0)
        assert "symmetric" not in kinds(diagnose(net, X, Y))


def test_float32_network_is_diagnosed(data):
    X, Y = data
    net = gn.Network([2, 4, 1], activations="tanh", initializer="zeros", dtype="float32")
    assert "symmetric" in kinds(diagnose(net, X, Y))


# ------------------------------------------------------------------------- dead ReLU
def test_large_negative_biases_kill_relu_units(data):
    X, Y = data
    net = gn.Network([2, 4, 1], activations="relu", seed=0)
    net.b[1] = np.full((4, 1), -20.0)
    report = diagnose(net, X, Y)
    (dead,) = [f for f in report if f.kind == "dead"]
    assert dead.layer == 1 and dead.units == (1, 2, 3, 4)
    assert "Units 1, 2, 3 and 4 of layer 1 are dead: Z[1] ≤ 0 on all 200 examples" in dead.message
    assert "leaky_relu" in dead.hint
    assert report.layers[0].dead == 4


def test_only_the_dead_unit_is_named(data):
    X, Y = data
    net = gn.Network([2, 5, 3, 1], activations="relu", seed=3)
    net.b[2] = np.array([[0.0], [-1000.0], [0.0]])
    Z1 = np.maximum(net.W[1] @ X + net.b[1], 0)
    Z2 = net.W[2] @ Z1 + net.b[2]
    expected = tuple(int(i) + 1 for i in np.flatnonzero((Z2 <= 0).all(axis=1)))
    assert 2 in expected
    found = [f for f in diagnose(net, X, Y) if f.kind == "dead"]
    assert [(f.layer, f.units) for f in found] == [(2, expected)]
    assert found[0].message.startswith(f"Unit{'s' if len(expected) > 1 else ''} ")


def test_leaky_relu_units_are_never_dead(data):
    X, Y = data
    net = gn.Network([2, 4, 1], activations="leaky_relu", seed=0)
    net.b[1] = np.full((4, 1), -20.0)
    assert "dead" not in kinds(diagnose(net, X, Y))


# --------------------------------------------------------------------- saturation
def test_huge_weights_saturate_sigmoid_units(data):
    X, Y = data
    net = gn.Network([2, 6, 1], activations="sigmoid", seed=0,
                     initializer={"name": "normal", "std": 100.0})
    Z1 = net.W[1] @ X + net.b[1]
    s = 1.0 / (1.0 + np.exp(-np.clip(Z1, -500, 500)))
    flat_share = ((s * (1 - s)) < 0.01 * 0.25).mean(axis=1)
    expected = tuple(int(i) + 1 for i in np.flatnonzero(flat_share > 0.9))
    assert len(expected) >= 4
    (saturated,) = [f for f in diagnose(net, X, Y) if f.kind == "saturated"]
    assert saturated.layer == 1 and saturated.units == expected
    assert "(sigmoid)" in saturated.message and "g'(0) = 0.25" in saturated.message
    assert "scale the inputs" in saturated.hint


def test_saturated_tanh_units_and_the_threshold_settings(data):
    X, Y = data
    net = gn.Network([2, 3, 1], activations="tanh", seed=0)
    net.W[1] = np.array([[40.0, 0.0], [0.0, 0.05], [-30.0, 30.0]])
    report = diagnose(net, X, Y)
    assert [f.units for f in report if f.kind == "saturated"] == [(1, 3)]
    # a stricter "most examples" rule finds nothing
    assert "saturated" not in kinds(diagnose(net, X, Y, fraction=0.999))


def test_saturated_output_layer_is_not_a_problem(data):
    # confident outputs are what a trained classifier should give
    X, Y = data
    net = gn.Network([2, 3, 1], activations="tanh", seed=0)
    net.W[2] = np.array([[100.0, 100.0, 100.0]])
    assert "saturated" not in kinds(diagnose(net, X, Y))


# ---------------------------------------------------------------------- gradients
def test_deep_sigmoid_network_has_vanishing_gradients(data):
    X, Y = data
    net = gn.Network([2] + [20] * 8 + [1], activations="sigmoid", seed=0)
    report = diagnose(net, X, Y)
    # the norms reported are those of the notes' per-example loop, computed independently
    dW, _ = backward_loop(net, X, Y)
    norms = [np.linalg.norm(d) for d in dW]
    np.testing.assert_allclose([s.gradient_norm for s in report.layers], norms, rtol=1e-10)
    gains = dZ_gains(net, X, Y)
    expected = [l for l in range(1, net.L)
                if norms[l - 1] < norms[-1] / 1e3 or gains[l - 1] < 1e-3]
    assert expected[0] == 1
    vanishing = [f for f in report if f.kind == "vanishing_gradient"]
    assert [f.layer for f in vanishing] == expected
    assert "‖dW[1]‖" in vanishing[0].message and "vanishing gradient" in vanishing[0].message
    assert "he_normal" in vanishing[0].hint


def test_relu_with_he_initialization_does_not_vanish(data):
    X, Y = data
    net = gn.Network([2] + [20] * 8 + [1], activations="relu", initializer="he_normal", seed=0)
    assert not {"vanishing_gradient", "exploding_gradient"} & set(kinds(diagnose(net, X, Y)))


def test_large_weights_in_a_deep_tanh_network_explode_the_gradient(data):
    X, Y = data
    net = gn.Network([2] + [20] * 8 + [1], activations="tanh", seed=0,
                     initializer={"name": "normal", "std": 8.0})
    report = diagnose(net, X, Y)
    exploding = [f for f in report if f.kind == "exploding_gradient"]
    assert exploding and exploding[0].layer == 1
    norms = [s.gradient_norm for s in report.layers]
    assert norms[0] > 1e3 * norms[-1]
    assert "grows on its way back" in exploding[0].message


def _deep_linear(std, seed=0):
    return gn.Network([2] + [10] * 9 + [1], activations="linear", output="linear",
                      loss="half_squared_error", seed=seed,
                      initializer={"name": "normal", "std": std})


def test_a_deep_linear_network_with_unit_weights_explodes_in_every_layer(data):
    """The issue's case: every ‖dW[l]‖ is huge alike, so no layer stands out from dW[L]."""
    X, _ = data
    Y = X[:1]
    net = _deep_linear(1.0)
    report = diagnose(net, X, Y)
    norms = [s.gradient_norm for s in report.layers]
    assert max(norms) < 1e3 * min(norms)  # comparing with the output layer alone finds nothing
    exploding = [f for f in report if f.kind == "exploding_gradient"]
    assert [f.layer for f in exploding] == list(range(1, net.L + 1))
    for f, s in zip(exploding, report.layers, strict=True):
        assert s.gradient_norm > 1e3 * max(s.weight_norm, 1.0)  # worked here: ‖W‖ ≥ 1
        assert f.message.endswith("(the exploding gradient problem)")
    assert "no problems found" not in str(report)


def test_a_deep_linear_network_with_tiny_weights_vanishes_in_every_layer(data):
    """Every ‖dW[l]‖ is tiny alike; dZ[l] shrinks by about 0.03 per layer on the way back."""
    X, _ = data
    Y = X[:1]
    net = _deep_linear(0.01)
    report = diagnose(net, X, Y)
    norms = [s.gradient_norm for s in report.layers]
    assert max(norms) < 1e3 * min(norms)
    gains = dZ_gains(net, X, Y)
    expected = [l for l in range(1, net.L) if gains[l - 1] < 1e-3]
    assert expected[0] == 1 and len(expected) >= 5
    vanishing = [f for f in report if f.kind == "vanishing_gradient"]
    assert [f.layer for f in vanishing] == expected
    assert "dZ[1] is" in vanishing[0].message and "he_normal" in vanishing[0].hint


def test_unscaled_inputs_explode_a_shallow_network_on_its_own_scale(data):
    X, _ = data
    net = gn.Network([2, 3, 1], activations="tanh", output="linear", seed=0,
                     loss="half_squared_error")
    X = X * 1e4
    Y = X[:1] + 5e4
    report = diagnose(net, X, Y)
    exploding = [f for f in report if f.kind == "exploding_gradient"]
    assert 1 in [f.layer for f in exploding] or 2 in [f.layer for f in exploding]
    assert all("scale the inputs" in f.hint for f in exploding)


@pytest.mark.parametrize(("activation", "initializer"), [
    ("linear", "xavier_normal"), ("tanh", "xavier_uniform"), ("relu", "he_normal"),
    ("mish", "he_uniform"),
])  # (four sigmoid layers are not healthy: σ' ≤ 1/4 shrinks dZ 1600-fold on the way back)
def test_healthy_starts_of_a_deep_network_report_no_gradient_trouble(data, activation,
                                                                     initializer):
    X, Y = data
    net = gn.Network([2] + [10] * 4 + [1], activations=activation, initializer=initializer,
                     seed=0)
    report = diagnose(net, X, Y)
    assert not {"vanishing_gradient", "exploding_gradient"} & set(report.kinds())


def test_a_perfect_fit_is_not_a_vanishing_gradient(data):
    X, _ = data
    net = gn.Network([2, 4, 1], activations="tanh", output="linear",
                     loss="half_squared_error", seed=0)
    Y = net.forward(X)  # dZ[L] = A[L] − Y = 0: every gradient is 0, rightly
    report = diagnose(net, X, Y)
    assert len(report) == 0


def test_without_Y_gradients_are_not_checked(data):
    X, _ = data
    net = gn.Network([2] + [20] * 8 + [1], activations="sigmoid", seed=0)
    report = diagnose(net, X)
    assert len(report) == 0 and report.layers[0].gradient_norm is None
    assert "gradients not checked: pass Y" in str(report)


# ------------------------------------------------------------------------ healthy
def test_a_healthy_trained_network_reports_nothing(data):
    X, Y = data
    net = gn.Network([2, 8, 1], activations="tanh", seed=0)
    before = diagnose(net, X, Y)
    net.fit(X, Y, epochs=300, learning_rate=0.01, optimizer="adam", batch_size=20, seed=0)
    assert net.cost(X, Y) < 0.2  # it did learn XOR-like quadrants
    after = diagnose(net, X, Y)
    assert len(before) == 0 and len(after) == 0
    text = str(after)
    assert "no problems found" in text and "‖dW[l]‖" in text


def test_diagnose_leaves_the_parameters_alone(data):
    X, Y = data
    net = gn.Network([2, 4, 1], activations="relu", seed=0)
    kept = net.parameters.copy()
    diagnose(net, X, Y)
    np.testing.assert_array_equal(net.parameters, kept)


def test_report_text_groups_a_shared_hint(data):
    X, Y = data
    net = gn.Network([2, 3, 3, 1], activations="tanh", initializer="zeros")
    text = str(diagnose(net, X, Y))
    assert text.count("- Units 1, 2 and 3 of layer") == 2
    assert text.count("hint: initialize W randomly") == 1
    assert "2 problem(s) found" in text


# --------------------------------------------------------------------------- errors
def test_bad_input_gets_clear_errors(data):
    X, Y = data
    net = gn.Network([2, 3, 1], seed=0)
    with pytest.raises(gn.GlassnetError, match="Network"):
        diagnose("not a network", X)
    with pytest.raises(gn.ShapeError, match="pass X.T"):
        diagnose(net, X.T)  # examples as rows
    with pytest.raises(gn.ShapeError, match=r"\(n_x, m\)"):
        diagnose(net, X[:1])
    with pytest.raises(gn.ShapeError, match="Y must have shape"):
        diagnose(net, X, Y[:, :5])
    with pytest.raises(gn.ConfigError, match="saturation"):
        diagnose(net, X, saturation=-1)


# ------------------------------------------------- exploding on each layer's own scale
def _deep_narrow(width, initializer, seed):
    """Depth 10, linear, the given width (the issue's case is width ≥ 4 with N(0, 1))."""
    return gn.Network([2] + [width] * 9 + [1], activations="linear", output="linear",
                      loss="half_squared_error", seed=seed, initializer=initializer)


@pytest.mark.parametrize("width", [4, 16, 64])
@pytest.mark.parametrize("seed", range(3))
def test_a_deep_linear_network_with_standard_normal_weights_explodes_in_every_layer(
        data, width, seed):
    """N(0, 1) is √width times Xavier's std: each layer multiplies the signal by about
    √width forward and back, so ‖dW[l]‖ grows like width^10 (about 1e3 at width 4, 1e16
    at 64) while ‖W[l]‖ is only about width: one step of α = 0.01 throws every W[l] far
    beyond its own size. dW is checked against the notes' per-example loop."""
    X, _ = data
    Y = X[:1]
    net = _deep_narrow(width, {"name": "normal", "std": 1.0}, seed)
    report = diagnose(net, X, Y)
    dW, _ = backward_loop(net, X, Y)
    norms = [float(np.linalg.norm(d)) for d in dW]
    np.testing.assert_allclose([s.gradient_norm for s in report.layers], norms, rtol=1e-9)
    weights = [float(np.linalg.norm(layer.W)) for layer in net.layers]
    assert all(0.01 * n > w for n, w in zip(norms, weights, strict=True))
    exploding = [f for f in report if f.kind == "exploding_gradient"]
    assert [f.layer for f in exploding] == list(range(1, net.L + 1))
    assert all(f.message.endswith("(the exploding gradient problem)") for f in exploding)
    assert "no problems found" not in str(report)


def test_width_two_with_standard_normal_weights_is_judged_by_its_actual_gradients(data):
    """At width 2, N(0, 1) is only √2 times Xavier's std, and a product of random 2 × 2
    matrices grows by about e^0.06 per layer (its top Lyapunov exponent,
    ½(ln 2 + ψ(1)) = 0.058): this draw's gradients stay below 0.4, a step of α = 0.01
    moves no W[l] by more than 1 % of its size, and nothing is called exploding. A larger
    α finds the same gradients too large."""
    X, _ = data
    Y = X[:1]
    net = _deep_narrow(2, {"name": "normal", "std": 1.0}, 0)
    report = diagnose(net, X, Y)
    assert max(s.gradient_norm for s in report.layers) < 0.4
    assert "exploding_gradient" not in report.kinds()
    bold = diagnose(net, X, Y, learning_rate=100.0)
    assert [f.layer for f in bold if f.kind == "exploding_gradient"] == list(range(1, 11))
    assert "a step of α = 100 would move" in bold[0].message


@pytest.mark.parametrize("width", [2, 4, 16, 64])
@pytest.mark.parametrize("initializer", ["xavier_normal", "xavier_uniform"])
def test_a_deep_linear_network_with_a_xavier_start_raises_no_alarm(data, width, initializer):
    X, _ = data
    Y = X[:1]
    for seed in range(3):
        report = diagnose(_deep_narrow(width, initializer, seed), X, Y)
        assert "exploding_gradient" not in report.kinds(), (seed, str(report))


@pytest.mark.parametrize(("activation", "initializer"), [
    ("relu", "he_normal"), ("relu", "he_uniform"), ("tanh", "xavier_normal"),
])
def test_a_deep_wide_healthy_start_raises_no_alarm(data, activation, initializer):
    X, Y = data
    for seed in range(3):
        net = gn.Network([2] + [64] * 9 + [1], activations=activation,
                         initializer=initializer, seed=seed)
        report = diagnose(net, X, Y)
        assert not {"vanishing_gradient", "exploding_gradient"} & set(report.kinds())


def test_a_deep_sigmoid_network_with_tiny_weights_vanishes(data):
    """W ~ N(0, 0.01²): σ' ≤ 1/4 and ‖W‖ ≈ 0.1 shrink dZ about 100-fold a layer on the way
    back (worked with the notes' formulas in dZ_gains), so every layer from the first on
    whose RMS(dZ[l]) is below 1e-3 × RMS(dZ[L]) is named, and nothing explodes."""
    X, Y = data
    net = gn.Network([2] + [10] * 9 + [1], activations="sigmoid", seed=0,
                     initializer={"name": "normal", "std": 0.01})
    report = diagnose(net, X, Y)
    gains = dZ_gains(net, X, Y)
    expected = [l for l in range(1, net.L) if gains[l - 1] < 1e-3]
    assert expected == list(range(1, 9))
    assert [f.layer for f in report if f.kind == "vanishing_gradient"] == expected
    assert "exploding_gradient" not in report.kinds()


def test_the_learning_rate_must_be_a_positive_number(data):
    X, Y = data
    net = gn.Network([2, 3, 1], seed=0)
    with pytest.raises(gn.ConfigError, match="learning rate α must be a finite number > 0"):
        diagnose(net, X, Y, learning_rate=0.0)
