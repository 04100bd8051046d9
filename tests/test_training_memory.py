"""Training's memory (issue 15): the pieces that keep a run's peak small change no result.

The cost takes its per-example losses a chunk of columns at a time, the optimizers step a
piece of the parameters at a time, the divergence watch copies the starting parameters
only when the first epoch is judged and keeps one array for them and the best epoch's
while those are the same, and the finite check of the parameters makes no boolean array.
Each is held here to the whole-array formula it replaces, to the last bit.
"""

import tracemalloc

import numpy as np
import pytest

import glassnet as gn
from glassnet import divergence, losses, optimizers
from glassnet.epochs import Batches, EpochRunner, Minibatches, NumpyEngine
from glassnet.training import train


def _targets(name, rng, n, m):
    if name in ("binary_cross_entropy",):
        return (rng.uniform(size=(n, m)) > 0.5).astype(float)
    if name == "categorical_cross_entropy":
        return np.eye(n)[:, rng.integers(0, n, m)]
    if name == "half_poisson_deviance":
        return rng.poisson(2.0, size=(n, m)).astype(float)
    return rng.normal(size=(n, m))


@pytest.mark.parametrize("name", sorted(losses.losses.names()))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["C", "F"])
def test_cost_in_chunks_is_the_mean_of_the_whole_row(name, dtype, layout):
    loss = losses.get(name)
    rng = np.random.default_rng(0)
    n, m = 3, 7001  # 2 chunks in float32, 3 in float64, the last one partial
    assert losses.COST_CHUNK_BYTES // (n * np.dtype(dtype).itemsize) < m
    A = rng.uniform(0.01, 0.99, size=(n, m))
    if name == "categorical_cross_entropy":
        A /= A.sum(axis=0)
    as_layout = np.ascontiguousarray if layout == "C" else np.asfortranarray
    A, Y = as_layout(A.astype(dtype)), as_layout(_targets(name, rng, n, m).astype(dtype))
    np.testing.assert_array_equal(loss.chunked_loss(A, Y), loss.loss(A, Y))
    assert loss.cost(A, Y) == float(np.mean(loss.loss(A, Y)))


def test_cost_of_a_few_examples_is_one_chunk():
    loss = losses.get("half_squared_error")
    A, Y = np.array([[1.0, 2.0, 4.0]]), np.array([[0.0, 0.0, 0.0]])
    assert loss.cost(A, Y) == (0.5 + 2.0 + 8.0) / 3


@pytest.mark.parametrize("layout", ["C", "F"])
def test_an_epochs_loss_taken_chunk_by_chunk_is_the_cost_of_all_its_outputs(layout):
    # 64 features of float64: 512 examples a chunk of 256 KiB, so 1300 examples in
    # minibatches of 100 are 3 chunks (500, 500, 300), each gathering its own Y
    rng = np.random.default_rng(4)
    X = rng.normal(size=(64, 1300))
    X = np.asfortranarray(X) if layout == "F" else X
    Y = np.eye(3)[:, rng.integers(0, 3, 1300)]
    net = gn.Network([64, 8, 3], activations="tanh", seed=0)
    engine = NumpyEngine(net, X, Y, 100)
    assert [(a, b) for a, b, _ in engine.minibatches.chunks] == [(0, 500), (500, 1000),
                                                                 (1000, 1300)]
    assert engine.minibatches._Y_chunk.shape == (3, 500)  # not all m in the epoch's order
    order = np.random.default_rng(5).permutation(1300)
    loss, _ = engine.run_epoch(order, optimizers.get("sgd"), 0.1)
    assert loss == net.loss.cost(engine.outputs, Y[:, order])
    # each example's A[L] at its own step: the first minibatch's from the starting network
    start = gn.Network([64, 8, 3], activations="tanh", seed=0)
    as_layout = np.asfortranarray if layout == "F" else np.ascontiguousarray  # as gathered
    np.testing.assert_array_equal(engine.outputs[:, :100],
                                  start.forward_unchecked(as_layout(X[:, order[:100]])))


def test_batch_descent_takes_x_and_y_as_they_are():
    X, Y = _data()
    batches = Minibatches(X, Y, X.shape[1])
    [(views, (A, Y_all))] = list(batches.epoch(None))
    assert views[0][0] is X and views[0][1] is Y and Y_all is Y and A is batches.outputs


