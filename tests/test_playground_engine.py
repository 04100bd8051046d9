"""The playground's engines (glassnet.playground.engine): a session trained with the compiled
engine trains as NumPy's does, and its maths panel shows NumPy's numbers of the last step.

Each setup trains one session per engine from the same state; the engines add the same
numbers in another order, so they agree to 1e-12 relative in float64, not to the last
bit. The panel's numbers are compared as the page gets them (through JSON).
"""

import functools
import json
import logging
import os
import socket

import numpy as np
import pytest

from glassnet import compiled, warmup
from glassnet.errors import ConfigError, DivergenceError
from glassnet.network import Network
from glassnet.playground import engine, protocol, server
from glassnet.playground.engine import CompiledLastStep, NumpyLastStep
from glassnet.playground.session import Session

if not compiled.available():
    if os.environ.get("CI"):
        pytest.fail("Numba (the `fast` extra) is missing on CI", pytrace=False)
    pytest.skip("Numba (the `fast` extra) is not installed", allow_module_level=True)

RTOL = 1e-12

SETUPS = {
    "default": {},  # circle, [4, 2] tanh, sigmoid output + cross-entropy, SGD, B = 10
    "tensorflow": {"recipe": "tensorflow"},  # tanh output, ½ squared error: dA[L] exists
    "adam, L2": {"optimizer": "adam", "regularization": "L2", "regularizationRate": 0.01},
    "momentum, L1": {"optimizer": "momentum", "regularization": "L1",
                     "regularizationRate": 0.003, "learningRate": 0.1},
    "spiral, B = 30": {"dataset": "spiral", "batchSize": 30},  # softmax; last batch of 10
    "regression, relu": {"problem": "regression", "activation": "relu"},
}


def session(engine_name, **changes):
    return Session(protocol.check_settings(changes, protocol.defaults()), engine=engine_name)


def trained(changes, epochs=7):
    """(NumPy's session, the compiled engine's), each trained ``epochs`` epochs."""
    pair = session("numpy", **changes), session("compiled", **changes)
    for s in pair:
        s.train(epochs)
    return pair


def close(a, b):
    """True when b equals a to RTOL relative to a's largest entry (None: both None)."""
    if a is None or b is None:
        return a is None and b is None
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and np.max(np.abs(a - b), initial=0.0) <= RTOL * np.max(
        np.abs(a), initial=0.0)


def panel(s, l, i):
    """What the page gets for neuron i of layer l: the explain message's backward pass."""
    return json.loads(json.dumps(s.explain(l, i, 0.5, -0.5)))["backward"]


def neurons(s):
    return [(l, i) for l in range(1, s.net.L + 1) for i in range(s.net.sizes[l])]


@pytest.mark.parametrize("name", SETUPS)
def test_the_panel_shows_numpys_numbers_with_either_engine(name):
    numpy_session, compiled_session = trained(SETUPS[name])
    assert type(numpy_session._runner.engine) is NumpyLastStep
    assert type(compiled_session._runner.engine) is CompiledLastStep
    for l, i in neurons(numpy_session):
        expected, got = panel(numpy_session, l, i), panel(compiled_session, l, i)
        assert got["m"] == expected["m"] and got["penalty"] == expected["penalty"]
        for key in ("a_prev", "dA", "dZ", "dW", "db"):
            assert close(expected[key], got[key]), (name, l, i, key)


@pytest.mark.parametrize("name", SETUPS)
def test_training_is_the_same_with_either_engine(name):
    numpy_session, compiled_session = trained(SETUPS[name])
    assert numpy_session.epoch == compiled_session.epoch == 7
    assert close(numpy_session.net.parameters, compiled_session.net.parameters)
    expected, got = numpy_session.scores(), compiled_session.scores()
    assert expected.keys() == got.keys()
    for key, value in expected.items():
        assert close(value, got[key]), key


def test_batch_descent_shows_the_same_panel_with_either_engine():
    """B ≥ m: one step an epoch, on the examples in the order they are stored."""
    rows = "\n".join(f"{i / 3},{(i * 7) % 5 - 2},{i % 2}" for i in range(20))
    pair = session("numpy"), session("compiled")
    for s in pair:
        s.set_upload(f"x1,x2,label\n{rows}".encode())
        s.apply({"percTrainData": 50, "batchSize": 30})  # m = 10 < B
        s.train(5)
    for l, i in neurons(pair[0]):
        expected, got = panel(pair[0], l, i), panel(pair[1], l, i)
        assert got["m"] == expected["m"] == 10
        if l == 1:  # the inputs, as stored
            assert got["a_prev"] == expected["a_prev"] == pair[0].A_train.tolist()
        for key in ("a_prev", "dA", "dZ", "dW", "db"):
            assert close(expected[key], got[key]), (l, i, key)


