"""Behavioural tests written to kill mutants of glassnet.training that survived `mutmut
run`: the validation data's checks, ``split_validation``'s edges, ``fit``'s defaults and
the state a later ``fit`` continues. Each value is worked by hand in its comment."""

import time

import numpy as np
import pytest

import glassnet as gn
from glassnet import divergence, optimizers
from glassnet.callbacks import Callback, EarlyStopping
from glassnet.epochs import Batches, EpochRunner, Minibatches, NumpyEngine
from glassnet.training import split_validation, train


def circle(m, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(2, m))
    return X, (np.hypot(X[0], X[1]) < 0.6).astype(float).reshape(1, -1)


# ------------------------------------------------------------------ validation data
def test_validation_scores_ignore_overflow_and_invalid_values_under_any_error_setting():
    """X_val = 1e308 with W = ±10 overflows W·x (inf), softmax's Z − max(Z) is inf − inf
    (invalid) and x = 100 gives Z = (1000, −1000), whose exp underflows. The scores are
    computed with every floating-point warning off, even when the caller raises on all."""
    net = gn.Network([1, 2], output="softmax", seed=0)
    X, Y = np.array([[0.0, 0.1]]), np.array([[1.0, 0.0], [0.0, 1.0]])
    X_val = np.array([[1e308, 100.0]])
    net.W[1][...] = [[10.0], [-10.0]]
    with np.errstate(all="raise"):
        history = net.fit(X, Y, epochs=1, learning_rate=1e-9, validation_data=(X_val, Y),
                          metrics=["accuracy"])
    assert np.isnan(history["val_cost"][-1])  # the overflowed example's softmax is nan


def test_validation_data_that_is_not_a_pair_is_named():
    net = gn.Network([2, 1], seed=0)
    X, Y = circle(10)
    with pytest.raises(gn.ShapeError) as err:
        net.fit(X, Y, epochs=1, validation_data=(X,))
    assert str(err.value) == ("validation_data must be a pair (X_val, Y_val) with X_val of "
                              "shape (n_x, m_val) and Y_val of shape (n[L], m_val)")


def test_validation_data_takes_the_networks_dtype_and_its_losss_rules():
    """A float32 network scores float64 validation data in float32 (as net.cost does), and
    a binary cross-entropy network refuses a validation target of 2."""
    X, Y = circle(20)
    net = gn.Network([2, 3, 1], seed=0, dtype="float32")
    X_val = X + 1e-3 * np.pi  # float64 values with more digits than float32 keeps
    history = net.fit(X, Y, epochs=1, learning_rate=1e-9, validation_data=(X_val, Y))
    net.fit(X, Y, epochs=0)
    assert history["val_cost"][-1] == net.cost(X_val.astype(np.float32), Y)
    with pytest.raises(gn.DataError, match="binary cross-entropy needs targets y in"):
        net.fit(X, Y, epochs=1, validation_data=(X, 2 * Y))


# ------------------------------------------------------------------ split_validation
def test_split_validation_keeps_the_last_columns_and_accepts_a_row_of_targets():
    X = np.arange(8.0).reshape(2, 4)
    (Xt, Yt), (Xv, Yv) = split_validation(X, np.array([0.0, 1.0, 2.0, 3.0]), 0.75)
    # m = 4: ⌊4 · 0.25⌋ = 1 training column, the last 3 held out; y becomes (1, m)
    np.testing.assert_array_equal(Xt, [[0.0], [4.0]])
    np.testing.assert_array_equal(Xv, [[1.0, 2.0, 3.0], [5.0, 6.0, 7.0]])
    np.testing.assert_array_equal(Yt, [[0.0]])
    np.testing.assert_array_equal(Yv, [[1.0, 2.0, 3.0]])


@pytest.mark.parametrize("fraction", [0, 0.0, 1, 1.0, 1.5, -0.1, True, "0.5", None])
def test_split_validation_needs_a_fraction_strictly_between_0_and_1(fraction):
    with pytest.raises(gn.ConfigError) as err:
        split_validation(np.zeros((2, 4)), np.zeros((1, 4)), fraction)
    assert str(err.value) == f"validation_split must be a fraction in (0, 1), got {fraction!r}"


