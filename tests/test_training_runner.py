"""The epoch runner, the divergence rule and its verified advice, and the argument checks.

The runner (glassnet.epochs) is what train(), Network.fit and the playground share; the
rule (glassnet.divergence) must catch both reproductions of issue 10.2 and never fire on
healthy training of any built-in data set.
"""

import warnings

import numpy as np
import pytest

import glassnet as gn
from glassnet import divergence, optimizers, schedules
from glassnet.cli import main as cli
from glassnet.epochs import Batches, EpochRunner, NumpyEngine
from glassnet.training import train
from glassnet.validation import check_X, check_Y


def circle(m, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(2, m))
    return X, (np.hypot(X[0], X[1]) < 0.6).astype(float).reshape(1, -1)


# ------------------------------------------------------------------ the runner
def test_a_bare_runner_equals_train_bit_for_bit():
    X, Y = circle(90)
    a = gn.Network([2, 5, 1], activations="tanh", seed=0)
    b = a.copy()
    history = train(a, X, Y, epochs=6, learning_rate=0.3, optimizer="adam", batch_size=16,
                    seed=3)
    runner = EpochRunner(b, check_X(X, 2, b.dtype), check_Y(Y, 1, 90, b.dtype, b.loss),
                         Batches(16, shuffle=True, seed=3))
    adam = optimizers.get("adam")
    costs = [runner.run_epoch(adam, 0.3) for _ in range(6)]
    assert costs == history.cost
    np.testing.assert_array_equal(a.parameters, b.parameters)
    assert runner.epoch == 6 and adam.t == 6 * 6


def test_another_engine_plugs_in():
    calls = []

    class Counting(NumpyEngine):
        def run_epoch(self, order, optimizer, learning_rate):
            calls.append(None if order is None else order.copy())
            return super().run_epoch(order, optimizer, learning_rate)

    X, Y = circle(40)
    plain, counted = gn.Network([2, 3, 1], seed=0), gn.Network([2, 3, 1], seed=0)
    h1 = plain.fit(X, Y, epochs=3, batch_size=8, seed=1, learning_rate=0.5)
    h2 = counted.fit(X, Y, epochs=3, batch_size=8, seed=1, learning_rate=0.5, engine=Counting)
    assert h1.cost == h2.cost and len(calls) == 3
    assert all(sorted(order) == list(range(40)) for order in calls)  # permutations of m


