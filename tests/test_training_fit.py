"""Network.fit, Keras-style: continuing fits, validation_split, callbacks, history names,
predict and evaluate without side effects."""

import csv
import io

import numpy as np
import pytest

import glassnet as gn
from glassnet import optimizers, schedules
from glassnet.callbacks import Callback, CSVLogger, EarlyStopping, ModelCheckpoint


def circle(m, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(2, m))
    return X, (np.hypot(X[0], X[1]) < 0.6).astype(float).reshape(1, -1)


OPTIMIZERS = ["sgd", "momentum", {"name": "classic_momentum", "nesterov": True}, "rmsprop",
              "adam"]
SCHEDULES = ["constant", {"name": "inverse_time", "decay": 0.3},
             {"name": "exponential", "decay": 0.7}, {"name": "step", "drop": 0.5, "every": 3}]


# ------------------------------------------------------------------ fit continues
@pytest.mark.parametrize("optimizer", OPTIMIZERS, ids=str)
@pytest.mark.parametrize("schedule", SCHEDULES, ids=str)
@pytest.mark.parametrize("batch_size", [None, 7])
def test_two_fits_equal_one_bit_for_bit(optimizer, schedule, batch_size):
    X, Y = circle(30)
    once, twice = gn.Network([2, 4, 1], activations="tanh", seed=0), None
    twice = once.copy()
    settings = dict(learning_rate=0.05, optimizer=optimizer, schedule=schedule,
                    batch_size=batch_size, seed=4)
    h = once.fit(X, Y, epochs=6, **settings)
    h1 = twice.fit(X, Y, epochs=2, **settings)
    h2 = twice.fit(X, Y, epochs=4, **settings)
    np.testing.assert_array_equal(once.parameters, twice.parameters)
    assert h.cost == h1.cost + h2.cost
    # and the run really depends on what is carried over (a fresh start differs)
    fresh = once.copy()
    fresh.fit(X, Y, epochs=2, **settings)
    fresh.fit(X, Y, epochs=4, fresh_start=True, **settings)
    assert not np.array_equal(fresh.parameters, once.parameters)


def test_continuing_keeps_the_optimizer_object_and_the_epoch_count():
    X, Y = circle(30)
    net = gn.Network([2, 3, 1], seed=0)
    net.fit(X, Y, epochs=3, optimizer="adam")
    adam = net.fit_state.optimizer
    net.fit(X, Y, epochs=2, optimizer="adam")
    assert net.fit_state.optimizer is adam and adam.t == 5 and net.fit_state.epochs == 5
    net.fit(X, Y, epochs=1, optimizer="rmsprop")  # another optimizer starts afresh
    assert net.fit_state.optimizer.t == 1 and net.fit_state.epochs == 6


def test_a_new_seed_reseeds_the_shuffling_only():
    X, Y = circle(30)
    a, b = gn.Network([2, 3, 1], seed=0), gn.Network([2, 3, 1], seed=0)
    for net in (a, b):
        net.fit(X, Y, epochs=2, batch_size=5, seed=1, optimizer="adam")
    a.fit(X, Y, epochs=2, batch_size=5, seed=1, optimizer="adam")
    b.fit(X, Y, epochs=2, batch_size=5, seed=2, optimizer="adam")
    assert not np.array_equal(a.parameters, b.parameters)
    assert b.fit_state.optimizer.t == 4 * 6


def test_an_optimizer_object_is_used_as_it_is():
    X, Y = circle(30)
    net = gn.Network([2, 3, 1], seed=0)
    adam = optimizers.Adam()
    net.fit(X, Y, epochs=2, optimizer=adam)
    net.fit(X, Y, epochs=2, optimizer=adam)
    assert adam.t == 4


