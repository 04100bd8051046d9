"""Behavioural tests written to kill mutants of the core modules (schedules, optimizers,
network, training, epochs) that survived `mutmut run`: each checks a value worked by hand
(in the comment) or an error message a user reads."""

import numpy as np
import pytest

from glassnet import optimizers, schedules
from glassnet.errors import ConfigError, DivergenceError
from glassnet.training import train
from test_training_kill import counted_engine

# -- schedules -------------------------------------------------------------------------------

def test_schedule_defaults_are_the_documented_ones():
    assert schedules.get("inverse_time").rate(1.0, 10) == 1.0 / 1.1     # 1 / (1 + 0.01·10)
    assert schedules.get("exponential").rate(2.0, 3) == 2.0 * 0.99 ** 3  # 2 · 0.99³
    step = schedules.get("step")                                        # drop 0.5 every 10
    assert [step.rate(1.0, e) for e in (0, 9, 10, 19, 20)] == [1.0, 1.0, 0.5, 0.5, 0.25]


def test_schedule_aliases_name_inverse_time():
    for alias in ("invscaling", "decay", "inverse_time"):
        s = schedules.get({"name": alias, "decay": 0.5})
        assert s.rate(3.0, 4) == 1.0                                    # 3 / (1 + 0.5·4)


def test_schedule_settings_from_a_config_dict():
    s = schedules.get({"name": "step", "drop": 0.25, "every": 3})
    assert [s.rate(1.0, e) for e in (2, 3, 6)] == [1.0, 0.25, 0.0625]
    assert schedules.get({"name": "exponential", "decay": 0.5}).rate(1.0, 3) == 0.125
    assert schedules.get("constant").rate(0.3, 1000) == 0.3


@pytest.mark.parametrize("name, key", [("exponential", "decay"), ("step", "drop")])
def test_schedule_factor_one_and_zero_are_allowed_above_one_refused(name, key):
    one = schedules.get({"name": name, key: 1.0})
    assert one.rate(0.7, 25) == 0.7
    zero = schedules.get({"name": name, key: 0.0, **({"every": 1} if name == "step" else {})})
    assert zero.rate(0.7, 0) == 0.7 and zero.rate(0.7, 1) == 0.0
    what = "the exponential schedule's decay" if name == "exponential" else "the step schedule's drop"
    with pytest.raises(ConfigError) as err:
        schedules.get({"name": name, key: 1.0 + 1e-12})
    assert str(err.value) == (f"{what} must be in [0, 1] (the rate may only fall), "
                              f"got {1.0 + 1e-12!r}")
    with pytest.raises(ConfigError, match="decay|drop"):
        schedules.get({"name": name, key: -0.1})


@pytest.mark.parametrize("spec, message", [
    ({"name": "inverse_time", "decay": -1}, "decay must be a finite number ≥ 0, got -1"),
    ({"name": "exponential", "decay": -1},
     "the exponential schedule's decay must be a finite number ≥ 0, got -1"),
    ({"name": "step", "drop": -1}, "the step schedule's drop must be a finite number ≥ 0, got -1"),
    ({"name": "step", "every": 0}, "every must be a whole number ≥ 1, got 0"),
])
def test_schedule_settings_out_of_range_are_named(spec, message):
    with pytest.raises(ConfigError) as err:
        schedules.get(spec)
    assert str(err.value) == message


def test_schedule_config_round_trip():
    for spec in ({"name": "inverse_time", "decay": 0.2}, {"name": "exponential", "decay": 0.9},
                 {"name": "step", "drop": 0.3, "every": 4}):
        s = schedules.get(spec)
        again = schedules.get(s.config())
        assert [again.rate(1.0, e) for e in range(12)] == [s.rate(1.0, e) for e in range(12)]
        assert again.config() == s.config() == spec


# -- optimizers: two steps from θ = (1, 2) with α = 0.1, worked in plain Python floats ------



G1, G2 = (0.5, -1.0), (0.2, 0.4)


def _by_hand(name, thetas=(1.0, 2.0), grads=(G1, G2), **s):
    """θ after the steps ``grads`` (G1, G2) by the module docstring's formulas, one float
    at a time."""
    out = []
    for i, theta in enumerate(thetas):
        a = v = m = sq = 0.0
        for t, g in enumerate((G[i] for G in grads), 1):
            if name == "sgd":
                theta -= 0.1 * g
            elif name == "momentum":
                v = s["beta"] * v + (1 - s["beta"]) * g
                theta -= 0.1 * v
            elif name == "classic_momentum":
                v = s["momentum"] * v - 0.1 * g
                theta += s["momentum"] * v - 0.1 * g if s["nesterov"] else v
            elif name == "rmsprop":
                sq = s["rho"] * sq + (1 - s["rho"]) * g * g
                theta -= 0.1 * g / (sq ** 0.5 + s["epsilon"])
            else:  # adam
                m = s["beta_1"] * m + (1 - s["beta_1"]) * g
                sq = s["beta_2"] * sq + (1 - s["beta_2"]) * g * g
                a = (m / (1 - s["beta_1"] ** t)) / ((sq / (1 - s["beta_2"] ** t)) ** 0.5
                                                    + s["epsilon"])
                theta -= 0.1 * a
        out.append(theta)
    return out


DEFAULTS = {
    "sgd": {},
    "momentum": {"beta": 0.9},
    "classic_momentum": {"momentum": 0.9, "nesterov": False},
    "rmsprop": {"rho": 0.9, "epsilon": 1e-8},
    "adam": {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8},
}


def _two_steps(opt):
    theta = np.array([1.0, 2.0])
    for g in (G1, G2):
        opt.step(theta, np.array(g), 0.1)
    return theta


@pytest.mark.parametrize("name", DEFAULTS)
def test_optimizer_defaults_give_the_worked_steps(name):
    opt = optimizers.get(name)
    assert opt.config() == {"name": name, **DEFAULTS[name]}
    assert _two_steps(opt) == pytest.approx(_by_hand(name, **DEFAULTS[name]), rel=1e-14)
    assert opt.t == 2


@pytest.mark.parametrize("name, settings", [
    ("momentum", {"beta": 0.5}),
    ("classic_momentum", {"momentum": 0.5, "nesterov": False}),
    ("classic_momentum", {"momentum": 0.5, "nesterov": True}),
    ("rmsprop", {"rho": 0.5, "epsilon": 0.25}),
    ("adam", {"beta_1": 0.5, "beta_2": 0.75, "epsilon": 0.25}),
])
def test_optimizer_settings_give_the_worked_steps(name, settings):
    opt = optimizers.get({"name": name, **settings})
    assert _two_steps(opt) == pytest.approx(_by_hand(name, **settings), rel=1e-14)