def _whole(name, opt, theta, g, rate, state):
    """One step of ``name`` on whole arrays, the formulas of glassnet.optimizers."""
    if name == "sgd":
        theta -= g * rate
    elif name == "momentum":
        V = state.setdefault("V", np.zeros_like(theta))
        V *= opt.beta
        V += (1.0 - opt.beta) * g
        theta -= rate * V
    elif name in ("classic_momentum", "nesterov"):
        v = state.setdefault("v", np.zeros_like(theta))
        step = g * rate
        v *= opt.momentum
        v -= step
        theta += opt.momentum * v - step if opt.nesterov else v
    elif name == "rmsprop":
        S = state.setdefault("S", np.zeros_like(theta))
        S *= opt.rho
        S += (1.0 - opt.rho) * g * g
        theta -= rate * g / (np.sqrt(S) + opt.epsilon)
    else:
        M, S = state.setdefault("M", np.zeros_like(theta)), state.setdefault(
            "S", np.zeros_like(theta))
        t = state["t"] = state.get("t", 0) + 1
        M *= opt.beta_1
        M += (1.0 - opt.beta_1) * g
        S *= opt.beta_2
        S += (1.0 - opt.beta_2) * g * g
        theta -= rate * (M / (1.0 - opt.beta_1 ** t)) / (
            np.sqrt(S / (1.0 - opt.beta_2 ** t)) + opt.epsilon)


def _optimizer(name):
    if name == "nesterov":
        return optimizers.get({"name": "classic_momentum", "nesterov": True})
    return optimizers.get(name)


@pytest.mark.parametrize("name", ["sgd", "momentum", "classic_momentum", "nesterov",
                                  "rmsprop", "adam"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_step_in_pieces_is_the_whole_array_step(name, dtype):
    rng = np.random.default_rng(1)
    n = 2 * optimizers.PIECE + 123  # three pieces, the last one partial
    theta = rng.normal(size=n).astype(dtype)
    expected, state = theta.copy(), {}
    opt = _optimizer(name)
    for rate in (0.1, 0.05, 0.02):
        g = rng.normal(size=n).astype(dtype)
        opt.step(theta, g, rate)
        _whole(name, opt, expected, g, rate, state)
        np.testing.assert_array_equal(theta, expected)
    assert theta.dtype == dtype


@pytest.mark.parametrize("name", ["sgd", "momentum", "classic_momentum", "nesterov",
                                  "rmsprop", "adam"])
def test_a_step_allocates_a_piece_not_the_parameters(name):
    rng = np.random.default_rng(2)
    theta, g = rng.normal(size=16 * optimizers.PIECE), rng.normal(size=16 * optimizers.PIECE)
    opt = _optimizer(name)
    opt.step(theta, g, 0.01)  # its running averages and work array exist from now on
    assert opt._scratch["work"].size == optimizers.PIECE
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        opt.step(theta, g, 0.01)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert peak < theta.nbytes / 2  # a few pieces' temporaries, 1/16 of θ each


def _data(m=60):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(4, m))
    return X, (X[:1] + X[1:2] > 0).astype(float)


def test_the_watch_copies_the_start_when_the_first_epoch_is_judged():
    X, Y = _data()
    net = gn.Network([4, 6, 1], activations="tanh", seed=0)
    start = net.parameters.copy()
    runner = EpochRunner(net, X, Y, Batches(20, seed=0))
    watch = runner.watch
    assert watch.initial is None and watch.best is None  # no copy while epoch 1 runs
    first = runner.run_epoch(optimizers.get("sgd"), 0.1)
    np.testing.assert_array_equal(watch.initial, start)
    assert watch.best is watch.initial and watch.best_epoch == 1
    after_first = net.parameters.copy()
    second = runner.run_epoch(optimizers.get("sgd"), 0.1)
    assert second < first and watch.best_epoch == 2
    assert watch.best is not watch.initial  # the best epoch's start, apart from initial
    np.testing.assert_array_equal(watch.best, after_first)
    np.testing.assert_array_equal(watch.initial, start)
    runner.run_epoch(optimizers.get("sgd"), 0.1)
    np.testing.assert_array_equal(watch.initial, start)


def test_a_first_epoch_that_diverges_puts_back_its_start():
    X, Y = _data()
    net = gn.Network([4, 6, 1], activations="relu", loss="mse", seed=0)
    start = net.parameters.copy()
    with pytest.raises(gn.DivergenceError) as info:
        train(net, X * 1e3, Y, epochs=3, batch_size=20, learning_rate=10.0, seed=0)
    assert info.value.restored_epoch == 1
    np.testing.assert_array_equal(net.parameters, start)


def test_one_epoch_keeps_one_copy_of_the_parameters_beyond_the_runner():
    net = gn.Network([1000, 1000, 1], activations="relu", seed=0)  # 8 MB of parameters
    X, Y = _data(10)
    X = np.tile(X, (250, 1))
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        train(net, X, Y, epochs=1, learning_rate=0.01)
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    # the runner's start and the watch's initial (= best), a piece of work array; before
    # issue 15 the watch's best and the optimizer's α·g were two more of θ's size
    assert 2 * net.parameters.nbytes < peak < 2.5 * net.parameters.nbytes


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", [0, -1])
def test_not_finite_parameters_are_found_anywhere(bad, where):
    net = gn.Network([3, 4, 2], seed=0)
    assert divergence._not_finite(net) == ""
    net.parameters[where] = bad
    kind = "NaN" if np.isnan(bad) else "±inf"
    name = "W[1]" if where == 0 else "b[2]"
    assert divergence._not_finite(net) == f"{name} holds {kind}"