@pytest.mark.parametrize(("X", "Y"), [(np.zeros(4), np.zeros((1, 4))),
                                      (np.zeros((2, 4)), np.zeros((1, 1, 4)))])
def test_split_validation_names_a_wrong_shape(X, Y):
    with pytest.raises(gn.ShapeError) as err:
        split_validation(X, Y, 0.5)
    assert str(err.value) == f"validation_split needs X of shape (n_x, m), got shape {X.shape}"


@pytest.mark.parametrize(("m", "fraction", "what"), [(4, 0.9, "no training"),
                                                     (4, 1e-17, "no validation"),
                                                     (1, 1e-17, "no validation")])
def test_split_validation_that_leaves_one_side_empty_is_named(m, fraction, what):
    """m = 4: ⌊4 · 0.1⌋ = 0 training columns; 1 − 1e-17 is 1.0 in floats, so ⌊m · 1⌋ = m
    leaves none for validation (for m = 1 too, where the one column would be training)."""
    with pytest.raises(gn.ConfigError) as err:
        split_validation(np.zeros((2, m)), np.zeros((1, m)), fraction)
    assert str(err.value) == (f"validation_split = {fraction:g} of m = {m} examples leaves "
                              f"{what} examples")


def test_split_validation_keeps_several_output_rows():
    Y = np.arange(8.0).reshape(2, 4)  # n[L] = 2 rows
    (_, Yt), (_, Yv) = split_validation(np.zeros((1, 4)), Y, 0.5)
    np.testing.assert_array_equal(Yt, [[0.0, 1.0], [4.0, 5.0]])
    np.testing.assert_array_equal(Yv, [[2.0, 3.0], [6.0, 7.0]])


# ------------------------------------------------------------------ fit's defaults
def test_fit_defaults_are_100_epochs_of_shuffled_sgd_at_a_constant_rate():
    X, Y = circle(12)
    by_default, spelled_out = gn.Network([2, 3, 1], seed=0), gn.Network([2, 3, 1], seed=0)
    history = by_default.fit(X, Y, batch_size=5, seed=3)
    spelled_out.fit(X, Y, epochs=100, optimizer="sgd", batch_size=5, shuffle=True, seed=3,
                    schedule="constant", learning_rate=optimizers.SGD().default_learning_rate)
    assert len(history.cost) == 100
    np.testing.assert_array_equal(by_default.parameters, spelled_out.parameters)
    unshuffled = gn.Network([2, 3, 1], seed=0)
    unshuffled.fit(X, Y, batch_size=5, shuffle=False)
    assert not np.array_equal(by_default.parameters, unshuffled.parameters)


def test_a_second_fit_continues_by_default_and_starts_afresh_on_request():
    X, Y = circle(12)
    net = gn.Network([2, 3, 1], seed=0)
    net.fit(X, Y, epochs=2, optimizer="adam", seed=1)
    state = net.fit_state
    net.fit(X, Y, epochs=1, optimizer="adam")
    assert net.fit_state is state and state.epochs == 3
    net.fit(X, Y, epochs=1, optimizer="adam", fresh_start=True)
    assert net.fit_state is not state and net.fit_state.epochs == 1


def test_the_same_seed_again_goes_on_with_the_kept_generator():
    """fit(seed=7) twice continues the shuffling: the same as one fit of both epochs, not
    two runs of the first epoch's order."""
    X, Y = circle(12)
    twice, once = gn.Network([2, 3, 1], seed=0), gn.Network([2, 3, 1], seed=0)
    for _ in range(2):
        twice.fit(X, Y, epochs=1, batch_size=5, seed=7, learning_rate=0.5)
    once.fit(X, Y, epochs=2, batch_size=5, seed=7, learning_rate=0.5)
    np.testing.assert_array_equal(twice.parameters, once.parameters)


def test_a_new_seed_on_a_later_fit_reseeds_reproducibly():
    X, Y = circle(12)
    runs = []
    for _ in range(2):
        net = gn.Network([2, 3, 1], seed=0)
        net.fit(X, Y, epochs=1, batch_size=5, seed=1, learning_rate=0.5)
        net.fit(X, Y, epochs=1, batch_size=5, seed=2, learning_rate=0.5)
        runs.append(net.parameters.copy())
    np.testing.assert_array_equal(*runs)