# five parameters in three pieces of at most PIECE = 2: (1, 2), (3, 4) and (5)
THETA_5 = (1.0, 2.0, 3.0, 4.0, 5.0)
G_5 = ((0.5, -1.0, 0.25, 2.0, -0.75), (0.2, 0.4, -0.6, 1.0, 0.1))


@pytest.mark.parametrize("name, settings", [
    *DEFAULTS.items(), ("classic_momentum", {"momentum": 0.9, "nesterov": True})])
def test_a_step_in_pieces_gives_every_parameter_its_worked_step(name, settings, monkeypatch):
    """A parameter's step depends on its own g and running averages only, so θ stepped a
    piece at a time (PIECE = 2 here: 2 + 2 + 1 values, the last piece partial) is each
    value worked on its own, one float at a time."""
    monkeypatch.setattr(optimizers, "PIECE", 2)
    opt = optimizers.get({"name": name, **settings})
    theta = np.array(THETA_5)
    for g in G_5:
        opt.step(theta, np.array(g), 0.1)
    assert theta.tolist() == pytest.approx(_by_hand(name, THETA_5, G_5, **settings),
                                           rel=1e-14)


def test_nesterov_first_step_by_hand():
    # v = −0.1·0.5 = −0.05; θ := 1 + 0.9·(−0.05) − 0.05 = 0.905
    theta = np.array([1.0])
    optimizers.get({"name": "classic_momentum", "nesterov": True}).step(
        theta, np.array([0.5]), 0.1)
    assert theta[0] == pytest.approx(0.905, rel=1e-15)


def test_usual_learning_rates_and_aliases():
    rates = {n: optimizers.get(n).default_learning_rate for n in DEFAULTS}
    assert rates == {"sgd": 0.1, "momentum": 0.1, "classic_momentum": 0.1,
                     "rmsprop": 0.001, "adam": 0.001}
    aliases = {"gd": "sgd", "gradient_descent": "sgd", "notes_momentum": "momentum",
               "ema_momentum": "momentum", "heavy_ball": "classic_momentum",
               "sgd_momentum": "classic_momentum"}
    for alias, name in aliases.items():
        assert optimizers.get(alias).name == name


def test_reset_forgets_the_averages_and_the_step_count():
    opt = optimizers.get("adam")
    _two_steps(opt)
    opt.reset()
    assert opt.state == {} and opt.t == 0
    assert _two_steps(opt) == pytest.approx(_by_hand("adam", **DEFAULTS["adam"]), rel=1e-14)


def test_a_parameter_vector_of_another_size_or_dtype_starts_fresh_averages():
    opt = optimizers.get("momentum")
    _two_steps(opt)
    theta = np.array([1.0, 2.0, 3.0])  # another network: V starts at 0 again
    opt.step(theta, np.array([1.0, 1.0, 1.0]), 0.1)
    assert theta.tolist() == pytest.approx([0.99, 1.99, 2.99], rel=1e-15)  # 0.1·0.1·1
    theta32 = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    opt.step(theta32, np.ones(3, dtype=np.float32), np.float32(0.1))
    assert theta32.dtype == np.float32 and opt.state["V"].dtype == np.float32
    assert theta32.tolist() == pytest.approx([0.99, 1.99, 2.99], rel=1e-6)


@pytest.mark.parametrize("spec, message", [
    ({"name": "momentum", "beta": 1}, "momentum β must be in [0, 1), got 1.0"),
    ({"name": "classic_momentum", "momentum": 1}, "momentum μ must be in [0, 1), got 1.0"),
    ({"name": "rmsprop", "rho": 1}, "RMSProp ρ must be in [0, 1), got 1.0"),
    ({"name": "rmsprop", "epsilon": -1}, "ε must be a finite number ≥ 0, got -1"),
    ({"name": "adam", "beta_1": 1}, "Adam β₁ must be in [0, 1), got 1.0"),
    ({"name": "adam", "beta_2": 1}, "Adam β₂ must be in [0, 1), got 1.0"),
    ({"name": "adam", "epsilon": -1}, "ε must be a finite number ≥ 0, got -1"),
])
def test_optimizer_settings_out_of_range_are_named(spec, message):
    with pytest.raises(ConfigError) as err:
        optimizers.get(spec)
    assert str(err.value) == message


def test_the_state_holds_the_running_averages_by_their_names_and_nothing_else():
    # after G1 = (0.5, −1) and G2 = (0.2, 0.4), default settings, worked by hand:
    # momentum V = 0.9·0.1·G1 + 0.1·G2 = (0.065, −0.05)
    # classic v = 0.9·(−0.1·G1) − 0.1·G2 = (−0.065, 0.05)
    # RMSProp S = 0.9·0.1·G1² + 0.1·G2² = (0.0265, 0.106)
    # Adam M = 0.9·0.1·G1 + 0.1·G2 = (0.065, −0.05); S = 0.999·0.001·G1² + 0.001·G2²
    expected = {
        "sgd": {},
        "momentum": {"V": [0.065, -0.05]},
        "classic_momentum": {"v": [-0.065, 0.05]},
        "rmsprop": {"S": [0.0265, 0.106]},
        "adam": {"M": [0.065, -0.05],
                 "S": [0.999 * 0.001 * 0.25 + 0.001 * 0.04, 0.999 * 0.001 + 0.001 * 0.16]},
    }
    for name, state in expected.items():
        opt = optimizers.get(name)
        _two_steps(opt)
        assert sorted(opt.state) == sorted(state), name
        for key, value in state.items():
            assert opt.state[key].tolist() == pytest.approx(value, rel=1e-13), (name, key)


# -- network ---------------------------------------------------------------------------------

from glassnet import Network  # noqa: E402
from glassnet.errors import GlassnetError, ShapeError  # noqa: E402


def test_summary_text_in_full():
    # n = (2, 3, 1): W[1] 3·2 + b[1] 3 = 9, W[2] 1·3 + b[2] 1 = 4, 13 in all
    net = Network([2, 3, 1], activations="tanh", seed=0, l1=0.5, l2=0.25)
    assert net.summary().splitlines() == [
        "Network with L = 2 layers (the input layer is not counted), loss: "
        "binary_cross_entropy, dtype: float64",
        "layer      units  activation  W shape  b shape  parameters",
        "0 (input)  2",
        "1          3      tanh        (3, 2)   (3, 1)   9 = 3·2 + 3",
        "2          1      sigmoid     (1, 3)   (1, 1)   4 = 1·3 + 1",
        "total parameters: 13; regularization: L1 λ₁ = 0.5, L2 λ₂ = 0.25",
    ]
    assert Network([2, 3, 1], l2=0.25).summary().splitlines()[-1] == (
        "total parameters: 13; regularization: L2 λ₂ = 0.25")
    assert Network([2, 3, 1], l1=0.5).summary().splitlines()[-1] == (
        "total parameters: 13; regularization: L1 λ₁ = 0.5")
    assert Network([2, 3, 1]).summary().splitlines()[-1] == "total parameters: 13"


