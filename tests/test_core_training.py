"""Gradient descent: optimizers against their formulas, minibatches, history, safeguards."""

import io
import warnings

import numpy as np
import pytest

import glassnet as gn
from glassnet import optimizers, schedules
from glassnet.epochs import Batches
from glassnet.training import train


def circle(m=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3, 3, size=(2, m))
    Y = (np.hypot(X[0], X[1]) < 2).astype(float).reshape(1, -1)
    return X, Y


# ------------------------------------------------------------------ optimizers, by hand
def run_steps(name, grads, learning_rate, **params):
    opt = optimizers.get({"name": name, **params})
    theta = np.array([1.0, -2.0])
    for g in grads:
        opt.step(theta, np.array(g), learning_rate)
    return theta


GRADS = [[0.5, -1.0], [0.2, 0.4], [-0.3, 0.1]]


def test_sgd_step():
    theta = np.array([1.0, -2.0])
    for g in GRADS:
        theta = theta - 0.1 * np.array(g)
    np.testing.assert_allclose(run_steps("sgd", GRADS, 0.1), theta, rtol=1e-15)


def test_notes_momentum_step():
    # V = βV + (1 − β)dW;  W = W − αV
    beta, alpha, V, theta = 0.9, 0.1, np.zeros(2), np.array([1.0, -2.0])
    for g in GRADS:
        V = beta * V + (1 - beta) * np.array(g)
        theta = theta - alpha * V
    np.testing.assert_allclose(run_steps("momentum", GRADS, alpha, beta=beta), theta, rtol=1e-15)


def test_classic_momentum_step_and_its_relation_to_the_notes_form():
    # v = μv − αg;  θ = θ + v
    mu, alpha, v, theta = 0.9, 0.1, np.zeros(2), np.array([1.0, -2.0])
    for g in GRADS:
        v = mu * v - alpha * np.array(g)
        theta = theta + v
    np.testing.assert_allclose(run_steps("classic_momentum", GRADS, alpha, momentum=mu), theta,
                               rtol=1e-15)
    # the notes' form at rate α equals the classic form at rate α(1 − β)
    np.testing.assert_allclose(run_steps("momentum", GRADS, 0.3, beta=0.9),
                               run_steps("classic_momentum", GRADS, 0.3 * (1 - 0.9), momentum=0.9),
                               rtol=1e-12)


def test_nesterov_step():
    mu, alpha, v, theta = 0.9, 0.1, np.zeros(2), np.array([1.0, -2.0])
    for g in GRADS:
        g = np.array(g)
        v = mu * v - alpha * g
        theta = theta + mu * v - alpha * g
    np.testing.assert_allclose(
        run_steps("classic_momentum", GRADS, alpha, momentum=mu, nesterov=True), theta, rtol=1e-15)


def test_rmsprop_step():
    rho, alpha, eps, S, theta = 0.9, 0.01, 1e-8, np.zeros(2), np.array([1.0, -2.0])
    for g in GRADS:
        g = np.array(g)
        S = rho * S + (1 - rho) * g**2
        theta = theta - alpha * g / (np.sqrt(S) + eps)
    np.testing.assert_allclose(run_steps("rmsprop", GRADS, alpha), theta, rtol=1e-14)


def test_adam_step_with_bias_correction():
    b1, b2, alpha, eps = 0.9, 0.999, 0.01, 1e-8
    M, S, theta = np.zeros(2), np.zeros(2), np.array([1.0, -2.0])
    for t, g in enumerate(GRADS, 1):
        g = np.array(g)
        M = b1 * M + (1 - b1) * g
        S = b2 * S + (1 - b2) * g**2
        theta = theta - alpha * (M / (1 - b1**t)) / (np.sqrt(S / (1 - b2**t)) + eps)
    np.testing.assert_allclose(run_steps("adam", GRADS, alpha), theta, rtol=1e-14)
    # the first Adam step moves every parameter by about α (bias correction at work)
    first = run_steps("adam", GRADS[:1], alpha)
    np.testing.assert_allclose(np.abs(first - [1.0, -2.0]), alpha, rtol=1e-6)


@pytest.mark.parametrize("name", optimizers.optimizers.names())
def test_every_optimizer_learns_the_circle(name):
    X, Y = circle()
    net = gn.Network([2, 8, 1], activations="tanh", seed=0)
    rate = {"sgd": 0.5, "momentum": 0.5, "classic_momentum": 0.05}.get(name, 0.01)
    history = train(net, X, Y, epochs=150, optimizer=name, learning_rate=rate, batch_size=20,
                    seed=0, metrics=["accuracy"])
    assert history.cost[-1] < 0.5 * history.cost[0]
    assert history["accuracy"][-1] > 0.9