def test_a_generator_as_the_seed_is_used_as_it_is():
    """A Generator given on a later fit replaces the kept one: from equal starts, the
    second fits with default_rng(9) and with seed 9 shuffle alike."""
    X, Y = circle(12)
    runs = []
    for later_seed in (np.random.default_rng(9), 9):
        net = gn.Network([2, 3, 1], seed=0)
        net.fit(X, Y, epochs=1, batch_size=5, seed=0, learning_rate=0.5)
        net.fit(X, Y, epochs=2, batch_size=5, seed=later_seed, learning_rate=0.5)
        runs.append(net.parameters.copy())
    assert net.fit_state.seed == 9
    np.testing.assert_array_equal(*runs)


def test_an_equal_optimizer_object_given_again_is_the_one_used():
    X, Y = circle(12)
    net = gn.Network([2, 3, 1], seed=0)
    first, second = optimizers.Adam(), optimizers.Adam()
    assert first == second
    net.fit(X, Y, epochs=1, optimizer=first)
    net.fit(X, Y, epochs=1, optimizer=second)
    assert net.fit_state.optimizer is second


def test_a_bad_seed_on_a_first_fit_leaves_no_state():
    X, Y = circle(12)
    net = gn.Network([2, 3, 1], seed=0)
    with pytest.raises(gn.ConfigError, match="seed"):
        net.fit(X, Y, epochs=1, seed="abc")
    assert getattr(net, "fit_state", None) is None


def test_the_tanh_outputs_accuracy_splits_at_0():
    """A tanh output's range is (−1, 1), so its classes split at 0, not 0.5: with W = 1,
    b = 0 the outputs on x = (−0.4, −0.2, 0.3, 0.8) are tanh(x) = −0.380, −0.197, 0.291,
    0.664; against y = (−1, −1, 1, 1) all 4 are right at 0 (3 of 4 at 0.5)."""
    net = gn.Network([1, 1], output="tanh", loss="mean_squared_error", seed=0)
    net.W[1][...] = 1.0
    net.b[1][...] = 0.0
    X, Y = np.array([[-0.4, -0.2, 0.3, 0.8]]), np.array([[-1.0, -1.0, 1.0, 1.0]])
    history = net.fit(X, Y, epochs=1, learning_rate=1e-12, metrics=["accuracy"])
    assert history["accuracy"][-1] == 1.0


def test_the_progress_bar_counts_epochs(capsys):
    X, Y = circle(12)
    gn.Network([2, 3, 1], seed=0).fit(X, Y, epochs=2, progress=True)
    err = capsys.readouterr().err
    assert "epoch/s" in err or "s/epoch" in err


def test_a_bad_seed_on_a_later_fit_keeps_the_optimizer_and_the_generator():
    X, Y = circle(12)
    net = gn.Network([2, 3, 1], seed=0)
    net.fit(X, Y, epochs=1, optimizer="adam", seed=1)
    kept, rng = net.fit_state.optimizer, net.fit_state.rng
    with pytest.raises(gn.ConfigError, match="seed"):
        net.fit(X, Y, epochs=1, optimizer="rmsprop", seed=-1)
    assert net.fit_state.optimizer is kept and net.fit_state.rng is rng


# ------------------------------------------------------------------ train's shortcuts
def _run(learning_rate=0.5, **settings):
    X, Y = circle(40)
    net = gn.Network([2, 4, 1], activations="tanh", seed=0)
    history = train(net, X, Y, learning_rate=learning_rate, **settings)
    return net, history


def test_the_batch_shortcuts_build_the_batch_iterator():
    net, _ = _run(epochs=3, batch_size=7, seed=3)
    same, _ = _run(epochs=3, batches=Batches(7, True, 3))
    np.testing.assert_array_equal(net.parameters, same.parameters)
    other_seed, _ = _run(epochs=3, batch_size=7, seed=4)
    in_order, _ = _run(epochs=3, batch_size=7, seed=3, shuffle=False)
    stored_order, _ = _run(epochs=3, batches=Batches(7, False))
    assert not np.array_equal(net.parameters, other_seed.parameters)
    assert not np.array_equal(net.parameters, in_order.parameters)
    np.testing.assert_array_equal(in_order.parameters, stored_order.parameters)