def test_iterating_over_a_layer_quantity_gives_layers_1_to_L():
    net = Network([2, 3, 4, 1], seed=0)
    assert [W.shape for W in net.W] == [(3, 2), (4, 3), (1, 4)]
    assert [b.shape for b in net.b] == [(3, 1), (4, 1), (1, 1)]


def test_from_bias_columns_by_hand():
    # W̃[1] = [0.5 | 1, −1]: z = 0.5 + 2·1 + 1·(−1) = 1.5 for x = (2, 1)
    net = Network.from_bias_columns([[[0.5, 1.0, -1.0]]], ["sigmoid"], loss="mse",
                                    dtype="float32")
    assert net.dtype == np.float32 and net.loss.name == "mean_squared_error" and net.sizes == [2, 1]
    A = net.forward(np.array([[2.0], [1.0]]))
    assert A.dtype == np.float32 and A[0, 0] == pytest.approx(1 / (1 + np.exp(-1.5)), rel=1e-6)
    one_input = Network.from_bias_columns([[[0.0, 2.0]], [[1.0, 3.0]]], ["linear", "linear"])
    assert one_input.sizes == [1, 1, 1]
    assert one_input.forward(np.array([[1.0]]))[0, 0] == 7.0  # 3·(2·1) + 1
    assert one_input.W_tilde[2].tolist() == [[1.0, 3.0]]


def test_from_bias_columns_names_the_faulty_matrix():
    with pytest.raises(ShapeError) as err:
        Network.from_bias_columns([[[0.0, 2.0]], [[1.0]]], ["linear", "linear"])
    assert str(err.value) == ("W̃[2] = [b[2] | W[2]] needs at least 2 columns (bias + one "
                              "weight), got shape (1, 1)")
    with pytest.raises(GlassnetError, match=r"W̃\[2\]"):
        Network.from_bias_columns([[[0.0, 2.0]], [["x", 1.0]]], ["linear", "linear"])
    with pytest.raises(GlassnetError, match="dtype"):
        Network.from_bias_columns([[[0.0, 2.0]]], ["linear"], dtype="abc")


def test_set_bias_column_message_and_dtype():
    net = Network([3, 4, 1], seed=0)
    with pytest.raises(ShapeError) as err:
        net.set_bias_column(2, np.zeros((1, 3)))
    assert str(err.value) == ("W̃[2] = [b[2] | W[2]] must have shape (n[2], n[1] + 1) = (1, 5), "
                              "got (1, 3)")
    with pytest.raises(GlassnetError, match=r"W̃\[1\]"):
        net.set_bias_column(1, [["x"] * 4] * 4)


def test_fit_defaults_shuffle_and_continue():
    X = np.random.default_rng(3).normal(size=(2, 12))
    Y = (X[:1] > 0).astype(float)
    runs = {}
    for key, kw in {"default": {}, "shuffled": {"shuffle": True},
                    "in order": {"shuffle": False}}.items():
        net = Network([2, 3, 1], seed=0)
        net.fit(X, Y, epochs=3, batch_size=4, seed=5, learning_rate=0.5, **kw)
        runs[key] = net.parameters.copy()
    assert np.array_equal(runs["default"], runs["shuffled"])
    assert not np.array_equal(runs["default"], runs["in order"])
    twice, once = Network([2, 3, 1], seed=0), Network([2, 3, 1], seed=0)
    twice.fit(X, Y, epochs=2, optimizer="adam")
    twice.fit(X, Y, epochs=2, optimizer="adam")
    once.fit(X, Y, epochs=4, optimizer="adam")
    assert np.array_equal(twice.parameters, once.parameters)


def test_setting_a_layer_quantity_checks_and_names_it():
    net = Network([2, 3, 1], seed=0)
    net.forward(np.ones((2, 2)))
    with pytest.raises(GlassnetError) as err:
        net.W_tilde[1] = 0
    assert str(err.value) == ("W̃[l] is computed by the network and cannot be set; "
                              "set it with net.set_bias_column(l, W̃)")
    with pytest.raises(GlassnetError) as err:
        net.A[1] = 0
    assert str(err.value) == "A[l] is computed by the network and cannot be set"
    with pytest.raises(ShapeError) as err:
        net.W[1] = np.zeros(6)  # a flat vector only for a column such as b[l]
    assert str(err.value) == "W[1] must have shape (3, 2) (n[1], n[0]), got (6,)"
    with pytest.raises(ShapeError, match=r"b\[1\] must have shape \(3, 1\)"):
        net.b[1] = np.zeros((1, 3))
    with pytest.raises(GlassnetError, match=r"^b\[1\] must hold numbers"):
        net.b[1] = [["x"]]
    net.b[1] = np.array([1.0, 2.0, 3.0])
    assert net.b[1].tolist() == [[1.0], [2.0], [3.0]]
    net32 = Network([2, 3, 1], seed=0, dtype="float32")
    net32.W[1] = np.full((3, 2), 0.1)
    assert net32.W[1].dtype == np.float32 and net32.W[1][0, 0] == np.float32(0.1)


# -- epochs: the epoch runs with floating-point warnings off, whatever the caller's setting --
def test_an_overflowing_epoch_is_a_divergence_error_even_when_numpy_raises():
    """X = 1e200 with a linear unit and the squared error: the first step's Z·X overflows
    (inf), then inf − inf is invalid; the runner judges the non-finite cost itself and
    raises DivergenceError naming epoch 1, under np.errstate(all="raise") too."""
    net = Network([1, 1], activations="linear", output="linear",
                     loss="half_squared_error", seed=0)
    X = np.array([[1e200, -1e200, 3e200]])
    kept = net.parameters.copy()
    engine, built = counted_engine()  # every trial rate overflows too: 1 + TRIALS runners
    with np.errstate(all="raise"), pytest.raises(DivergenceError) as err:
        train(net, X, X, epochs=3, learning_rate=1.0, engine=engine)
    assert err.value.epoch == 1 and len(built) == 5
    np.testing.assert_array_equal(net.parameters, kept)


@pytest.mark.parametrize(("l1", "l2", "cost"), [
    (0.0, 0.0, 17.625), (0.0, 0.5, 18.125), (0.25, 0.0, 17.875), (0.25, 0.5, 18.375)])