# ------------------------------------------------------------------ schedules
def test_schedules_by_formula():
    assert schedules.get("constant").rate(0.1, 7) == 0.1
    assert schedules.get({"name": "inverse_time", "decay": 0.5}).rate(1.0, 4) == pytest.approx(1 / 3)
    assert schedules.get({"name": "exponential", "decay": 0.9}).rate(2.0, 2) == pytest.approx(1.62)
    step = schedules.get({"name": "step", "drop": 0.5, "every": 10})
    assert [step.rate(1.0, e) for e in (0, 9, 10, 25)] == [1.0, 1.0, 0.5, 0.25]


def test_schedule_is_applied_per_epoch():
    seen = []

    class Recorder(optimizers.SGD):
        def step(self, theta, g, learning_rate):
            seen.append(learning_rate)

    X, Y = circle(20)
    net = gn.Network([2, 3, 1], seed=0)
    train(net, X, Y, epochs=3, learning_rate=1.0, optimizer=Recorder(),
          schedule={"name": "step", "drop": 0.1, "every": 1})
    np.testing.assert_allclose(seen, [1.0, 0.1, 0.01])


# ------------------------------------------------------------------ minibatches
def epoch_batches(batches, m):
    """One epoch's minibatch index arrays, as the epoch runner makes them."""
    return batches.split(m, batches.order(m))


def test_minibatches_cover_every_example_once_with_a_partial_last_batch():
    batches = epoch_batches(Batches(5, shuffle=True, seed=0), 23)
    assert [len(b) for b in batches] == [5, 5, 5, 5, 3]
    assert sorted(np.concatenate(batches).tolist()) == list(range(23))


def test_minibatches_are_reshuffled_every_epoch():
    batches = Batches(10, shuffle=True, seed=0)
    first = np.concatenate(epoch_batches(batches, 50))
    second = np.concatenate(epoch_batches(batches, 50))
    assert not np.array_equal(first, second)
    assert sorted(first.tolist()) == sorted(second.tolist()) == list(range(50))


def test_steps_per_epoch_and_batch_sizes_seen():
    sizes = []
    X, Y = circle(23)
    net = gn.Network([2, 3, 1], seed=0)
    original = net.backward_unchecked

    def spy(Yb):
        sizes.append(Yb.shape[1])
        original(Yb)

    net.backward_unchecked = spy
    train(net, X, Y, epochs=2, batch_size=5, learning_rate=0.1, seed=0)
    assert sizes == [5, 5, 5, 5, 3] * 2


def test_batch_gradient_descent_equals_manual_steps():
    X, Y = circle(30)
    net = gn.Network([2, 4, 1], activations="tanh", seed=3)
    manual = net.copy()
    history = train(net, X, Y, epochs=5, learning_rate=0.3)
    costs = []
    for _ in range(5):
        J, g = manual.gradient(X, Y)
        costs.append(J)
        manual.parameters -= 0.3 * g
    np.testing.assert_allclose(net.parameters, manual.parameters, rtol=1e-13)
    np.testing.assert_allclose(history.cost, costs, rtol=1e-13)


def test_same_seed_same_run_bit_for_bit():
    X, Y = circle()
    runs = []
    for _ in range(2):
        net = gn.Network([2, 6, 6, 1], activations="relu", seed=11)
        h = train(net, X, Y, epochs=20, batch_size=16, optimizer="adam", seed=5)
        runs.append((net.parameters.copy(), h.cost))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    assert runs[0][1] == runs[1][1]
    other = gn.Network([2, 6, 6, 1], activations="relu", seed=12)
    assert not np.array_equal(other.parameters, gn.Network([2, 6, 6, 1], seed=11).parameters)


# ------------------------------------------------------------------ float32 end to end
def test_float32_end_to_end():
    X, Y = circle()
    net = gn.Network([2, 8, 1], activations="tanh", seed=0, dtype="float32")
    history = train(net, X, Y, epochs=30, batch_size=10, optimizer="adam", seed=0)
    assert net.parameters.dtype == np.float32 and net.gradients.dtype == np.float32
    for l in range(net.L + 1):
        assert net.A[l].dtype == np.float32
    assert net.forward(X).dtype == np.float32
    assert history.cost[-1] < history.cost[0]


# ------------------------------------------------------------------ history, validation, stopping
def test_history_records_costs_and_metrics():
    X, Y = circle(200)
    Xv, Yv = circle(100, seed=1)
    net = gn.Network([2, 8, 1], activations="tanh", seed=0)
    history = train(net, X, Y, epochs=12, learning_rate=0.01, optimizer="adam", batch_size=20,
                    validation_data=(Xv, Yv), metrics=["accuracy"])
    for key in ("cost", "accuracy", "val_cost", "val_accuracy"):
        assert len(history[key]) == 12
    assert history.epochs == 12
    assert history["val_cost"][-1] == pytest.approx(net.cost(Xv, Yv), rel=1e-12)
    predicted = (net.forward(Xv) >= 0.5).astype(float)
    assert history["val_accuracy"][-1] == pytest.approx(np.mean(predicted == Yv))