def test_batches_and_a_batch_shortcut_together_are_refused():
    with pytest.raises(gn.ConfigError) as err:
        _run(epochs=1, batches=Batches(7), seed=1, batch_size=7)
    assert str(err.value) == "give either batches= or batch_size, seed, not both"
    _run(epochs=1, batches=Batches(7), patience=3)  # the other shortcuts go with batches=


def test_unknown_settings_are_named():
    with pytest.raises(gn.ConfigError) as err:
        _run(epochs=1, paitence=3, batchsize=2)
    assert str(err.value) == "train() got unknown settings: batchsize, paitence"


@pytest.mark.parametrize("shortcut, callback", [
    ({}, {"min_delta": 1e-4, "patience": 10, "restore_best_weights": True}),
    ({"patience": 2, "tol": 0.05}, {"min_delta": 0.05, "patience": 2,
                                     "restore_best_weights": True}),
    ({"patience": 2, "tol": 0.05, "restore_best": False},
     {"min_delta": 0.05, "patience": 2, "restore_best_weights": False}),
])
def test_early_stopping_shortcut_is_the_callback_with_its_settings(shortcut, callback):
    """early_stopping=True is EarlyStopping(monitor="cost", min_delta=tol (1e-4),
    patience (10), restore_best_weights=restore_best (True)): the same epochs, the same
    parameters. The three settings differ in when they stop or what they keep."""
    rate = 1e-6 if not shortcut else 0.5  # a cost that barely moves stops at 1 + patience
    net, history = _run(rate, epochs=60, early_stopping=True, **shortcut)
    ref, expected = _run(rate, epochs=60, callbacks=[EarlyStopping(monitor="cost", **callback)])
    assert history.cost == expected.cost and history.stopped_early
    assert len(history.cost) == (11 if not shortcut else len(expected.cost))
    np.testing.assert_array_equal(net.parameters, ref.parameters)


def test_the_early_stopping_settings_change_the_run():
    runs = [_run(1e-6, epochs=60, early_stopping=True, **s) for s in
            ({}, {"patience": 2, "tol": 0.05}, {"patience": 2, "tol": 0.05, "restore_best": False})]
    assert len(runs[0][1].cost) != len(runs[1][1].cost)
    assert not np.array_equal(runs[1][0].parameters, runs[2][0].parameters)


def test_early_stopping_watches_the_validation_cost_when_there_is_validation_data():
    """The validation targets are the training targets flipped: the validation cost rises
    while the training cost falls, so only the validation monitor stops the run."""
    X, Y = circle(40)
    net, history = _run(epochs=30, early_stopping=True, patience=3,
                        validation_data=(X, 1 - Y))
    _, expected = _run(epochs=30, validation_data=(X, 1 - Y), callbacks=[
        EarlyStopping(monitor="val_cost", min_delta=1e-4, patience=3)])
    assert history.stopped_early and history.cost == expected.cost
    assert len(history.cost) < 30


@pytest.mark.parametrize("setting, message", [
    ({"patience": -1}, "patience"), ({"tol": -1.0}, "tol"), ({"patience": 1.5}, "patience")])
def test_the_early_stopping_settings_are_checked_even_without_it(setting, message):
    with pytest.raises(gn.ConfigError) as err:
        _run(epochs=1, **setting)
    assert str(err.value).startswith(message)


def test_the_callback_shortcut_is_called_after_every_epoch():
    seen = []
    _run(epochs=3, callback=lambda epoch, history: seen.append((epoch, len(history.cost))))
    assert seen == [(1, 1), (2, 2), (3, 3)]


def test_train_runs_100_epochs_by_default():
    _, history = _run()
    assert len(history.cost) == 100


def test_a_bad_first_epoch_is_named():
    with pytest.raises(gn.ConfigError) as err:
        _run(epochs=1, first_epoch=-1)
    assert str(err.value).startswith("first_epoch")


def test_float64_targets_train_a_float32_network_in_float32():
    X, Y = circle(20)
    a, b = (gn.Network([2, 3, 1], seed=0, dtype="float32") for _ in range(2))
    ha = train(a, X, Y, epochs=3, learning_rate=0.5)
    hb = train(b, X.astype(np.float32), Y.astype(np.float32), epochs=3, learning_rate=0.5)
    assert ha.cost == hb.cost
    np.testing.assert_array_equal(a.parameters, b.parameters)