def test_batches_split_the_order_into_consecutive_minibatches():
    batches = Batches(4, shuffle=False)
    assert batches.order(10) is None
    assert [list(b) for b in batches.split(10, None)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert Batches(None).size(7) == 7 and Batches(50).size(7) == 7


@pytest.mark.parametrize("seed", ["abc", -1, 1.5, True, [1]])
def test_bad_seeds_are_refused_by_name(seed):
    X, Y = circle(20)
    net = gn.Network([2, 3, 1], seed=0)
    before = net.parameters.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(gn.ConfigError, match="seed"):
            train(net, X, Y, epochs=1, batch_size=4, seed=seed)
        with pytest.raises(gn.ConfigError, match="seed"):
            net.fit(X, Y, epochs=1, batch_size=4, seed=seed)
    np.testing.assert_array_equal(net.parameters, before)
    assert getattr(net, "fit_state", None) is None


@pytest.mark.parametrize("metrics", [5, [5], ["f1"], None.__class__])
def test_bad_metrics_are_refused_by_name(metrics):
    X, Y = circle(20)
    with pytest.raises(gn.ConfigError, match="metric"):
        train(gn.Network([2, 3, 1], seed=0), X, Y, epochs=1, metrics=metrics)


@pytest.mark.parametrize("validation_data", [
    5, "ab", (np.zeros((2, 3)),), (np.zeros((2, 3)), np.zeros((1, 3)), 1),
    (np.zeros((3, 4)), np.zeros((1, 4))), (np.zeros((2, 4)), np.zeros((1, 5))),
])
def test_malformed_validation_data_is_refused(validation_data):
    X, Y = circle(20)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(gn.GlassnetError, match=r"validation_data|X|Y|columns|rows|m"):
            train(gn.Network([2, 3, 1], seed=0), X, Y, epochs=1,
                  validation_data=validation_data)


@pytest.mark.parametrize("spec", [{"name": "exponential", "decay": 1e308},
                                  {"name": "exponential", "decay": 1.5},
                                  {"name": "exponential", "decay": -0.5},
                                  {"name": "step", "drop": 2.0},
                                  {"name": "exponential", "decay": float("nan")}])
def test_a_schedule_that_would_grow_the_rate_is_refused(spec):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(gn.ConfigError, match="decay|drop"):
            schedules.get(spec)


def test_unknown_train_settings_are_named():
    X, Y = circle(20)
    with pytest.raises(gn.ConfigError, match="lerning_rate"):
        train(gn.Network([2, 3, 1], seed=0), X, Y, lerning_rate=0.1)
    with pytest.raises(gn.ConfigError, match="batches= or batch_size"):
        train(gn.Network([2, 3, 1], seed=0), X, Y, batches=Batches(4), batch_size=4)


# ------------------------------------------------------------------ divergence
def test_both_reproductions_exit_non_zero_with_one_line(capsys):
    assert cli(["train", "--lr", "1000"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("glassnet: error: training diverged at epoch")
    assert "more than 10 times where it started" in err
    assert cli(["train", "curve", "--activation", "relu", "--lr", "1e3"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "training diverged at epoch" in err


def test_the_suggested_rate_was_tried_and_trains():
    x = np.linspace(0, 10, 11).reshape(1, -1)
    line = gn.Network([1, 1], loss="mean_squared_error", seed=0)
    with pytest.raises(gn.DivergenceError) as info:
        line.fit(x, 3 * x + 1, epochs=1000, learning_rate=1.0)
    err = info.value
    assert err.reason == "grew" and err.suggested_rate == pytest.approx(0.01)
    assert "tried for 10 epochs on a copy of the network" in str(err)
    # α = 0.1 (what the old message suggested) diverges; the suggestion trains for long
    with pytest.raises(gn.DivergenceError):
        gn.Network([1, 1], loss="mean_squared_error", seed=0).fit(
            x, 3 * x + 1, epochs=1000, learning_rate=0.1)
    history = line.fit(x, 3 * x + 1, epochs=2000, learning_rate=err.suggested_rate,
                       fresh_start=True)
    assert history.cost[-1] < 1e-6


def test_the_trial_leaves_the_network_and_the_runs_generator_alone():
    X, Y = circle(60)
    net = gn.Network([2, 4, 1], seed=0)
    rng = np.random.default_rng(5)
    with pytest.raises(gn.DivergenceError) as info:
        train(net, X, Y, epochs=50, learning_rate=1e4, batch_size=6, seed=rng,
              optimizer="adam")
    restored = net.parameters.copy()
    assert info.value.restored_epoch >= 1
    # the generator moved by exactly the epochs that ran (the trial used its own)
    reference = np.random.default_rng(5)
    for _ in range(info.value.epoch):
        reference.permutation(60)
    assert rng.integers(1 << 30) == reference.integers(1 << 30)
    np.testing.assert_array_equal(net.parameters, restored)


def test_nan_parameters_are_named_as_such():
    X, Y = circle(30)
    net = gn.Network([2, 3, 1], seed=0)

    class Poison(optimizers.SGD):
        def _update(self, theta, g, learning_rate):
            theta[-1] = np.nan  # b[2] becomes NaN; the cost of the epoch was finite

    with pytest.raises(gn.DivergenceError) as info:
        train(net, X, Y, epochs=3, optimizer=Poison(), learning_rate=0.1)
    text = str(info.value)
    assert info.value.reason == "parameters" and "b[2] holds NaN" in text
    assert "cost became" not in text and np.all(np.isfinite(net.parameters))


def test_a_slow_climb_from_the_start_is_divergence():
    X, Y = circle(40)
    net = gn.Network([2, 3, 1], seed=0)

    class Uphill(optimizers.SGD):
        def _update(self, theta, g, learning_rate):
            theta += learning_rate * g  # gradient ascent, gently

    with pytest.raises(gn.DivergenceError) as info:
        train(net, X, Y, epochs=500, optimizer=Uphill(), learning_rate=0.01)
    assert info.value.reason in ("rising", "grew")
    assert info.value.restored_epoch == 1  # the best parameters were the first ones


def test_adams_overshoot_after_a_fast_descent_is_not_divergence():
    # a cost falling from 16 to 0.1 that climbs back to 0.3 is below where it started
    watch = divergence.Watch.__new__(divergence.Watch)
    net = gn.Network([1, 1], loss="mse", seed=0)
    watch.net, watch.reference = net, 16.0
    watch.initial = watch.best = None
    watch.best_cost, watch.best_epoch = np.inf, 1
    watch.last_cost, watch.rises = np.inf, 0
    costs = list(np.geomspace(16, 0.1, 14)) + list(np.linspace(0.11, 0.31, 12))
    assert all(watch.judge(e, c, c, net.parameters) is None for e, c in enumerate(costs, 1))


def counting_loss_of(monkeypatch):
    """divergence.loss_of, counting the examples it is given (its forward passes)."""
    seen = []

    def loss_of(net, X, Y):
        seen.append(X.shape[1])
        return original(net, X, Y)

    original = divergence.loss_of
    monkeypatch.setattr(divergence, "loss_of", loss_of)
    return seen


def test_healthy_training_never_takes_the_starting_loss(monkeypatch):
    # the starting loss J0 is a forward pass over all m examples: healthy epochs stay below
    # GROWTH × the constant prediction's loss, so the watch never needs it
    seen = counting_loss_of(monkeypatch)
    X, Y = circle(200)
    net = gn.Network([2, 8, 1], activations="tanh", seed=0)
    runner = EpochRunner(net, check_X(X, 2, net.dtype), check_Y(Y, 1, 200, net.dtype, net.loss),
                         Batches(10, shuffle=True, seed=0))
    sgd = optimizers.get("sgd")
    costs = [runner.run_epoch(sgd, 0.1) for _ in range(30)]
    assert costs[-1] < costs[0] and seen == [] and runner.watch.reference is None
    train(net, X, Y, epochs=30, learning_rate=0.1, batch_size=10, seed=1)
    assert seen == []


def far_from_the_constant(b):
    """A line y = x on 20 points and the network ŷ = w x + b (mean squared error), with its
    starting loss J0 (taken before any training) and the constant prediction's loss c."""
    X = np.linspace(0, 1, 20).reshape(1, -1)
    Y = X.copy()
    net = gn.Network([1, 1], loss="mean_squared_error", seed=0)
    net.b[1][...] = b
    J0, c = net.cost(X, Y), net.loss.cost(np.full_like(Y, Y.mean()), Y)
    return net, X, Y, J0, c


def test_a_loss_above_growth_times_the_constants_but_below_the_starts_is_healthy(monkeypatch):
    seen = counting_loss_of(monkeypatch)
    net, X, Y, J0, c = far_from_the_constant(b=10.0)
    assert J0 > 100 * c
    runner = EpochRunner(net, X, Y)  # batch descent: epoch 1's cost is J0
    sgd = optimizers.get("sgd")
    costs = [runner.run_epoch(sgd, 0.1) for _ in range(5)]
    assert costs[0] > divergence.GROWTH * c and costs[-1] < costs[0]  # healthy descent
    # the comparison with c alone held: J0 was taken once, over all m, at the start
    assert seen == [20] and runner.watch.reference == pytest.approx(J0, rel=1e-12)
    assert runner.epoch == 5


def test_where_it_started_is_the_loss_of_the_starting_parameters():
    net, X, Y, J0, c = far_from_the_constant(b=3.0)
    start = net.parameters.copy()
    runner = EpochRunner(net, X, Y)  # batch descent: each epoch's cost is J at its start
    sgd = optimizers.get("sgd")
    with pytest.raises(gn.DivergenceError) as info:
        for _ in range(100):
            runner.run_epoch(sgd, -0.001)  # a step up the gradient: J rises from J0, gently
    err = info.value
    # J rose from epoch 1 to 2, …, from 10 to 11: RISING rises, far below GROWTH × J0
    assert err.reason == "rising" and err.epoch == divergence.RISING + 1
    assert f"above where it started ({J0:.4g})" in str(err) and J0 > c
    assert runner.watch.reference == pytest.approx(J0, rel=1e-12)
    np.testing.assert_array_equal(net.parameters, start)  # epoch 1's, put back


HEALTHY = [("circle", "sgd", 0.1, 10), ("xor", "adam", 0.01, 10), ("gauss", "adam", 0.03, 1),
           ("spiral", "adam", 0.01, 10), ("reg-plane", "sgd", 0.01, 10),
           ("reg-gauss", "adam", 0.01, 10), ("moons", "momentum", 0.1, 10),
           ("spirals", "adam", 0.01, 10), ("and-gate", "sgd", 0.5, 1),
           ("or-gate", "adam", 0.05, 1), ("xor-gate", "adam", 0.05, 2),
           ("curve", "adam", 0.01, 10), ("curve", "rmsprop", 0.01, 4)]


@pytest.mark.parametrize("data,optimizer,rate,batch", HEALTHY)
def test_healthy_training_of_every_built_in_data_set_never_diverges(capsys, data, optimizer,
                                                                    rate, batch):
    for seed in range(3):  # different minibatch noise each time
        assert cli(["train", data, "--optimizer", optimizer, "--lr", str(rate),
                    "--batch-size", str(batch), "--seed", str(seed), "--epochs", "150"]) == 0
    assert "diverged" not in capsys.readouterr().err


def test_digits_train_without_divergence(capsys):
    assert cli(["train", "digits", "--epochs", "20", "--layers", "16"]) == 0
    assert "diverged" not in capsys.readouterr().err


def test_raising_l2_mid_training_is_not_divergence():
    X, Y = circle(100)
    net = gn.Network([2, 8, 1], activations="tanh", seed=0)
    net.fit(X, Y, epochs=100, learning_rate=0.05, optimizer="adam", batch_size=10, seed=0)
    net.l2 = 50.0  # J jumps (the penalty), then falls; the loss climbs towards the constant
    history = net.fit(X, Y, epochs=200, learning_rate=0.05, optimizer="adam", batch_size=10)
    assert history.epochs == 200


def test_the_finite_watch_keeps_the_old_rule():
    X, Y = circle(40)
    net = gn.Network([2, 3, 1], seed=0)
    history = train(net, X, Y, epochs=30, learning_rate=1e3, watch=divergence.FiniteWatch)
    assert history.epochs == 30  # a high, finite cost is trained on