def test_a_minibatch_epochs_cost_adds_each_steps_penalty(l1, l2, cost):
    """W = 2, b = 0.5, x = 1 … 4, y = 0, the half squared error: a = 2.5, 4.5, 6.5, 8.5 and
    J = (3.125 + 10.125 + 21.125 + 36.125) / 4 = 17.625. Each of the two steps of B = 2
    adds m_b·[(λ₂/2m_b)·W² + (λ₁/m_b)·|W|] = 2λ₂ + 2λ₁, and the sum over m = 4 is λ₂ + λ₁:
    + 0.5 for λ₂ = 0.5, + 0.25 for λ₁ = 0.25. α = 1e-300 leaves the parameters as they are."""
    net = Network([1, 1], activations="linear", output="linear", loss="half_squared_error",
                  seed=0, l1=l1, l2=l2)
    net.W[1][...] = 2.0
    net.b[1][...] = 0.5
    X, Y = np.array([[1.0, 2.0, 3.0, 4.0]]), np.zeros((1, 4))
    history = train(net, X, Y, epochs=1, learning_rate=1e-300, batch_size=2, shuffle=False)
    assert history.cost == [cost]


# -- network: kill-tests for the mutants of network.py (mutmut run "glassnet.network*") ------
import pickle  # noqa: E402

from glassnet.errors import DataError, NumericError  # noqa: E402


def _one_unit(W=1.0, b=0.0, dtype="float64", **kw):
    """a = W·x + b, one linear unit scored by the half squared error L = ½(a − y)²."""
    net = Network([1, 1], output="linear", loss="half_squared_error", seed=0, dtype=dtype, **kw)
    net.W[1] = [[W]]
    net.b[1] = [[b]]
    return net


def test_evaluate_scores_y_in_the_networks_dtype_and_checks_the_targets():
    # a = 0, y = 0.1 held in float32: J = ½·fl32(0.1)² in float32, not float64's 0.005
    net32 = _one_unit(W=0.0, dtype="float32")
    by_hand = float(np.float32(0.5) * np.float32(0.1) * np.float32(0.1))
    assert by_hand != 0.5 * 0.1 * 0.1
    assert net32.evaluate([[1.0]], [[0.1]])["cost"] == by_hand
    bce = Network([1, 1], seed=0)  # sigmoid + binary cross-entropy: y must be 0 or 1
    with pytest.raises(DataError, match="but Y holds 2; encode the two classes as 0 and 1$"):
        bce.evaluate([[1.0]], [[2.0]])


@pytest.mark.parametrize("method", ["evaluate", "cost", "gradient"])
def test_the_checked_passes_judge_floating_point_trouble_themselves(method):
    """Under np.errstate(all="raise") the checked passes still give their own answer:
    a = x = 1e200 and y = 0 make ½a² overflow (a NumericError, not FloatingPointError);
    x = 1e-200 makes ½a² = 5e-401 underflow to the cost 0.0 (dW = a·x also underflows)."""
    net = _one_unit()
    with np.errstate(all="raise"):
        with pytest.raises(NumericError):
            getattr(net, method)([[1e200]], [[0.0]])
        J = getattr(net, method)([[1e-200]], [[0.0]])
    assert (J[0] if method == "gradient" else J["cost"] if method == "evaluate" else J) == 0.0


def test_set_bias_column_judges_the_values_in_the_networks_dtype():
    net32 = Network([3, 4, 1], seed=0, dtype="float32")
    with pytest.raises(DataError) as err:  # finite in float64, beyond the largest float32
        net32.set_bias_column(1, [[0.0, 1e300, 0.0, 0.0]] * 4)
    assert str(err.value) == ("W̃[1] holds 1e+300 at [0, 1], beyond the largest float32 "
                              "(3.4e+38); scale it down or use dtype='float64'")


def test_a_pickled_network_keeps_its_seed_and_parameters():
    net = Network([2, 3, 1], seed=7)
    again = pickle.loads(pickle.dumps(net))
    assert again.seed == 7
    np.testing.assert_array_equal(again.parameters, net.parameters)
    np.testing.assert_array_equal(again.initialize(7).parameters, net.parameters)


def test_a_layer_quantity_counts_its_layers():
    net = Network([2, 3, 4, 1], seed=0)  # L = 3: W[1..3], A[0..3]
    assert len(net.W) == len(net.dZ) == 3
    assert len(net.A) == 4


def test_the_summary_as_html_for_a_notebook():
    net = Network([2, 3, 1], activations="tanh", seed=0, l2=0.25)
    html = net._repr_html_()
    assert html.startswith('<div><table class="glassnet"><caption>Network with L = 2 layers '
                           "(the input layer is not counted), loss: binary_cross_entropy, "
                           "dtype: float64</caption><thead><tr><th>layer</th><th>units</th>")
    assert "<tr><td>1</td><td>3</td><td>tanh</td><td>(3, 2)</td><td>(3, 1)</td>" in html
    assert html.endswith("</table><p>total parameters: 13; regularization: L2 λ₂ = 0.25</p>"
                         "</div>")


# -- network: the checked passes name their own trouble (backward, cost, gradient, predict) --
from glassnet.errors import LayerIndexError, NotFittedError  # noqa: E402


def test_backward_needs_a_forward_pass_and_gives_the_worked_gradients():
    net = _one_unit(W=2.0, b=0.5)
    with pytest.raises(NotFittedError) as err:
        net.backward([[1.0]])
    assert str(err.value) == "backward needs a forward pass first: call net.forward(X)"
    net.forward([[1.0, 3.0]])
    # a = 2.5, 6.5; dZ = a − y = 2.5, 5.5; dW = (2.5·1 + 5.5·3)/2 = 9.5; db = (2.5 + 5.5)/2 = 4
    assert net.backward([[0.0, 1.0]]) is net
    assert net.dW[1].tolist() == [[9.5]] and net.db[1].tolist() == [[4.0]]


def _checked(method, net, X, Y):
    """Run one checked pass that takes targets: backward after a forward pass of X."""
    if method == "backward":
        net.forward(X)
        return net.backward(Y)
    return getattr(net, method)(X, Y)


@pytest.mark.parametrize("method", ["backward", "cost", "gradient", "evaluate"])
def test_the_checked_passes_read_Y_in_the_networks_dtype_for_its_loss(method):
    with pytest.raises(DataError) as err:  # finite in float64, beyond the largest float32
        _checked(method, _one_unit(dtype="float32"), [[1.0]], [[1e300]])
    assert str(err.value) == ("Y holds 1e+300 at [0, 0], beyond the largest float32 "
                              "(3.4e+38); scale it down or use dtype='float64'")
    bce = Network([1, 1], seed=0)  # sigmoid + binary cross-entropy: y must be 0 or 1
    with pytest.raises(DataError, match="but Y holds 2; encode the two classes as 0 and 1$"):
        _checked(method, bce, [[1.0]], [[2.0]])