def test_the_recomputed_step_is_the_one_the_kernel_took():
    """The kernel leaves its last step's gradient in net.gradients: the step recomputed
    from the parameters before it has that gradient (to the order of the sums), on the
    examples of the epoch's last minibatch, in their order (m = 250 = 8·30 + 10)."""
    s = session("compiled", batchSize=30)
    s.train(3)
    step, order = s.last_step, s._runner.engine._epoch[0]
    assert step["m"] == 10
    np.testing.assert_array_equal(step["A"][0], s.A_train[:, order[240:]])
    recomputed = np.concatenate([np.concatenate([step["dW"][l].ravel()
                                                 for l in range(1, s.net.L + 1)]),
                                 np.concatenate([step["db"][l].ravel()
                                                 for l in range(1, s.net.L + 1)])])
    assert close(s.net.gradients, recomputed)
    # and by the notes: dW[l] = (1/m) dZ[l] A[l−1]ᵀ, db[l] = (1/m) Σ dZ[l]
    for l in range(1, s.net.L + 1):
        assert close(step["dZ"][l] @ step["A"][l - 1].T / 10, step["dW"][l])
        assert close(step["dZ"][l].mean(axis=1, keepdims=True), step["db"][l])


def test_a_stop_condition_stops_both_engines_at_the_same_epoch():
    numpy_session, compiled_session = (session(name, stopLoss=0.3)
                                       for name in ("numpy", "compiled"))
    for s in (numpy_session, compiled_session):
        s.playing = True
        s.train(500)
        assert not s.playing and s.stopped.startswith("stopped: test loss")
    assert numpy_session.epoch == compiled_session.epoch > 1
    for l, i in neurons(numpy_session):
        assert close(panel(numpy_session, l, i)["dW"], panel(compiled_session, l, i)["dW"])


def test_stepping_one_epoch_at_a_time_is_the_same_with_either_engine():
    """Step (one epoch), a weight edited, Step again: the same panel and weights."""
    numpy_session, compiled_session = (session(name) for name in ("numpy", "compiled"))
    for s in (numpy_session, compiled_session):
        s.train(1)
        s.edit("W", 1, 0, 1, 0.25)  # the runner is built again after an edit
        s.train(1)
        assert s.epoch == 2
    assert close(numpy_session.net.parameters, compiled_session.net.parameters)
    assert close(panel(numpy_session, 1, 0)["dZ"], panel(compiled_session, 1, 0)["dZ"])


def test_divergence_is_the_same_with_either_engine():
    runs = []
    for name in ("numpy", "compiled"):
        s = session(name, problem="regression", learningRate=10.0, activation="relu",
                    batchSize=1, networkShape=[8, 8])
        s.playing = True
        with pytest.raises(DivergenceError, match="training diverged at epoch") as caught:
            s.train(50)
        assert not s.playing and s.last_step is None
        assert "learning rate of 3 or less" in s.advice()
        runs.append((caught.value.epoch, caught.value.restored_epoch, s))
    (epoch, restored, numpy_session), (epoch_c, restored_c, compiled_session) = runs
    assert (epoch, restored) == (epoch_c, restored_c)
    assert close(numpy_session.net.parameters, compiled_session.net.parameters)


def test_reset_starts_over_with_either_engine():
    for name in ("numpy", "compiled"):
        s = session(name)
        start = s.net.parameters.copy()
        s.train(3)
        s.reset()
        assert s.epoch == 0 and s.last_step is None
        np.testing.assert_array_equal(s.net.parameters, start)


def test_auto_trains_with_numpy_while_the_warm_up_compiles(monkeypatch):
    """Until the warm-up has compiled the kernel, "auto" trains with NumPy's engine; then
    the same runner (the divergence rule's state kept) goes on with the compiled one, and
    the training is NumPy's all along, to the order of the sums."""
    monkeypatch.setattr(engine, "_warm_up", {"thread": None})  # started, not done
    s, reference = session("auto"), session("numpy")
    s.train(3)
    runner = s._runner
    assert type(runner.engine) is NumpyLastStep and not engine.compiled_ready()
    engine._warm_up["ok"] = True
    s.train(4)
    assert s._runner is runner and type(runner.engine) is CompiledLastStep
    reference.train(3)
    reference.train(4)
    assert close(reference.net.parameters, s.net.parameters)
    assert close(reference.optimizer.t, s.optimizer.t)
    for l, i in neurons(s):
        assert close(panel(reference, l, i)["dW"], panel(s, l, i)["dW"])