def test_r2_metric_for_regression():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (1, 100))
    Y = 3 * X + 1
    net = gn.Network([1, 1], output="linear", loss="half_squared_error", seed=0)
    history = train(net, X, Y, epochs=300, learning_rate=0.3, metrics=["r2"])
    assert history["r2"][-1] > 0.999
    np.testing.assert_allclose(net.W[1], [[3.0]], rtol=1e-3)
    np.testing.assert_allclose(net.b[1], [[1.0]], rtol=1e-3)


def test_early_stopping_on_a_plateau_restores_the_best():
    X, Y = circle(100)
    net = gn.Network([2, 4, 1], activations="tanh", seed=0)
    history = train(net, X, Y, epochs=5000, learning_rate=0.5, early_stopping=True,
                    patience=5, tol=1e-3)
    assert history.stopped_early and history.epochs < 5000
    # the last improvement came 5 epochs before the end; its cost, taken during that
    # epoch, belongs to the parameters it started with: those at the end of the epoch before
    assert history.best_epoch == history.epochs - 5 - 1
    assert net.cost(X, Y) == history.cost[history.best_epoch]
    assert min(history.cost[history.best_epoch:]) > history.cost[history.best_epoch] - 1e-3


def test_callback_can_stop_training():
    X, Y = circle(50)
    net = gn.Network([2, 3, 1], seed=0)
    history = train(net, X, Y, epochs=100, learning_rate=0.1,
                    callback=lambda epoch, h: epoch == 7)
    assert history.epochs == 7


def test_progress_bar_quiet_when_not_a_terminal(capsys):
    X, Y = circle(50)
    train(gn.Network([2, 3, 1], seed=0), X, Y, epochs=5, learning_rate=0.1)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_progress_bar_shown_on_request(capsys, monkeypatch):
    X, Y = circle(50)
    train(gn.Network([2, 3, 1], seed=0), X, Y, epochs=5, learning_rate=0.1, progress=True)
    err = capsys.readouterr().err
    assert "5/5" in err and "cost=" in err


def test_progress_bar_on_a_terminal(monkeypatch):
    fake_tty = io.StringIO()
    fake_tty.isatty = lambda: True
    monkeypatch.setattr("sys.stderr", fake_tty)
    X, Y = circle(50)
    train(gn.Network([2, 3, 1], seed=0), X, Y, epochs=3, learning_rate=0.1)
    assert "3/3" in fake_tty.getvalue()


# ------------------------------------------------------------------ divergence
def test_divergence_names_the_epoch_and_restores_parameters():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 100)) * 100
    Y = X[:1] * 3 + 1
    net = gn.Network([2, 8, 1], activations="relu", loss="mse", seed=0)
    snapshots = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(gn.DivergenceError) as info:
            train(net, X, Y, epochs=50, learning_rate=10.0,
                  callback=lambda e, h: snapshots.append(net.parameters.copy()))
    err = info.value
    assert f"diverged at epoch {err.epoch}:" in str(err) and "learning rate" in str(err)
    assert err.epoch == len(snapshots) + 1
    assert np.all(np.isfinite(net.parameters))
    assert len(err.history.cost) == err.epoch - 1
    # put back: the parameters at the start of the epoch with the lowest cost
    costs = err.history.cost
    assert err.restored_epoch == int(np.argmin(costs)) + 1 if costs else err.restored_epoch == 1
    assert f"start of epoch {err.restored_epoch}." in str(err)
    expected = ([net.copy().initialize(0).parameters] + snapshots)[err.restored_epoch - 1]
    np.testing.assert_array_equal(net.parameters, expected)


def test_an_exception_mid_epoch_leaves_the_epoch_start_parameters():
    X, Y = circle(40)
    net = gn.Network([2, 3, 1], seed=0)
    start = net.parameters.copy()
    calls = {"n": 0}

    class Failing(optimizers.SGD):
        def step(self, theta, g, learning_rate):
            calls["n"] += 1
            if calls["n"] == 3:
                theta[: theta.size // 2] += 1.0  # half an update, then a crash
                raise RuntimeError("crash mid-update")
            super().step(theta, g, learning_rate)

    with pytest.raises(RuntimeError):
        train(net, X, Y, epochs=1, batch_size=10, optimizer=Failing(), learning_rate=0.1)
    np.testing.assert_array_equal(net.parameters, start)