def test_backward_judges_floating_point_trouble_itself():
    """Under np.errstate(all="raise"): x = 1e200 gives a = 1e200 and dW = a·x = 1e400, an
    overflow named as a NumericError; x = 1e-200 gives dW = 1e-400, which underflows to 0."""
    net = _one_unit()
    with np.errstate(all="raise"):
        net.forward([[1e200]])
        with pytest.raises(NumericError) as err:
            net.backward([[0.0]])
        net.forward([[1e-200]])
        net.backward([[0.0]])
    assert str(err.value) == ("backpropagation overflowed: dW[1] holds values that are not "
                              "finite (largest |dZ[1]| is 1e+200); scale X and Y or use "
                              "smaller weights")
    assert net.dW[1].tolist() == [[0.0]] and net.db[1].tolist() == [[1e-200]]


def _saturated_tanh():
    """x → tanh → linear: W[1] = 0, b[1] = 30 give a[1] = tanh(30) = 1 exactly (in float64);
    W[2] = 1e300 gives a[2] = 1e300. With y = 0: dZ[2] = 1e300, dW[2] = db[2] = 1e300
    (finite), dA[1] = W[2]ᵀ dZ[2] = 1e600 = inf, and dZ[1] = dA[1]·(1 − a[1]²) = inf·0 = NaN."""
    net = Network([1, 1, 1], activations="tanh", output="linear", loss="half_squared_error",
                  seed=0)
    net.W[1], net.b[1], net.W[2], net.b[2] = [[0.0]], [[30.0]], [[1e300]], [[0.0]]
    return net


@pytest.mark.parametrize("method", ["backward", "gradient"])
def test_backpropagation_names_the_first_layer_from_the_output_that_is_not_finite(method):
    net = _saturated_tanh()
    with np.errstate(all="raise"), pytest.raises(NumericError) as err:
        _checked(method, net, [[1.0]], [[0.0]])
    assert str(err.value) == ("backpropagation overflowed: dW[1] holds values that are not "
                              "finite (largest |dZ[1]| is nan); scale X and Y or use smaller "
                              "weights")


def test_backpropagation_names_a_bias_gradient_that_is_not_finite():
    """W = 0, b = 1e308, x = (1, −1), y = 0: a = 1e308 for both examples, so dZ = 1e308,
    dW = (1e308·1 + 1e308·(−1))/2 = 0 (finite) but db = (1e308 + 1e308)/2 = inf."""
    net = _one_unit(W=0.0, b=1e308)
    net.forward([[1.0, -1.0]])
    with pytest.raises(NumericError) as err:
        net.backward([[0.0, 0.0]])
    assert str(err.value) == ("backpropagation overflowed: db[1] holds values that are not "
                              "finite (largest |dZ[1]| is 1e+308); scale X and Y or use "
                              "smaller weights")
    assert net.layers[0].dW.tolist() == [[0.0]]


def _softmax_overflow():
    """x = 1e200 and W[1] = (1e200, 0): z = (inf, 0), and softmax's z − max z is inf − inf."""
    net = Network([1, 2], output="softmax", seed=0)
    net.W[1], net.b[1] = [[1e200], [0.0]], [[0.0], [0.0]]
    return net


@pytest.mark.parametrize("method", ["forward", "predict", "cost", "gradient", "evaluate"])
def test_an_overflowing_softmax_layer_is_named_under_any_error_setting(method):
    net = _softmax_overflow()
    args = ([[1e200]],) if method in ("forward", "predict") else ([[1e200]], [[1.0], [0.0]])
    with np.errstate(all="raise"), pytest.raises(NumericError) as err:
        getattr(net, method)(*args)
    where = "Z[1]" if method in ("predict", "evaluate") else "Z[1] = W[1] A[0] + b[1]"
    assert str(err.value) == (f"forward propagation overflowed at layer 1: {where} holds "
                              "values that are not finite (largest |A[0]| is 1e+200, largest "
                              "|W[1]| is 1e+200); scale X or use smaller weights")


def test_predict_judges_floating_point_trouble_itself():
    """Under np.errstate(all="raise"): z = 1e200·1e200 overflows (a NumericError naming
    layer 1); z = 1e-200·1e-200 underflows to 0, and σ(0) = 0.5."""
    net = Network([1, 1], seed=0)
    net.W[1] = [[1e200]]
    with np.errstate(all="raise"):
        with pytest.raises(NumericError, match="^forward propagation overflowed at layer 1"):
            net.predict([[1e200]])
        net.W[1] = [[1e-200]]
        assert net.predict([[1e-200]]).tolist() == [[0.5]]


def test_gradient_returns_a_copy_that_the_next_pass_leaves_alone():
    net = _one_unit(W=2.0, b=0.5)
    # a = 2.5, y = 0: J = ½·2.5² = 3.125, dW = 2.5·1, db = 2.5
    J, g = net.gradient([[1.0]], [[0.0]])
    assert J == 3.125 and g.tolist() == [2.5, 2.5]
    net.gradient([[2.0]], [[0.0]])
    assert g.tolist() == [2.5, 2.5] and net.gradients.tolist() == [9.0, 4.5]  # a = 4.5


def test_the_gradients_are_readable_only_after_a_backward_pass_of_the_last_forward():
    net = Network([1, 1], seed=0)
    message = "dW[1] is not computed yet: run net.forward(X) and net.backward(Y)"
    for step in ("built", "forward", "backward", "forward again", "initialized"):
        if step == "built":
            pass
        elif step == "initialized":
            net.initialize(0)
        else:
            net.forward([[1.0]])
            if step == "backward":
                net.backward([[1.0]])
        if step == "backward":
            assert net.dW[1].shape == net.db[1].shape == net.dZ[1].shape == (1, 1)
            continue
        for q in ("dW", "db", "dZ"):
            with pytest.raises(NotFittedError) as err:
                getattr(net, q)[1]
            assert str(err.value) == message.replace("dW", q), (step, q)