def test_auto_follows_engine_for(monkeypatch):
    """"auto" is compiled.engine_for's choice: compiled on the small default network (the
    kernel loaded), NumPy's without Numba. Above AUTO_MAX_WORK engine_for takes the
    vectorized pass, and the playground its own compiled engine, the loop, all the same."""
    monkeypatch.setattr(engine, "_warm_up", {})
    s = session("compiled")
    s.train(1)  # the kernel compiled or loaded in this process: glassnet.warmup.ready
    assert engine.engine_class("auto", s.net, s.optimizer, 10) is CompiledLastStep
    monkeypatch.setattr(compiled, "AUTO_MAX_WORK", s.net.n_weights * 10 - 1)
    assert engine.engine_class("compiled", s.net, s.optimizer, 10) is CompiledLastStep
    assert engine.engine_class("compiled", s.net, s.optimizer, 10) is CompiledLastStep
    monkeypatch.setattr(compiled, "fast_installed", False)
    assert engine.engine_class("auto", s.net, s.optimizer, 1) is NumpyLastStep
    assert engine.warm_up() is None


def test_the_warm_up_loads_the_kernel_once_in_the_background(monkeypatch):
    session("compiled").train(1)  # cached (the tests start no background compile)
    monkeypatch.setattr(engine, "_warm_up", {})
    thread = engine.warm_up()
    assert thread.daemon and engine.warm_up() is thread
    thread.join(120)
    assert engine.compiled_ready()


def test_a_failed_warm_up_leaves_auto_on_numpy(monkeypatch, caplog):
    def broken(*args):
        raise RuntimeError("no compiler")

    session("compiled").train(1)
    monkeypatch.setattr(engine, "_warm_up", {})
    monkeypatch.setattr(compiled.CompiledEngine, "run_epoch", broken)
    with caplog.at_level(logging.WARNING, logger="glassnet.playground"):
        engine.warm_up().join(120)
    assert "could not be prepared (RuntimeError: no compiler)" in caplog.text
    s = session("auto")
    assert not engine.compiled_ready()
    assert engine.engine_class("auto", s.net, s.optimizer, 10) is NumpyLastStep


def test_no_compile_coming_leaves_auto_on_numpy(monkeypatch):
    """Not cached, and no background compile may start (GLASSNET_WARMUP=0): the warm-up
    ends at once, and "auto" is NumPy's engine."""
    monkeypatch.setattr(engine, "_warm_up", {})
    monkeypatch.setattr(warmup, "ready", lambda dtype, engine=None: False)
    monkeypatch.setenv("GLASSNET_WARMUP", "0")
    engine.warm_up().join(120)
    s = session("auto")
    assert not engine.compiled_ready()
    assert engine.engine_class("auto", s.net, s.optimizer, 10) is NumpyLastStep


def test_the_warm_up_waits_for_the_background_compile(monkeypatch):
    """Not cached yet: glassnet.warmup compiles it in a background process; the warm-up
    loads it once it is in the cache."""
    session("compiled").train(1)
    answers = iter([False, False, True])
    monkeypatch.setattr(engine, "_warm_up", {})
    monkeypatch.setattr(warmup, "ready", lambda dtype, engine=None: False)
    monkeypatch.setattr(warmup, "cached", lambda dtype: next(answers))
    monkeypatch.setenv("GLASSNET_WARMUP", "1")
    monkeypatch.setattr(engine, "_load", functools.partial(engine._load, poll=0.01))
    engine.warm_up().join(120)
    assert engine.compiled_ready() and next(answers, "done") == "done"


def test_the_server_warms_the_compiled_engine_at_start(monkeypatch):
    import uvicorn

    started = []
    monkeypatch.setattr(engine, "warm_up", lambda: started.append(True))
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets: None)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        server.serve(sock=sock)
    assert started == [True]


def test_an_unknown_engine_is_refused():
    with pytest.raises(ConfigError, match="unknown engine 'fast'"):
        Session(engine="fast")


def test_the_replica_keeps_up_with_the_penalty():
    """λ changes live (the rate r, λ = r·B): the recomputed step uses the network's λ."""
    numpy_session, compiled_session = (session(name) for name in ("numpy", "compiled"))
    for s in (numpy_session, compiled_session):
        s.train(2)
        s.apply({"regularization": "L2", "regularizationRate": 0.03})
        s.train(2)
        assert s.net.l2 == pytest.approx(0.3)
    for l, i in neurons(numpy_session):
        assert close(panel(numpy_session, l, i)["dW"], panel(compiled_session, l, i)["dW"])
    assert isinstance(compiled_session._runner.engine._replica, Network)