def test_the_schedule_position_counts_every_fit():
    X, Y = circle(30)
    net = gn.Network([2, 3, 1], seed=0)
    step = {"name": "step", "drop": 0.5, "every": 2}
    rates = []

    class Spy(optimizers.SGD):
        def step(self, theta, g, learning_rate):
            rates.append(learning_rate)
            super().step(theta, g, learning_rate)

    spy = Spy()
    net.fit(X, Y, epochs=3, learning_rate=1.0, schedule=step, optimizer=spy)
    net.fit(X, Y, epochs=3, learning_rate=1.0, schedule=step, optimizer=spy)
    assert rates == [schedules.get(step).rate(1.0, e) for e in range(6)]
    assert rates == [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]


# ------------------------------------------------------------------ validation_split
def test_validation_split_holds_out_the_last_examples_before_shuffling():
    X, Y = circle(50)
    net = gn.Network([2, 3, 1], seed=0)
    reference = net.copy()
    history = net.fit(X, Y, epochs=3, batch_size=8, seed=0, validation_split=0.2)
    # Keras: split_at = ⌊m (1 − fraction)⌋ = 40; the last 10 columns are the validation set
    ref_history = reference.fit(X[:, :40], Y[:, :40], epochs=3, batch_size=8, seed=0,
                                validation_data=(X[:, 40:], Y[:, 40:]))
    assert history.history == ref_history.history
    np.testing.assert_array_equal(net.parameters, reference.parameters)


@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.1, "0.2", float("nan"), 0.999, True])
def test_a_bad_validation_split_is_refused(fraction):
    X, Y = circle(50)
    with pytest.raises(gn.ConfigError, match="validation_split"):
        gn.Network([2, 3, 1], seed=0).fit(X, Y, epochs=1, validation_split=fraction)


def test_validation_data_overrides_validation_split_as_in_keras():
    X, Y = circle(50)
    Xv, Yv = circle(20, seed=1)
    a, b = gn.Network([2, 3, 1], seed=0), gn.Network([2, 3, 1], seed=0)
    ha = a.fit(X, Y, epochs=2, validation_split=0.2, validation_data=(Xv, Yv))
    hb = b.fit(X, Y, epochs=2, validation_data=(Xv, Yv))
    assert ha.history == hb.history


# ------------------------------------------------------------------ history and callbacks
def test_history_has_keras_names_beside_the_notes_names():
    X, Y = circle(50)
    history = gn.Network([2, 3, 1], seed=0).fit(X, Y, epochs=4, validation_split=0.2,
                                                 metrics=["accuracy"])
    h = history.history
    assert set(h) == {"cost", "loss", "val_cost", "val_loss", "accuracy", "val_accuracy"}
    assert h["loss"] == h["cost"] == history.cost and h["val_loss"] == h["val_cost"]
    assert all(len(v) == 4 for v in h.values()) and history.epoch == [0, 1, 2, 3]


def test_early_stopping_on_the_training_cost_restores_exactly_the_best():
    X, Y = circle(100)
    net = gn.Network([2, 4, 1], activations="tanh", seed=0)
    stop = EarlyStopping(monitor="loss", min_delta=1e-3, patience=5, restore_best_weights=True)
    history = net.fit(X, Y, epochs=5000, learning_rate=0.5, callbacks=[stop])
    assert history.stopped_early
    assert history.epochs == history.best_epoch + 1 + 5
    assert net.cost(X, Y) == history.cost[history.best_epoch]


def test_early_stopping_on_the_validation_cost_restores_exactly_the_best():
    X, Y = circle(200)
    net = gn.Network([2, 8, 1], activations="tanh", seed=0)
    stop = EarlyStopping(patience=10, restore_best_weights=True)  # Keras' default: val_loss
    history = net.fit(X, Y, epochs=3000, learning_rate=0.05, optimizer="adam", batch_size=10,
                      seed=0, validation_split=0.5, callbacks=[stop])
    assert history.stopped_early and history.epochs == history.best_epoch + 10
    assert net.cost(X[:, 100:], Y[:, 100:]) == history["val_cost"][history.best_epoch - 1]
    assert history["val_cost"][history.best_epoch - 1] == min(history["val_cost"])