def test_the_bias_column_by_hand_is_a_read_only_copy():
    net = Network([2, 2, 1], seed=0)
    net.W[1], net.b[1] = [[1.0, 2.0], [3.0, 4.0]], [[5.0], [6.0]]
    net.W[2], net.b[2] = [[7.0, 8.0]], [[9.0]]
    assert net.bias_column(1).tolist() == [[5.0, 1.0, 2.0], [6.0, 3.0, 4.0]]
    W_tilde = net.bias_column(2)
    assert W_tilde.tolist() == [[9.0, 7.0, 8.0]]
    with pytest.raises(ValueError, match="read-only"):
        W_tilde[0, 0] = 0.0
    with pytest.raises(LayerIndexError) as err:
        net.bias_column(3)
    assert str(err.value) == ("W[3] does not exist: this network has L = 2 layers, so "
                              "W[1] … W[2]")


import tracemalloc  # noqa: E402


def _predict_peak(net, X):
    """predict(X) and the most memory (bytes, NumPy's buffers included) it held at once."""
    tracemalloc.start()
    try:
        A = net.predict(X)
        return A, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(("n_1", "m"), [(2**16, 64), (2**20 + 1, 4)])
def test_predict_works_a_chunk_of_examples_at_a_time(n_1, m):
    """predict holds 2²³ bytes of the widest Z[l] at a time: with n[1] = 2¹⁶ units that is
    2²³ / (2¹⁶ · 8) = 16 examples, so X of 64 goes in 4 chunks of Z[1], A[1] (8 MiB each),
    where one pass of all 64 holds 2 × 32 MiB; a layer wider than 2²⁰ units goes one example
    at a time (8 MiB per column). Either way less than 4 × 8 MiB at once, and A[L] is
    σ(W[2] relu(W[1] X + b[1]) + b[2]) worked out in one go (to a sum's rounding)."""
    net = Network([1, n_1, 1], seed=0)
    net.b[1] = np.linspace(-0.5, 0.5, n_1)
    X = np.linspace(-1.0, 1.0, m).reshape(1, -1)
    Z_2 = net.W[2] @ np.maximum(net.W[1] @ X + net.b[1], 0.0) + net.b[2]
    A, peak = _predict_peak(net, X)
    np.testing.assert_allclose(A, 1 / (1 + np.exp(-Z_2)), rtol=1e-12)
    assert peak < 4 * 2**23


def test_predict_is_forwards_A_in_the_networks_dtype_bit_for_bit():
    net = Network([2, 3, 2], activations="tanh", output="softmax", seed=1, dtype="float32")
    X = np.random.default_rng(2).normal(size=(2, 7))
    A = net.predict(X)
    assert A.dtype == np.float32
    np.testing.assert_array_equal(A, net.forward(X))


def test_predict_unchecked_leaves_the_judging_to_the_caller():
    net = _one_unit(W=1e200)  # a = 1e200·x: x = 1e200 overflows to inf, x = 1 does not
    with np.errstate(over="ignore"):
        A = net.predict_unchecked(np.array([[1e200, 1.0]]))
    assert A.tolist() == [[np.inf, 1e200]]


def test_from_bias_columns_judges_the_values_in_the_networks_dtype():
    with pytest.raises(DataError) as err:  # finite in float64, beyond the largest float32
        Network.from_bias_columns([[[0.0, 1e300]]], ["linear"], dtype="float32")
    assert str(err.value) == ("W̃[1] holds 1e+300 at [0, 1], beyond the largest float32 "
                              "(3.4e+38); scale it down or use dtype='float64'")


@pytest.mark.parametrize("method", ["evaluate", "cost", "gradient"])
def test_an_output_that_overflows_after_a_finite_Z_is_a_numeric_error(method):
    """A SELU output a = λz with λ ≈ 1.0507: z = 1e308·1.75 is finite but a = 1.84e308 is
    not; the Poisson loss y·(log y − log a) − y + a of a = inf is inf − inf = NaN for y = 0
    and y = 1. Under np.errstate(all="raise") too, the cost J is named as not finite."""
    net = Network([1, 1], output="selu", loss="poisson", seed=0)
    net.W[1], net.b[1] = [[1e308]], [[0.0]]
    for y in (0.0, 1.0):
        with np.errstate(all="raise"), pytest.raises(NumericError, match="^the cost J is nan"):
            getattr(net, method)([[1.75]], [[y]])


def test_from_parameters_names_a_missing_entry_and_a_faulty_W():
    W, b = [np.zeros((3, 2)), np.zeros((1, 3))], [np.zeros((3, 1)), np.zeros((1, 1))]
    for args, got in (((W, b[:1], ["relu", "linear"]), "2 W, 1 b and 2 activations"),
                      ((W, b, ["relu"]), "2 W, 2 b and 1 activations")):
        with pytest.raises(ConfigError) as err:
            Network.from_parameters(*args)
        assert str(err.value) == f"W, b and activations need one entry per layer; got {got}"
    with pytest.raises(ShapeError) as err:  # W[2] must take A[1]'s 3 rows, not n_x = 2
        Network.from_parameters([W[0], np.zeros((1, 4))], b, ["relu", "linear"])
    assert str(err.value) == ("W[2] has shape (1, 4) but A[1] has 3 rows (W[1] has 3 units): "
                              "W[2] needs 3 columns")
    for l in (1, 2):
        bad = [[["x"] * 2] * 3, W[1]] if l == 1 else [W[0], [["x"] * 3]]
        with pytest.raises(GlassnetError) as err:
            Network.from_parameters(bad, b, ["relu", "linear"])
        assert str(err.value) == f"W[{l}] must hold numbers, got an array of <U1"


def test_from_parameters_rounds_whole_number_weights_once_to_the_dtype():
    """n = 2⁶⁰ + 2³⁶ + 1 lies just above the midpoint 2⁶⁰ + 2³⁶ of float32's neighbours
    2⁶⁰ and 2⁶⁰ + 2³⁷ (24 bits: a step of 2³⁷), so its nearest float32 is 2⁶⁰ + 2³⁷; rounded
    to float64 first it would fall on the midpoint and round (to even) down to 2⁶⁰."""
    n = 2**60 + 2**36 + 1
    net = Network.from_parameters([np.array([[n]])], [[0]], ["linear"], dtype="float32")
    assert int(net.W[1][0, 0]) == 2**60 + 2**37


def test_forward_judges_floating_point_trouble_itself():
    """Under np.errstate(all="raise"): z = 1e-200·1e-200 underflows to 0 (a = 0 for a linear
    unit); the overflowing softmax is the test above."""
    net = _one_unit(W=1e-200)
    with np.errstate(all="raise"):
        assert net.forward([[1e-200]]).tolist() == [[0.0]]


