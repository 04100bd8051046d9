"""glassnet.warmup: ``auto`` takes a compiled engine only once its kernel is cached.

Each test gets a cold cache of its own: fresh dispatchers of both compiled kernels (the
per-example loop and the vectorized pass) whose Numba cache is an empty temporary
directory (``NUMBA_CACHE_DIR`` as Numba reads it). Only
``test_the_background_warmup_and_glassnet_warmup_write_the_cache`` compiles for real
(seconds of CPU time): the loop in the background process the warm-up starts, the
vectorized pass by ``glassnet warmup``.
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
    """An empty cache directory, and compiled kernels that have compiled nothing yet."""
    compiled._vectorized_kernel()  # the helpers jitted, as the kernels call them
    monkeypatch.setattr(numba.config, "CACHE_DIR", str(tmp_path))
    monkeypatch.setitem(compiled._compiled, "epoch", compiled._jit(numba, compiled._epoch_loop))
    fresh_vectorized_pass(monkeypatch)
    monkeypatch.setattr(warmup, "_ready", set())
    monkeypatch.setattr(warmup, "_started", [])
    monkeypatch.delenv("GLASSNET_WARMUP", raising=False)
    return tmp_path


def fresh_vectorized_pass(monkeypatch):
    """A new dispatcher of the vectorized pass, on the cache directory Numba reads now:
    nothing compiled or loaded in this process, so ``cached`` can only read the index."""
    monkeypatch.setitem(compiled._compiled, "vectorized",
                        compiled._jit(numba, compiled._vectorized_epoch))
    return compiled._vectorized_kernel()


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


#: the playground's network, whose steps auto gives the per-example loop
PLAYGROUND = {"sizes": [2, 8, 8, 1], "batch_size": 10}
#: a step of n_W·B = 288 · 32 > compiled.AUTO_MAX_WORK: auto gives it the vectorized pass
LARGER = {"sizes": [8, 32, 1], "batch_size": 32}


def _trained(engine, network=PLAYGROUND):
    X, Y = _playground()
    n_x = network["sizes"][0]
    X = np.vstack([X] + [np.sin(k * X) for k in range(1, n_x // 2)])[:n_x]  # n_x features
    net = glassnet.Network(network["sizes"], "tanh", seed=0)
    history = train(net, X, Y, epochs=3, batch_size=network["batch_size"], seed=0,
                    optimizer="adam", engine=engine, progress=False)
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
    assert out == [f"cache     {warmup.cache_dir()}",
                   "float32   CompiledEngine: not cached", "float64   CompiledEngine: not cached",
                   "float32   VectorizedEngine: not cached",
                   "float64   VectorizedEngine: not cached"]
    assert warmup.cache_dir(compiled.VectorizedEngine) == warmup.cache_dir()  # one directory
    assert len(compiled._kernel().overloads) == 0
    assert len(compiled._vectorized_kernel().overloads) == 0


def test_the_background_warmup_and_glassnet_warmup_write_the_cache(cold, monkeypatch, capsys):
    """The real compiles: the background process compiles the loop into the empty cache;
    then Numba's index has it, auto takes the compiled engine, and training loads the loop
    from the cache with the very signature it was compiled for. ``glassnet warmup`` then
    compiles the vectorized pass, which a fresh dispatcher (as a new process has) finds in
    the index and loads, with the signature a larger network's training uses."""
    monkeypatch.setenv("GLASSNET_WARMUP", "1")
    assert warmup.ready("float64") is False
    (process,) = warmup._started
    assert process.wait(timeout=600) == 0
    assert warmup.cached("float64") is True
    assert warmup.cached("float32") is False  # only the dtype that was needed
    assert warmup.cached("float64", compiled.VectorizedEngine) is False  # only the kernel
    net, _ = _trained("auto")
    stats = compiled._kernel().stats
    assert sum(stats.cache_hits.values()) == 1 and not stats.cache_misses
    numpy, _ = _trained("numpy")
    gap = np.linalg.norm(net.parameters - numpy.parameters)
    assert gap <= 1e-11 * np.linalg.norm(numpy.parameters)  # Adam's bound (docs/speed.md)

    assert main(["warmup", "--dtype", "float64"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and out[1] == "float64   CompiledEngine: cached already"
    assert out[2].startswith("float64   VectorizedEngine: compiled in ")
    assert not warmup._busy(warmup.cache_dir())  # the lock went with the process
    kernel = fresh_vectorized_pass(monkeypatch)
    assert warmup.cached("float64", compiled.VectorizedEngine) is True  # from the index
    assert warmup.cached("float32", compiled.VectorizedEngine) is False
    assert len(kernel.overloads) == 0  # nothing loaded to find out
    larger, _ = _trained("auto", LARGER)
    assert compiled.engine_for("auto", larger, glassnet.optimizers.get("adam"), NumpyEngine,
                               LARGER["batch_size"], warmup.ready) is compiled.VectorizedEngine
    assert sum(kernel.stats.cache_hits.values()) == 1 and not kernel.stats.cache_misses
    numpy, _ = _trained("numpy", LARGER)
    gap = np.linalg.norm(larger.parameters - numpy.parameters)
    assert gap <= 1e-11 * np.linalg.norm(numpy.parameters)


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


def test_glassnet_warmup_without_the_fast_extra_says_what_to_install(monkeypatch, capsys):
    monkeypatch.setattr(compiled, "fast_installed", False)
    assert main(["warmup"]) == 1  # an error of the setup, not of usage
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "needs Numba and scipy-openblas32: pip install 'glassnet[fast]'" in err