def test_early_stopping_on_a_metric_looks_upwards():
    X, Y = circle(100)
    stop = EarlyStopping(monitor="accuracy", patience=3)
    history = gn.Network([2, 4, 1], seed=0).fit(X, Y, epochs=500, learning_rate=0.5,
                                                metrics=["accuracy"], callbacks=[stop])
    best = history["accuracy"][history.best_epoch - 1]
    assert best == max(history["accuracy"]) and history.epochs == history.best_epoch + 3


def test_early_stopping_on_a_score_not_recorded_names_it():
    X, Y = circle(30)
    with pytest.raises(gn.ConfigError, match="'val_cost' is not recorded"):
        gn.Network([2, 3, 1], seed=0).fit(X, Y, epochs=2, callbacks=[EarlyStopping()])


def test_model_checkpoint_saves_a_glassnet_file_each_epoch(tmp_path):
    X, Y = circle(40)
    net = gn.Network([2, 3, 1], seed=0)
    seen = []
    net.fit(X, Y, epochs=3, callbacks=[
        ModelCheckpoint(tmp_path / "net-{epoch}.npz", monitor="cost"),
        lambda epoch, history: seen.append(net.parameters.copy())])
    for epoch in (1, 2, 3):
        loaded = gn.load(tmp_path / f"net-{epoch}.npz")
        np.testing.assert_array_equal(loaded.parameters, seen[epoch - 1])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net-1.npz", "net-2.npz",
                                                          "net-3.npz"]  # no .tmp left


def test_model_checkpoint_save_best_only(tmp_path):
    X, Y = circle(40)
    Xv, Yv = circle(40, seed=1)
    net = gn.Network([2, 3, 1], seed=0)
    best = {}

    def remember(epoch, history):
        if history["val_cost"][-1] == min(history["val_cost"]):
            best["parameters"] = net.parameters.copy()

    net.fit(X, Y, epochs=40, learning_rate=2.0, validation_data=(Xv, Yv),
            callbacks=[ModelCheckpoint(tmp_path / "best.npz", save_best_only=True), remember])
    np.testing.assert_array_equal(gn.load(tmp_path / "best.npz").parameters,
                                  best["parameters"])


def test_csv_logger_writes_one_line_per_epoch_in_keras_names(tmp_path):
    X, Y = circle(40)
    path = tmp_path / "log.csv"
    history = gn.Network([2, 3, 1], seed=0).fit(X, Y, epochs=3, validation_split=0.25,
                                                metrics=["accuracy"],
                                                callbacks=[CSVLogger(path)])
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert list(rows[0]) == ["epoch", "loss", "accuracy", "val_loss", "val_accuracy"]
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3]
    assert [float(r["loss"]) for r in rows] == history.cost
    gn.Network([2, 3, 1], seed=0).fit(X, Y, epochs=2, validation_split=0.25,
                                      metrics=["accuracy"],
                                      callbacks=[CSVLogger(path, append=True)])
    assert len(list(csv.DictReader(io.StringIO(path.read_text())))) == 5


def test_a_callback_object_sees_the_run_and_can_stop_it():
    events = []

    class Recorder(Callback):
        def on_train_begin(self, run):
            events.append("begin")

        def on_epoch_end(self, run, epoch, logs):
            events.append((epoch, sorted(logs)))
            run.stop = epoch == 2

        def on_train_end(self, run):
            events.append("end")

    X, Y = circle(30)
    history = gn.Network([2, 3, 1], seed=0).fit(X, Y, epochs=9, callbacks=[Recorder()])
    assert history.epochs == 2
    assert events == ["begin", (1, ["cost", "loss"]), (2, ["cost", "loss"]), "end"]


@pytest.mark.parametrize("callbacks", [5, [5], ["stop"]])
def test_bad_callbacks_are_refused(callbacks):
    X, Y = circle(30)
    with pytest.raises(gn.ConfigError, match="callback"):
        gn.Network([2, 3, 1], seed=0).fit(X, Y, epochs=1, callbacks=callbacks)