@pytest.mark.parametrize("method", ["evaluate", "cost", "gradient"])
def test_a_cost_that_is_not_finite_names_the_loss_and_the_regularization_term(method):
    """W = 0, b = 1e200, x = 1, y = 0: a = 1e200 and J = ½a² = 5e399 overflows to inf (dW =
    db = 1e200 are finite). With W = 1e200, x = 0, λ₂ = 1: the loss is 0 but the term
    (λ₂/2m)·W² = 5e399 overflows, so the weights are named too; W = 1e100 gives 5e199."""
    cost = {"evaluate": lambda J: J["cost"], "gradient": lambda J: J[0]}.get(method, float)
    with pytest.raises(NumericError) as err:
        getattr(_one_unit(W=0.0, b=1e200), method)([[1.0]], [[0.0]])
    assert str(err.value) == ("the cost J is inf: the half_squared_error of outputs this "
                              "large is not finite; scale Y (and X) to moderate values")
    with pytest.raises(NumericError) as err:
        getattr(_one_unit(W=1e200, l2=1.0), method)([[0.0]], [[0.0]])
    assert str(err.value) == ("the cost J is inf: the half_squared_error of outputs this "
                              "large or the regularization term of weights this large is not "
                              "finite; scale Y (and X) to moderate values or use smaller weights")
    assert cost(getattr(_one_unit(W=1e100, l2=1.0), method)([[0.0]], [[0.0]])) == 0.5e200


def test_a_layer_is_numbered_by_a_whole_number():
    net = Network([2, 3, 1], seed=0)
    for l in (1.5, True, "1"):
        with pytest.raises(GlassnetError) as err:
            net.W[l]
        assert str(err.value) == f"layers are numbered by whole numbers, as in W[1]; got {l!r}"
    assert net.W[np.int64(2)].shape == (1, 3)


def test_a_forward_quantity_not_computed_yet_asks_for_forward_only():
    net = Network([2, 3, 1], seed=0)
    for q in ("Z", "A"):
        with pytest.raises(NotFittedError) as err:
            getattr(net, q)[1]
        assert str(err.value) == f"{q}[1] is not computed yet: run net.forward(X)"


def test_setting_a_parameter_checks_it_in_the_networks_dtype_and_names_it():
    net32 = Network([2, 3, 1], seed=0, dtype="float32")
    with pytest.raises(DataError) as err:  # finite in float64, beyond the largest float32
        net32.W[1] = [[0.0, 0.0], [0.0, 1e300], [0.0, 0.0]]
    assert str(err.value) == ("W[1] holds 1e+300 at [1, 1], beyond the largest float32 "
                              "(3.4e+38); scale it down or use dtype='float64'")
    with pytest.raises(DataError) as err:
        net32.b[1] = [[0.0], [np.nan], [0.0]]
    assert str(err.value) == ("b[1] holds nan at [1, 0]; remove or fill missing values "
                              "before training")
    with pytest.raises(ShapeError) as err:
        net32.b[2] = np.zeros((1, 3))
    assert str(err.value) == "b[2] must have shape (1, 1) (n[2], 1), got (1, 3)"
    assert np.all(np.isfinite(net32.parameters))


@pytest.mark.parametrize("method", ["forward", "predict", "cost"])
def test_an_overflow_in_a_later_layer_names_that_layer_and_its_inputs(method):
    """x = 1e10, W[1] = 2: a[1] = 2e10 (linear), then W[2] = 1e300 gives z[2] = 2e310 = inf."""
    net = Network([1, 1, 1], activations="linear", output="linear",
                  loss="half_squared_error", seed=0)
    net.W[1], net.W[2] = [[2.0]], [[1e300]]
    with pytest.raises(NumericError) as err:
        getattr(net, method)(*(([[1e10]], [[0.0]]) if method == "cost" else ([[1e10]],)))
    where = "Z[2]" if method == "predict" else "Z[2] = W[2] A[1] + b[2]"
    assert str(err.value) == (f"forward propagation overflowed at layer 2: {where} holds "
                              "values that are not finite (largest |A[1]| is 2e+10, largest "
                              "|W[2]| is 1e+300); scale X or use smaller weights")


# -- network: construction's checks and messages, the kept buffers, a fresh draw -------------
from glassnet import initializers  # noqa: E402
from glassnet.layers import Dense  # noqa: E402


@pytest.mark.parametrize("layers", [[], ["sigmoid"], [Dense(3, "tanh"), "sigmoid"]])
def test_from_layers_takes_only_a_non_empty_list_of_dense_layers(layers):
    with pytest.raises(ConfigError) as err:
        Network.from_layers(2, layers)
    assert str(err.value) == "layers must be a non-empty list of Dense layers"


def test_from_layers_checks_n_x_and_a_softmax_output_by_name():
    with pytest.raises(ConfigError) as err:
        Network.from_layers(0, [Dense(1, "sigmoid")])
    assert str(err.value) == "n_x must be a whole number ≥ 1, got 0"
    with pytest.raises(ConfigError) as err:
        Network.from_layers(2, [Dense(1, "softmax")])
    assert str(err.value) == "a softmax output layer needs at least 2 units (one per class)"


def test_from_layers_defaults_and_its_seed():
    """No l1, l2, dtype or loss named: λ₁ = λ₂ = 0, float64, and a linear output scored by
    the half squared error (not the sigmoid's cross-entropy of a lone unit). The same seed
    draws the same parameters, another seed others."""
    def build(seed):
        return Network.from_layers(2, [Dense(3, "tanh"), Dense(1, "linear")], seed=seed)

    net = build(3)
    assert (net.l1, net.l2, net.dtype, net.seed) == (0.0, 0.0, np.dtype("float64"), 3)
    assert net.loss.name == "half_squared_error"
    np.testing.assert_array_equal(build(3).parameters, net.parameters)
    assert not np.array_equal(build(4).parameters, net.parameters)


def test_from_config_rebuilds_dtype_and_rates_and_defaults_those_left_out():
    net = Network([2, 3, 1], activations="tanh", seed=0, dtype="float32", l1=0.25, l2=0.5)
    again = Network.from_config(net.config(), net.parameters)
    assert (again.dtype, again.l1, again.l2) == (np.dtype("float32"), 0.25, 0.5)
    assert repr(again) == repr(net) == "Network(2 → 3 → 1; tanh, sigmoid; loss=binary_cross_entropy)"
    np.testing.assert_array_equal(again.parameters, net.parameters)
    older = {key: value for key, value in net.config().items()
             if key not in ("dtype", "l1", "l2")}  # a config written before these keys
    old = Network.from_config(older, net.parameters)
    assert (old.dtype, old.l1, old.l2) == (np.dtype("float64"), 0.0, 0.0)
    np.testing.assert_array_equal(old.parameters, net.parameters.astype(np.float64))