def test_metrics_are_a_name_or_a_list_of_names():
    _, history = _run(epochs=1, metrics="accuracy")
    assert "accuracy" in history
    with pytest.raises(gn.ConfigError) as err:
        _run(epochs=1, metrics=5)
    assert str(err.value) == "metrics must be a list of names (accuracy, r2), got 5"
    with pytest.raises(gn.ConfigError) as err:
        _run(epochs=1, metrics=["accuracy", "f1"])
    assert str(err.value) == "unknown metric 'f1'; valid names are: accuracy, r2"


def test_a_callback_object_is_told_the_run_at_the_end():
    ends = []

    class Last(Callback):
        def on_train_end(self, run):
            ends.append((run.net, len(run.history.cost)))

    net, _ = _run(epochs=2, callbacks=[Last()])
    assert ends == [(net, 2)]


def test_shuffle_with_batches_is_refused_too():
    with pytest.raises(gn.ConfigError) as err:
        _run(epochs=1, batches=Batches(7), shuffle=False)
    assert str(err.value) == "give either batches= or shuffle, not both"


def test_a_callback_object_is_told_the_run_at_the_start_and_the_time_is_kept():
    begins = []

    class First(Callback):
        def on_train_begin(self, run):
            begins.append(run.net)

    before = time.perf_counter()
    net, history = _run(epochs=1, callbacks=[First()])
    elapsed = time.perf_counter() - before
    assert begins == [net]
    assert 0.0 <= history.seconds <= elapsed


# ------------------------------------------------------------------ the last survivors (mut-core)
def test_the_progress_bar_stays_and_shows_the_notes_names_only(capsys):
    """The bar is left on the screen (it ends with a new line, not a carriage return that
    clears it), and its postfix holds the notes' keys (cost, val_cost, the metrics) with
    4 significant figures, not Keras' duplicates loss and val_loss."""
    X, Y = circle(12)
    history = gn.Network([2, 3, 1], seed=0).fit(X, Y, epochs=2, progress=True, metrics="accuracy",
                                                validation_data=(X, Y))
    last = capsys.readouterr().err.rsplit("\r", 1)[-1]
    assert last.startswith("100%") and " 2/2 " in last and last.endswith("]\n")
    postfix = last[last.index("cost="):-2].split(", ")
    assert postfix == [f"{key}={history[key][-1]:.4g}"
                       for key in ("cost", "accuracy", "val_cost", "val_accuracy")]


def test_the_early_stopping_shortcuts_default_tol_lets_a_falling_cost_go_on():
    """At α = 0.5 the cost falls by far more than tol = 1e-4 an epoch but far less than 1,
    so the default tol keeps the run going past 1 + patience = 11 epochs (a tol of 1 or
    more would stop it there) and it is EarlyStopping(min_delta=1e-4)'s run exactly."""
    _, history = _run(0.5, epochs=40, early_stopping=True)
    _, expected = _run(0.5, epochs=40, callbacks=[EarlyStopping(monitor="cost", min_delta=1e-4)])
    assert history.cost == expected.cost
    assert len(history.cost) > 11 and 1e-4 < history.cost[0] - history.cost[10] < 1


