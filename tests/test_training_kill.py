"""Behavioural tests written to kill mutants of glassnet.training that survived `mutmut
run`: the validation data's checks, ``split_validation``'s edges, ``fit``'s defaults and
the state a later ``fit`` continues. Each value is worked by hand in its comment."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import optimizers
from glassnet.training import split_validation


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