def test_the_progress_bar_shows_the_validation_figures(capsys):
    X, Y = circle(40)
    gn.Network([2, 3, 1], seed=0).fit(X, Y, epochs=3, validation_split=0.25,
                                      metrics=["accuracy"], progress=True)
    err = capsys.readouterr().err
    assert "3/3" in err and "val_cost=" in err and "val_accuracy=" in err and "cost=" in err


# ------------------------------------------------------------------ predict and evaluate
def test_predict_leaves_the_caches_alone():
    X, Y = circle(40)
    net = gn.Network([2, 5, 1], activations="tanh", seed=0)
    net.forward(X)
    net.backward(Y)
    kept = {name: [getattr(net, name)[l].copy() for l in range(1, 3)]
            for name in ("Z", "A", "dZ", "dW", "db")}
    A0 = net.A[0].copy()
    other = circle(40, seed=1)[0]  # the same m: the cache's buffers would be reused
    prediction = net.predict(other)
    for name, values in kept.items():
        for l, value in enumerate(values, 1):
            np.testing.assert_array_equal(getattr(net, name)[l], value)
    np.testing.assert_array_equal(net.A[0], A0)
    np.testing.assert_array_equal(prediction, net.copy().forward(other))


def test_evaluate_gives_the_cost_and_metrics():
    X, Y = circle(40)
    net = gn.Network([2, 5, 1], activations="tanh", seed=0, l2=0.1)
    scores = net.evaluate(X, Y, metrics=["accuracy"])
    assert scores["cost"] == scores["loss"] == net.copy().cost(X, Y)
    A = net.predict(X)
    assert scores["accuracy"] == np.mean((A[0] >= 0.5) == (Y[0] == 1))
    assert set(scores) == {"cost", "loss", "accuracy"}
    with pytest.raises(gn.ConfigError, match="metric"):
        net.evaluate(X, Y, metrics=5)


def test_predict_goes_a_chunk_of_examples_at_a_time(monkeypatch):
    import tracemalloc

    from glassnet import network

    X = np.random.default_rng(0).normal(size=(2, 100_000))
    net = gn.Network([2, 64, 64, 1], activations="tanh", seed=0)
    whole = net.copy().forward(X)
    tracemalloc.start()
    try:
        A = net.predict(X)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # one chunk's A[l-1], Z[l] and A[l] at a time, not 4 × 64 × m × 8 bytes of caches
    assert peak < 4 * network._PREDICT_CHUNK_BYTES + A.nbytes
    np.testing.assert_allclose(A, whole, rtol=1e-14, atol=0)
    monkeypatch.setattr(network, "_PREDICT_CHUNK_BYTES", 64 * 8 * 7)  # 7 examples a chunk
    np.testing.assert_allclose(net.predict(X[:, :40]), whole[:, :40], rtol=1e-14, atol=0)


def test_predict_names_an_overflowing_layer():
    net = gn.Network([2, 3, 1], seed=0)
    net.W[1] = np.full((3, 2), 1e308)
    with pytest.raises(gn.NumericError, match=r"layer 1: Z\[1\]"):
        net.predict(np.full((2, 4), 1e10))


def test_a_csv_log_that_cannot_be_written_is_named(tmp_path):
    X, Y = circle(20)
    net = gn.Network([2, 3, 1], seed=0)
    before = net.parameters.copy()
    with pytest.raises(gn.ConfigError, match="cannot write the CSV log"):
        net.fit(X, Y, epochs=2, callbacks=[CSVLogger(tmp_path / "missing" / "log.csv")])
    np.testing.assert_array_equal(net.parameters, before)


def test_a_checkpoint_path_with_other_braces_is_kept_as_it_is(tmp_path):
    X, Y = circle(20)
    gn.Network([2, 3, 1], seed=0).fit(X, Y, epochs=1, callbacks=[
        ModelCheckpoint(tmp_path / "net{}-{epoch}.npz", monitor="cost")])
    assert (tmp_path / "net{}-1.npz").exists()