def test_the_targets_take_the_networks_dtype_for_the_metrics_too():
    """A float32 network given float64 targets scores r2 on Y in float32, as if it had
    been given float32 targets (float64 Y would give r2 to other last digits)."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(2, 20))
    Y = (0.3 * X[0] + X[1] ** 2).reshape(1, -1) + 0.1
    a, b = (gn.Network([2, 3, 1], output="linear", loss="mse", seed=0, dtype="float32")
            for _ in range(2))
    ha = train(a, X, Y, epochs=3, learning_rate=0.1, metrics=["r2"])
    hb = train(b, X.astype(np.float32), Y.astype(np.float32), epochs=3, learning_rate=0.1,
               metrics=["r2"])
    assert ha["r2"] == hb["r2"]


def test_the_compiled_engine_is_refused_for_an_optimizer_it_does_not_know():
    """Only glassnet's own optimizers are compiled: a subclass of SGD, even named "sgd",
    is refused by name before any epoch runs (the network and the optimizer are judged)."""

    class MySGD(optimizers.SGD):
        pass

    X, Y = circle(12)
    net = gn.Network([2, 3, 1], seed=0)
    with pytest.raises(gn.ConfigError) as err:
        train(net, X, Y, epochs=1, optimizer=MySGD(), engine="compiled")
    assert str(err.value) == ("the compiled engine cannot train the optimizer 'sgd'; use "
                              "engine='numpy'")


# ------------------------------------------------------------------ the epoch runner (mut-problems)
def _hostile(case):
    """A network and data whose epoch meets every kind of floating-point trouble:
    softmax: W = (10, −10) and x = 1e308 give Z = (inf, −inf) (overflow) and Z − max(Z) =
    inf − inf (invalid); x = 100 gives Z = (1000, −1000), whose exp underflows.
    poisson: x = 1000 gives e^1000, capped at the largest float; y/a = 1e-30 / 9e307
    underflows to 0 and log 0 divides by zero."""
    if case == "softmax":
        net = gn.Network([1, 2], output="softmax", seed=0)
        net.parameters[:] = [10.0, -10.0, 0.0, 0.0]
        return net, np.array([[1e308, 100.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])
    net = gn.Network([1, 1], output="exponential", loss="poisson", seed=0)
    net.parameters[:] = [1.0, 0.0]
    return net, np.array([[1000.0, 1.0]]), np.array([[1e-30, 2.0]])


def counted_engine():
    """NumPy's engine, counting the runners built with it: the run's own and one per rate
    ``divergence.advise`` tries (TRIALS at most, each without advice of its own). One more
    is a trial that advised itself, which on data where every rate diverges would never
    end: it fails the test at once (an outcome no ``except Exception`` swallows)."""
    built = []

    class Counted(NumpyEngine):
        def __init__(self, *args):
            built.append(args[0])
            if len(built) > 1 + divergence.TRIALS:
                pytest.fail("a trial runner advised itself")
            super().__init__(*args)

    return Counted, built


@pytest.mark.parametrize("case", ["softmax", "poisson"])
def test_the_runner_ignores_floating_point_trouble_under_any_error_setting(case):
    # every rate diverges at its first epoch: the run's runner and all TRIALS trials
    net, X, Y = _hostile(case)
    start = net.parameters.copy()
    engine, built = counted_engine()
    with np.errstate(all="raise"):
        runner = EpochRunner(net, X, Y, Batches(None), engine)
        with pytest.raises(gn.DivergenceError) as info:
            runner.run_epoch(optimizers.get("sgd"), 0.1)
    assert info.value.reason == "parameters" and info.value.epoch == 1
    assert info.value.suggested_rate is None and len(built) == 1 + divergence.TRIALS
    np.testing.assert_array_equal(net.parameters, start)


def test_a_divergence_error_carries_what_its_message_says():
    # the notes' line y = 3x + 1 with α = 1 grows at once; α/100 = 0.01 is the first rate
    # whose 10 trial epochs lower the cost (tests/test_training_runner.py)
    x = np.linspace(0, 10, 11).reshape(1, -1)
    for advise in (True, False):
        net = gn.Network([1, 1], loss="mean_squared_error", seed=0)
        runner = EpochRunner(net, x, 3 * x + 1, Batches(None), advise=advise)
        sgd = optimizers.get("sgd")
        with pytest.raises(gn.DivergenceError) as info:
            for _ in range(1000):
                runner.run_epoch(sgd, 1.0)
        err = info.value
        assert (err.reason, err.restored_epoch) == ("grew", runner.watch.best_epoch)
        assert err.epoch == runner.epoch + 1 and err.epoch > err.restored_epoch
        text = str(err)
        assert text.startswith(f"training diverged at epoch {err.epoch}: the cost J rose to ")
        assert (f"put back as they were at the start of epoch {err.restored_epoch}. This "
                "epoch used the learning rate α = 1; ") in text
        if advise:
            assert err.suggested_rate == 0.01 and "α = 0.01, was tried for 10 epochs" in text
        else:
            assert err.suggested_rate is None and "none lowered the cost" in text


def test_the_finite_watch_puts_back_the_start_of_the_epoch_that_diverged():
    # y = 3x + 1 on x = 0 … 10 with α = 1: each step overshoots the line ~70-fold, so the
    # parameters overflow after some 150 epochs; FiniteWatch judges only that, and puts
    # back the parameters as they were just before the failing run_epoch call, naming it
    x = np.linspace(0, 10, 11).reshape(1, -1)
    net = gn.Network([1, 1], loss="mean_squared_error", seed=0)
    runner = EpochRunner(net, x, 3 * x + 1, Batches(None), watch=divergence.FiniteWatch,
                         advise=False)
    sgd = optimizers.get("sgd")
    with pytest.raises(gn.DivergenceError) as info:
        for _ in range(5000):
            before = net.parameters.copy()
            runner.run_epoch(sgd, 1.0)
    err = info.value
    assert err.epoch == runner.epoch + 1 > 2
    assert (err.reason in ("parameters", "cost"), err.restored_epoch) == (True, err.epoch)
    assert f"put back as they were at the start of epoch {err.epoch}. " in str(err)
    np.testing.assert_array_equal(net.parameters, before)
    assert np.all(np.isfinite(before))


def test_a_runner_without_batches_runs_batch_descent():
    # Batches() by default: one batch of all m examples, so the epoch's cost is J of the
    # parameters it started with, to the bit
    x = np.linspace(0, 1, 7).reshape(1, -1)
    X, Y = x, (x > 0.5).astype(float)
    net = gn.Network([1, 3, 1], seed=0)
    before = net.cost(X, Y)
    runner = EpochRunner(net, X, Y)
    assert runner.run_epoch(optimizers.get("sgd"), 0.5) == before
    assert (runner.batches.batch_size, runner.batches.shuffle) == (None, True)


def test_a_step_that_divides_by_zero_is_a_divergence_under_any_error_setting():
    # RMSProp with ε = 0 on x = 1e-200: dW ≈ 1e-200, whose square underflows to S = 0, so
    # W := W − α·dW/√0 divides by zero (±inf): a divergence, never a FloatingPointError
    net = gn.Network([1, 1], loss="mean_squared_error", seed=0)
    X, Y = np.array([[1e-200, 2e-200]]), np.array([[1.0, 1.0]])
    start = net.parameters.copy()
    with np.errstate(all="raise"):
        runner = EpochRunner(net, X, Y, Batches(None), advise=False)
        with pytest.raises(gn.DivergenceError) as info:
            runner.run_epoch(optimizers.RMSProp(epsilon=0.0), 0.1)
    assert (info.value.reason, info.value.epoch) == ("parameters", 1)
    assert "W[1] holds ±inf" in str(info.value)
    np.testing.assert_array_equal(net.parameters, start)


@pytest.mark.parametrize("layout", ["C", "F"])
@pytest.mark.parametrize(("batch_size", "bounds"), [
    (70, [(0, 490), (490, 980), (980, 1000)]),
    (300, [(0, 300), (300, 600), (600, 900), (900, 1000)])])
def test_minibatches_are_gathered_in_chunks_of_at_most_chunk_bytes(layout, batch_size, bounds):
    # 64 float64 features: 512 bytes an example, so 256 KiB hold 512 examples: 7 whole
    # minibatches of 70 (490 examples); one of 300 (150 KiB) is more than fits, so one a
    # chunk. A contiguous X is gathered from where it is, never copied whole
    rows = np.random.default_rng(0).normal(size=(1000, 64))
    X = np.ascontiguousarray(rows.T) if layout == "C" else rows.T
    batches = Minibatches(X, X[:1] > 0, batch_size)
    assert [(start, stop) for start, stop, _ in batches.chunks] == bounds
    assert np.shares_memory(batches.X, X)


class _Counting(NumpyEngine):
    pass


@pytest.mark.parametrize(("batch_size", "B"), [(7, 7), (None, 60), (100, 60)])
def test_the_trial_runner_has_the_runs_batch_size_and_engine_and_its_own_shuffling(
        batch_size, B):
    X, Y = circle(60)
    net = gn.Network([2, 4, 1], seed=0)
    runner = EpochRunner(net, X, Y, Batches(batch_size, shuffle=False, seed=3), _Counting)
    trial = net.copy()
    t = runner._trial_runner(trial)
    assert (t.net, t.X, t.Y, t.advise, type(t.engine)) == (trial, runner.X, runner.Y, False,
                                                           _Counting)
    assert (t.batches.batch_size, t.batches.shuffle) == (B, True)
    # seeded 0: the same orders in every trial, whatever the run's own seed
    reference = np.random.default_rng(0)
    for _ in range(3):
        np.testing.assert_array_equal(t.batches.order(60), reference.permutation(60))


def test_batches_shuffle_by_default():
    batches, reference = Batches(2, seed=4), np.random.default_rng(4)
    assert batches.shuffle is True
    np.testing.assert_array_equal(batches.order(5), reference.permutation(5))


def test_a_float32_epoch_takes_its_cost_in_float32():
    # batch descent: J of the epoch is J of the parameters it started with, to the bit;
    # outputs kept in float64 would give the float64 cost of the float32 A[L] (2.5e-8 off)
    x = np.linspace(0, 1, 7).reshape(1, -1)
    net = gn.Network([1, 3, 1], seed=0, dtype="float32")
    X, Y = x.astype(np.float32), (x > 0.5).astype(np.float32)
    before = net.cost(X, Y)
    runner = EpochRunner(net, X, Y, Batches(None))
    assert runner.run_epoch(optimizers.get("sgd"), 0.5) == before
    assert runner.engine.outputs.dtype == np.float32


def _by_hand(net, X, Y, batches, learning_rate, epochs):
    """The epochs of minibatch SGD step by step (the notes' loop), on a copy: the costs
    (the losses of each example at its own step, averaged) and the parameters."""
    net = net.copy()
    sgd, m, costs = optimizers.get("sgd"), X.shape[1], []
    for _ in range(epochs):
        order = batches.order(m)
        if batches.size(m) == m:  # batch descent takes X as it is stored
            order = np.arange(m)
        outputs = []
        for idx in batches.split(m, order):
            outputs.append(net.forward_unchecked(np.ascontiguousarray(X[:, idx])).copy())
            net.backward_unchecked(np.ascontiguousarray(Y[:, idx]))
            sgd.step(net.parameters, net.gradients, learning_rate)
        costs.append(float(net.loss.cost(np.hstack(outputs), Y[:, order])))
    return costs, net.parameters


@pytest.mark.parametrize("layout", ["C", "F", "strided"])
@pytest.mark.parametrize("batch_size", [70, 300, 1000, 1001])
def test_minibatches_in_several_chunks_step_as_by_hand(layout, batch_size):
    # n_x = 64, m = 1000 in float64: 512 KiB, two or more chunks of 256 KiB; B = 70 gives
    # chunks of 7 minibatches (490 examples) and a last minibatch of 20, B = 300 one
    # minibatch a chunk (the last of 100), B ≥ m batch descent
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(2000 if layout == "strided" else 1000, 64))
    X = {"C": np.ascontiguousarray(rows.T), "F": rows.T, "strided": rows[::2].T}[layout]
    Y = (X[:1] + X[1:2] > 0).astype(float)
    net = gn.Network([64, 3, 1], seed=1)
    costs, theta = _by_hand(net, X, Y, Batches(batch_size, seed=2), 0.1, 2)
    runner = EpochRunner(net, X, Y, Batches(batch_size, seed=2))
    # the same sums, in an order BLAS chooses by the memory layout: equal to a few ulps
    assert [runner.run_epoch(optimizers.get("sgd"), 0.1) for _ in range(2)] == pytest.approx(
        costs, rel=1e-13, abs=0)
    np.testing.assert_allclose(net.parameters, theta, rtol=1e-12, atol=0)


@pytest.mark.parametrize(("loss", "output", "y", "constant"), [
    # the mean target 2e-200 is 1e-200 from each: its square, 1e-400, underflows to 0
    ("mean_squared_error", "linear", [1e-200, 3e-200], 0.0),
    # the mean of 1e308 and 1e308 overflows to inf, and the loss then meets inf − inf
    ("poisson", "exponential", [1e308, 1e308], np.nan),
])
def test_the_watch_is_built_under_any_error_setting(loss, output, y, constant):
    # the constant prediction's loss c, taken when the runner builds its watch, may
    # underflow or be invalid on hostile targets: the runner ignores it, whatever the
    # caller's np.errstate
    net = gn.Network([1, 1], output=output, loss=loss, seed=0)
    X, Y = np.array([[1.0, 2.0]]), np.array([y])
    with np.errstate(all="raise"):
        runner = EpochRunner(net, X, Y, Batches(None), advise=False)
    np.testing.assert_array_equal(runner.watch.constant, constant)