def test_from_config_checks_the_parameters_in_the_networks_dtype_and_their_count():
    config = Network([2, 3, 1], seed=0, dtype="float32").config()  # 2·3 + 3 + 3·1 + 1 = 13
    with pytest.raises(DataError) as err:  # finite in float64, beyond the largest float32
        Network.from_config(config, [1e300] + [0.0] * 12)
    assert str(err.value) == ("parameters holds 1e+300 at [0], beyond the largest float32 "
                              "(3.4e+38); scale it down or use dtype='float64'")
    with pytest.raises(ShapeError) as err:
        Network.from_config(config, np.zeros(12))
    assert str(err.value) == "this architecture has 13 parameters, got 12"


@pytest.mark.parametrize("sizes", [[3], "23", 5, iter([2, 1])])
def test_sizes_must_list_at_least_two_numbers(sizes):
    with pytest.raises(ConfigError) as err:
        Network(sizes)
    assert str(err.value) == ("sizes must list the units of each layer, input included: "
                              f"[n_x, n[1], …, n[L]] (at least 2 numbers), got {sizes!r}")


@pytest.mark.parametrize(("sizes", "message"), [
    ([0, 1], "n_x must be a whole number ≥ 1, got 0"),
    ([2, 3, 1.5], "n[2] must be a whole number ≥ 1, got 1.5")])
def test_a_bad_layer_size_is_named_in_the_notes_terms(sizes, message):
    with pytest.raises(ConfigError) as err:
        Network(sizes)
    assert str(err.value) == message


def test_a_softmax_hidden_layer_is_refused_naming_its_layer():
    with pytest.raises(ConfigError) as err:  # layer 1 is fine, layer 2 of L = 3 is not
        Network([2, 3, 3, 2], activations=["relu", "softmax"], output="softmax")
    assert str(err.value) == (
        "softmax cannot be g[2] of hidden layer 2: it is an output activation, which turns "
        "the n[L] scores of the last layer into class probabilities that sum to 1; in a "
        "hidden layer it would tie every unit's a to all the others. Use relu, tanh, "
        "sigmoid, … for hidden layers and softmax as output=")


class _LogOfMinusOne(initializers.Initializer):
    """A user's rule whose draw is not a number: log(−1) = NaN (NumPy's "invalid")."""

    def init(self, rng, shape, dtype=np.float64):
        return np.log(np.full(shape, -1.0, dtype=dtype))


def test_an_initializer_that_draws_nan_or_overflows_is_named_with_its_layer():
    """Under np.errstate(all="raise") the draw is still judged by initialize itself."""
    with np.errstate(all="raise"), pytest.raises(ConfigError) as err:
        Network([2, 3, 1], seed=0, initializer=_LogOfMinusOne())
    assert str(err.value) == ("the initializer _LogOfMinusOne() gives W[1] values beyond "
                              "the largest float64 (1.8e+308) or NaN; choose a smaller scale")
    with np.errstate(all="raise"), pytest.raises(ConfigError) as err:  # 1e300 → float32: inf
        Network([2, 3, 1], seed=0, dtype="float32",
                bias_initializer={"name": "constant", "value": 1e300})
    assert str(err.value) == ("the initializer Constant(value=1e+300) gives b[1] values "
                              "beyond the largest float32 (3.4e+38) or NaN; choose a smaller "
                              "scale")


def test_a_fresh_draw_forgets_the_last_pass():
    net = Network([1, 2, 1], seed=0)
    net.forward([[1.0]])
    net.backward([[1.0]])
    net.initialize(1)
    for q, l in (("A", 0), ("A", 2), ("Z", 1)):
        with pytest.raises(NotFittedError) as err:
            getattr(net, q)[l]
        assert str(err.value) == f"{q}[{l}] is not computed yet: run net.forward(X)"
    with pytest.raises(NotFittedError) as err:
        net.backward([[1.0]])
    assert str(err.value) == "backward needs a forward pass first: call net.forward(X)"


def test_dA_L_is_formed_only_without_the_shortcut():
    """sigmoid + binary CE start from dZ[2] = A[2] − Y: dA[2] is never formed (dA[1] is);
    a linear unit with the half squared error has dA[1] = a − y = 3 − 1 = 2 (W = 1, x = 3)."""
    net = Network([1, 2, 1], activations="tanh", seed=0)
    net.forward([[1.0]])
    net.backward([[1.0]])
    assert net.dA[1].shape == (2, 1)
    with pytest.raises(NotFittedError, match=r"^dA\[2\] is not computed"):
        net.dA[2]
    unit = _one_unit()
    unit.forward([[3.0]])
    unit.backward([[1.0]])
    assert unit.dA[1].tolist() == [[2.0]]


def test_the_buffers_of_the_last_four_batch_sizes_are_kept_and_reused():
    """forward_unchecked returns the cache's own A[L]: the same array for a batch size
    seen before; a fifth size drops the first size's buffers (the oldest)."""
    net = Network([1, 1], seed=0)
    first = {m: net.forward_unchecked(np.ones((1, m))) for m in (1, 2, 3, 4, 5)}
    for m in (2, 3, 4, 5):  # kept: the same buffers (m = 1 was dropped when 5 came)
        assert net.forward_unchecked(np.ones((1, m))) is first[m]
    again = net.forward_unchecked(np.ones((1, 1)))  # m = 1 anew drops m = 2, the oldest
    assert again is not first[1] and again.shape == (1, 1)
    assert net.forward_unchecked(np.ones((1, 3))) is first[3]
    assert net.forward_unchecked(np.ones((1, 2))) is not first[2]


def test_an_unpickled_network_has_no_last_pass():
    """The caches are not pickled: after a round trip net.A[l] and net.dW[l] are not
    computed yet, though the network they came from had run forward and backward."""
    net = Network([1, 2, 1], seed=0)
    net.forward([[1.0]])
    net.backward([[1.0]])
    again = pickle.loads(pickle.dumps(net))
    for q in ("A", "dW"):
        with pytest.raises(NotFittedError, match=rf"^{q}\[1\] is not computed yet"):
            getattr(again, q)[1]


def test_a_network_beyond_the_cap_is_refused_with_its_sizes_and_size():
    """[10⁴, 10⁴, 1]: 10⁴·10⁴ + 1·10⁴ weights and 10⁴ + 1 biases = 100,020,001 parameters,
    2 × 8 bytes each with the gradients: 1.6 GB."""
    with pytest.raises(ConfigError) as err:
        Network([10**4, 10**4, 1])
    assert str(err.value) == (
        "sizes [10000, 10000, 1] make 100,020,001 parameters (W and b), 1.6 GB with their "
        "gradients in float64; glassnet builds at most 100,000,000 "
        "(glassnet.network.MAX_PARAMETERS): use fewer or smaller layers")
