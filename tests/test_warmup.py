"""glassnet.warmup: ``auto`` takes the compiled engine only once its loop is cached.

Each test gets a cold cache of its own: a fresh dispatcher of the compiled loop whose
Numba cache is an empty temporary directory (``NUMBA_CACHE_DIR`` as Numba reads it). Only
``test_the_background_warmup_writes_the_cache`` compiles for real (seconds of CPU time),
in the background process the warm-up starts.
"""

import os
import subprocess
import sys

import numpy as np
import pytest

import glassnet
from glassnet import compiled, warmup
from glassnet.cli import main
from glassnet.epochs import NumpyEngine
from glassnet.training import train

if not compiled.available():
    if os.environ.get("CI"):
        pytest.fail("Numba (the `fast` extra) is missing on CI", pytrace=False)
    pytest.skip("Numba (the `fast` extra) is not installed", allow_module_level=True)

import numba  # noqa: E402  (only with the `fast` extra)
from numba.core.caching import NullCache  # noqa: E402


@pytest.fixture
def cold(tmp_path, monkeypatch):
    """An empty cache directory, and a compiled loop that has compiled nothing yet."""
    compiled._kernel()  # the helpers jitted, as the loop calls them
    monkeypatch.setattr(numba.config, "CACHE_DIR", str(tmp_path))
    monkeypatch.setitem(compiled._compiled, "epoch", compiled._jit(numba, compiled._epoch_loop))
    monkeypatch.setattr(warmup, "_ready", set())
    monkeypatch.setattr(warmup, "_started", [])
    monkeypatch.delenv("GLASSNET_WARMUP", raising=False)
    return tmp_path


@pytest.fixture
def spawned(monkeypatch):
    """The background processes warmup.start would start, recorded instead of started."""
    calls = []

    class Process:
        def __init__(self, command, **settings):
            calls.append((command, settings))

        def wait(self):
            return 0

    monkeypatch.setattr(warmup.subprocess, "Popen", Process)
    return calls


def _playground():
    X, y = glassnet.datasets.playground("circle", seed=0)
    return X, (y.reshape(1, -1) > 0).astype(float)


def _trained(engine):
    X, Y = _playground()
    net = glassnet.Network([2, 8, 8, 1], "tanh", seed=0)
    history = train(net, X, Y, epochs=3, batch_size=10, seed=0, optimizer="adam",
                    engine=engine, progress=False)
    return net, history


def test_auto_on_a_cold_cache_trains_with_numpy_and_starts_one_warmup(cold, spawned,
                                                                      monkeypatch):
    monkeypatch.setenv("GLASSNET_WARMUP", "1")
    assert warmup.cached("float64") is False
    net = glassnet.Network([2, 8, 8, 1], "tanh")
    assert compiled.engine_for("auto", net, glassnet.optimizers.get("sgd"),
                               NumpyEngine, 10, warmup.ready) is NumpyEngine
    auto, auto_history = _trained("auto")
    numpy, numpy_history = _trained("numpy")
    assert np.array_equal(auto.parameters, numpy.parameters)  # NumPy's engine itself
    assert auto_history.cost == numpy_history.cost
    assert len(compiled._kernel().overloads) == 0  # nothing compiled in this process
    assert len(spawned) == 1  # three auto choices, one background warm-up
    command, settings = spawned[0]
    assert command == [sys.executable, "-m", "glassnet.warmup", "float64", "CompiledEngine"]
    assert settings["env"]["NUMBA_CACHE_DIR"] == str(cold)
    assert all(settings[k] is subprocess.DEVNULL for k in ("stdin", "stdout", "stderr"))
    assert settings["start_new_session"] is True


def test_no_background_warmup_under_tests_or_ci_unless_asked(cold, spawned, monkeypatch):
    assert os.environ.get("PYTEST_CURRENT_TEST")  # pytest's own, as in any test
    assert not warmup.allowed()
    assert warmup.ready("float64") is False
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    monkeypatch.setenv("CI", "true")
    assert not warmup.allowed()
    monkeypatch.delenv("CI")
    assert warmup.allowed()
    monkeypatch.setenv("GLASSNET_WARMUP", "0")
    assert not warmup.allowed()
    assert warmup.start("float64") is False
    assert spawned == []


def test_a_held_lock_keeps_a_second_warmup_out(cold, spawned, monkeypatch):
    monkeypatch.setenv("GLASSNET_WARMUP", "1")
    where = warmup.cache_dir()
    assert where.parent == cold
    with warmup._locked(where, wait=False):
        assert warmup.start("float64") is False
        assert warmup.warm_up(["float64"], wait=False) is None  # the child's way out
    assert spawned == []
    assert len(compiled._kernel().overloads) == 0
    assert not list(where.glob("*.nbi"))  # nothing compiled, nothing written


def test_without_a_writable_cache_nothing_starts_and_auto_stays_numpy(cold, spawned,
                                                                      monkeypatch, capsys):
    monkeypatch.setenv("GLASSNET_WARMUP", "1")
    monkeypatch.setattr(compiled._kernel(), "_cache", NullCache())  # as Numba makes it then
    assert warmup.cache_dir() is None
    assert warmup.ready("float64") is False
    assert spawned == []
    assert warmup.warm_up(["float64"]) is None
    assert main(["warmup", "--dtype", "float64"]) == 1
    assert "glassnet: error: no cache directory is writable" in capsys.readouterr().err


def test_warmup_check_says_what_is_not_cached(cold, capsys):
    assert main(["warmup", "--check"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [f"cache     {warmup.cache_dir()}", "float32   CompiledEngine: not cached",
                   "float64   CompiledEngine: not cached"]
    assert len(compiled._kernel().overloads) == 0


def test_the_background_warmup_writes_the_cache(cold, monkeypatch, capsys):
    """The one real compile: the background process compiles the loop into the empty
    cache; then Numba's index has it, auto takes the compiled engine, and training loads
    the loop from the cache with the very signature it was compiled for."""
    monkeypatch.setenv("GLASSNET_WARMUP", "1")
    assert warmup.ready("float64") is False
    (process,) = warmup._started
    assert process.wait(timeout=600) == 0
    assert warmup.cached("float64") is True
    assert warmup.cached("float32") is False  # only the dtype that was needed
    net, _ = _trained("auto")
    stats = compiled._kernel().stats
    assert sum(stats.cache_hits.values()) == 1 and not stats.cache_misses
    numpy, _ = _trained("numpy")
    gap = np.linalg.norm(net.parameters - numpy.parameters)
    assert gap <= 1e-11 * np.linalg.norm(numpy.parameters)  # Adam's bound (docs/speed.md)
    assert main(["warmup", "--dtype", "float64"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "float64   CompiledEngine: cached already"
    assert not warmup._busy(warmup.cache_dir())  # the lock went with the process


def test_numba_is_not_imported_when_numpys_engine_is_chosen():
    """NumPy's engine by name (the default) never imports Numba (auto may: every size has
    a compiled engine now, the loop or the vectorized pass)."""
    code = ("import sys, numpy as np, glassnet; from glassnet.training import train\n"
            "X = np.zeros((64, 20)); Y = np.zeros((1, 20))\n"
            "train(glassnet.Network([2, 8, 1]), X[:2], Y, epochs=1, engine='numpy')\n"
            "train(glassnet.Network([64, 200, 1]), X, Y, epochs=1)\n"
            "print('numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"
