"""The compiled engines (glassnet.compiled) against the NumPy engine: the same training.

Every hidden activation × optimizer and every output activation/loss × optimizer, each
without regularization and with L1 + L2, and every optimizer with L1 alone and L2 alone:
100 minibatch steps of each engine (NumPy's, the compiled per-example loop and the
compiled vectorized pass) from the same network and the same epoch orders must give the
same parameters and costs, to 1e-12 relative in float64 (the sums run in another order)
and to float32 rounding in float32; and so must a few steps on each of the benchmark's
network shapes. One compiled kernel of each kind serves them all (integer codes), so the
whole file compiles each once per dtype (cached on disk after that).
"""

import os

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

import glassnet
from glassnet import compiled, warmup
from glassnet.errors import ConfigError, DivergenceError, NotFittedError
from glassnet.training import train

if not compiled.available():
    if os.environ.get("CI"):
        pytest.fail("Numba (the `fast` extra) is missing on CI", pytrace=False)
    pytest.skip("Numba (the `fast` extra) is not installed", allow_module_level=True)

HIDDEN = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "swish", "mish"]
# (output activation, loss): the two shortcuts dZ = A − Y, and dL/da * g'(z) for the rest
OUTPUTS = [("sigmoid", "binary_cross_entropy"), ("softmax", "categorical_cross_entropy"),
           ("linear", "half_squared_error"), ("linear", "mean_squared_error"),
           ("tanh", "mean_squared_error"), ("sigmoid", "half_squared_error"),
           ("softmax", "mean_squared_error"), ("mish", "half_squared_error")]
OPTIMIZERS = ["sgd", "momentum", "classic_momentum",
              {"name": "classic_momentum", "nesterov": True}, "rmsprop", "adam"]
REGULARIZATION = [(0.0, 0.0), (0.05, 0.0), (0.0, 0.1), (0.05, 0.1)]
M, B, EPOCHS = 20, 5, 25  # 4 steps an epoch: 100 steps


def _data(n_out, loss, dtype):
    rng = np.random.default_rng(7)
    X = rng.standard_normal((3, M))
    if loss == "categorical_cross_entropy":
        Y = np.eye(n_out)[:, rng.integers(0, n_out, M)]
    elif loss == "binary_cross_entropy":
        Y = (X[:1] * X[1:2] > 0).astype(float)
    else:
        Y = 0.5 * np.tanh(rng.standard_normal((n_out, M)))
    return X.astype(dtype), Y.astype(dtype)


# the compiled engines: "compiled" is the per-example loop on these small steps
COMPILED = ["compiled", compiled.VectorizedEngine]


def _trained(hidden, output, loss, optimizer, l1, l2, dtype="float64", epochs=EPOCHS,
             learning_rate=0.05):
    """The network trained by each engine: [(NumPy's net, history), (the loop's net,
    history), (the vectorized pass's net, history)]."""
    n_out = 1 if output == "sigmoid" and loss == "binary_cross_entropy" else 3
    X, Y = _data(n_out, loss, dtype)
    out = []
    for engine in ("numpy", *COMPILED):
        net = glassnet.Network([3, 5, 4, n_out], hidden, output=output, loss=loss, seed=1,
                               dtype=dtype, l1=l1, l2=l2)
        history = train(net, X, Y, epochs=epochs, batch_size=B, seed=3, optimizer=optimizer,
                        learning_rate=learning_rate, engine=engine, progress=False)
        out.append((net, history))
    return out


def _relative(a, b):
    return np.max(np.abs(a - b)) / np.max(np.abs(a))


def _check_equal(hidden, output, loss, optimizer, regularization):
    for l1, l2 in regularization:
        (a, ha), *others = _trained(hidden, output, loss, optimizer, l1, l2)
        assert not np.array_equal(a.parameters, glassnet.Network(
            [3, 5, 4, a.sizes[-1]], hidden, output=output, loss=loss, seed=1).parameters)
        for engine, (b, hb) in zip(COMPILED, others, strict=True):
            assert _relative(a.parameters, b.parameters) <= _TOLERANCE[_name(optimizer)], (
                engine, l1, l2)
            assert _relative(np.array(ha.cost), np.array(hb.cost)) <= 1e-12, (engine, l1, l2)


def _name(optimizer):
    return optimizer if isinstance(optimizer, str) else "nesterov"


# RMSProp and Adam divide by √S + ε: a gradient component that cancels to ~1e-17 (whose
# every digit is the order of its sums) moves θ by up to α·1e-17/ε = 5e-11, so their
# parameters agree to 1e-11 of the largest one; the others to 1e-12, their costs all to 1e-12
_TOLERANCE = {"sgd": 1e-12, "momentum": 1e-12, "classic_momentum": 1e-12, "nesterov": 1e-12,
              "rmsprop": 1e-11, "adam": 1e-11}
_OPTIMIZER_IDS = {"ids": lambda o: _name(o)}


@pytest.mark.parametrize("optimizer", OPTIMIZERS, **_OPTIMIZER_IDS)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_every_hidden_activation_and_optimizer_equal_in_float64(hidden, optimizer):
    _check_equal(hidden, "sigmoid", "binary_cross_entropy", optimizer,
                 [REGULARIZATION[0], REGULARIZATION[-1]])


@pytest.mark.parametrize("optimizer", OPTIMIZERS, **_OPTIMIZER_IDS)
@pytest.mark.parametrize("output, loss", OUTPUTS)
def test_every_output_loss_and_optimizer_equal_in_float64(output, loss, optimizer):
    _check_equal("tanh", output, loss, optimizer, [REGULARIZATION[0], REGULARIZATION[-1]])


@pytest.mark.parametrize("optimizer", OPTIMIZERS, **_OPTIMIZER_IDS)
def test_l1_alone_and_l2_alone_equal_in_float64(optimizer):
    _check_equal("tanh", "linear", "half_squared_error", optimizer, REGULARIZATION[1:3])


@pytest.mark.parametrize("optimizer", OPTIMIZERS, **_OPTIMIZER_IDS)
@pytest.mark.parametrize("output, loss", OUTPUTS[:3])
def test_100_steps_equal_to_float32_rounding(output, loss, optimizer):
    for l1, l2 in REGULARIZATION:
        (a, ha), *others = _trained("tanh", output, loss, optimizer, l1, l2,
                                    dtype="float32", learning_rate=0.01)
        for engine, (b, hb) in zip(COMPILED, others, strict=True):
            assert a.parameters.dtype == b.parameters.dtype == np.float32
            # 100 steps, each rounding to float32 (ε = 1.2e-7) in its own order
            assert _relative(a.parameters, b.parameters) <= 2e-5, (engine, l1, l2)
            assert _relative(np.array(ha.cost), np.array(hb.cost)) <= 2e-5, (engine, l1, l2)


# the benchmark's networks (benchmarks/workloads.py): (sizes, hidden g, output g, B, m);
# m is 2.5 minibatches, so that each epoch ends on a smaller one
WORKLOADS = {"playground": ([2, 8, 8, 1], "tanh", "sigmoid", 10, 25),
             "digits": ([64, 128, 10], "relu", "softmax", 64, 160),
             "wide": ([784, 512, 512, 10], "relu", "softmax", 256, 640)}


@pytest.mark.parametrize("dtype, tolerance", [("float64", 1e-12), ("float32", 2e-5)])
@pytest.mark.parametrize("workload", WORKLOADS)
def test_each_benchmark_network_trains_the_same_on_every_engine(workload, dtype, tolerance):
    """6 steps of SGD with L2 on each shape (as the benchmark trains): "compiled" picks the loop on the playground's
    network, the vectorized pass on digits' and wide's; all three engines agree."""
    sizes, hidden, output, B, m = WORKLOADS[workload]
    rng = np.random.default_rng(11)
    X = rng.random((sizes[0], m)).astype(dtype)
    Y = np.eye(sizes[-1])[:, rng.integers(0, sizes[-1], m)].astype(dtype)[:sizes[-1]]
    Y = (X[:1] > 0.5).astype(dtype) if sizes[-1] == 1 else Y
    picked = compiled.engine_for("compiled", glassnet.Network(sizes, hidden, output=output),
                                 glassnet.optimizers.get("sgd"), None, B)
    assert picked is (compiled.CompiledEngine if workload == "playground"
                      else compiled.VectorizedEngine)
    results = []
    for engine in ("numpy", compiled.CompiledEngine, compiled.VectorizedEngine):
        net = glassnet.Network(sizes, hidden, output=output, seed=2, dtype=dtype, l2=0.01)
        history = train(net, X, Y, epochs=2, batch_size=B, seed=5, optimizer="sgd",
                        learning_rate=0.1, engine=engine, progress=False)
        results.append((net.parameters, np.array(history.cost)))
    (theta, cost), *others = results
    assert not np.array_equal(theta, glassnet.Network(sizes, hidden, output=output, seed=2,
                                                      dtype=dtype).parameters)
    for other_theta, other_cost in others:
        assert _relative(theta, other_theta) <= tolerance
        assert _relative(cost, other_cost) <= tolerance


def test_sample_weights_step_the_same_on_the_loop_and_the_vectorized_pass():
    """The estimators' weighted steps (each example's loss counted s_i times, divided by
    Σ s_i of its minibatch): the vectorized pass as the loop (which test_estimators_engine
    holds to NumPy's)."""
    X, Y = _data(3, "categorical_cross_entropy", "float64")
    s = np.random.default_rng(8).random(M) * 2
    order = np.random.default_rng(9).permutation(M)
    nets = []
    for engine in (compiled.CompiledEngine, compiled.VectorizedEngine):
        net = glassnet.Network([3, 5, 3], "elu", seed=4, l1=0.01)
        opt = glassnet.optimizers.get("rmsprop")
        runner = engine(net, X, Y, B)
        penalties = [runner.steps(order, opt, 0.01, s) for _ in range(25)]
        nets.append((net.parameters, np.array(penalties), runner.outputs.copy()))
    (a, pa, oa), (b, pb, ob) = nets
    assert _relative(a, b) <= 1e-11 and _relative(pa, pb) <= 1e-12
    assert _relative(oa, ob) <= 1e-12


@pytest.mark.parametrize("l1, l2", REGULARIZATION)
def test_plain_sgd_folded_into_the_product_steps_as_numpy(l1, l2):
    """The vectorized pass takes plain SGD's step inside the dW product (W := βW − α dZ
    A[l−1]ᵀ, β = 1 − αλ₂/m̃_b; L1 by a pass first): against NumPy's engine with a smaller
    last minibatch (m = 20, B = 6: 6, 6, 6, 2), and against the loop (held to NumPy's by
    test_estimators_engine) with sample weights too. net.gradients is never written."""
    X, Y = _data(3, "categorical_cross_entropy", "float64")
    results = []
    for engine in ("numpy", compiled.VectorizedEngine):
        net = glassnet.Network([3, 5, 4, 3], "leaky_relu", seed=3, l1=l1, l2=l2)
        history = train(net, X, Y, epochs=25, batch_size=6, seed=2, optimizer="sgd",
                        learning_rate=0.1, engine=engine, progress=False)
        results.append((net, np.array(history.cost)))
    (a, ca), (b, cb) = results
    assert not np.array_equal(a.parameters, glassnet.Network(
        [3, 5, 4, 3], "leaky_relu", seed=3).parameters)
    assert _relative(a.parameters, b.parameters) <= 1e-12 and _relative(ca, cb) <= 1e-12
    assert not b.gradients.any()
    s = np.random.default_rng(8).random(M) * 2
    order = np.random.default_rng(9).permutation(M)
    weighted = []
    for engine in (compiled.CompiledEngine, compiled.VectorizedEngine):
        net = glassnet.Network([3, 5, 4, 3], "relu", seed=4, l1=l1, l2=l2)
        runner = engine(net, X, Y, 6)
        penalties = [runner.steps(order, glassnet.optimizers.get("sgd"), 0.1, s)
                     for _ in range(25)]
        weighted.append((net.parameters, np.array(penalties), runner.outputs.copy()))
    (a, pa, oa), (b, pb, ob) = weighted
    assert _relative(a, b) <= 1e-12 and _relative(oa, ob) <= 1e-12
    assert (l1, l2) == (0.0, 0.0) or _relative(pa, pb) <= 1e-12


def test_the_optimizer_goes_on_across_engines():
    """2 compiled epochs then 2 NumPy ones (one Adam, its t and moments kept) = 4 NumPy."""
    X, Y = _data(1, "binary_cross_entropy", "float64")
    nets = [glassnet.Network([3, 5, 1], "tanh", seed=2) for _ in range(2)]
    for engines, net in ((["numpy", "numpy"], nets[0]), (["compiled", "numpy"], nets[1])):
        opt = glassnet.optimizers.get("adam")
        for engine in engines:
            train(net, X, Y, epochs=2, batch_size=B, seed=4, optimizer=opt, engine=engine,
                  learning_rate=0.01)
        assert opt.t == 16
    assert _relative(nets[0].parameters, nets[1].parameters) <= 1e-12


def test_divergence_is_detected_the_same():
    errors = []
    for engine in ("numpy", "compiled"):
        net = glassnet.Network([3, 6, 3], "relu", output="linear", loss="mean_squared_error",
                               seed=0)
        X, Y = _data(3, "mean_squared_error", "float64")
        with pytest.raises(DivergenceError) as caught:
            train(net, X, 50 * Y, epochs=50, batch_size=B, seed=1, learning_rate=5.0,
                  engine=engine)
        errors.append((caught.value, net.parameters.copy()))
    (a, pa), (b, pb) = errors
    assert (a.epoch, a.reason, a.restored_epoch) == (b.epoch, b.reason, b.restored_epoch)
    assert a.suggested_rate == b.suggested_rate
    assert np.all(np.isfinite(pb)) and _relative(pa, pb) <= 1e-12


def test_nan_from_an_overflow_is_a_divergence_not_a_silent_nan():
    net = glassnet.Network([3, 4, 1], "relu", output="linear", loss="half_squared_error",
                           seed=0)
    X, Y = _data(1, "half_squared_error", "float64")
    start = net.parameters.copy()
    with pytest.raises(DivergenceError):
        train(net, 1e200 * X, Y, epochs=3, batch_size=B, engine="compiled")
    assert np.array_equal(net.parameters, start)


def test_batch_descent_and_a_strided_X():
    """One batch of all m (the order ignored) and X given as a transposed view."""
    X, Y = _data(3, "categorical_cross_entropy", "float64")
    nets = []
    for engine, X_in in (("numpy", X), ("compiled", np.ascontiguousarray(X.T).T[:, :])):
        net = glassnet.Network([3, 4, 3], "swish", seed=5)
        train(net, X_in, Y, epochs=30, optimizer="momentum", engine=engine)
        nets.append(net)
    assert _relative(nets[0].parameters, nets[1].parameters) <= 1e-12


def test_auto_and_compiled_pick_the_loop_for_small_steps_and_the_vectorized_pass_above():
    """n_W·B ≤ 3,000: the playground's 88 weights × 10 and up to B = 34 the loop; the
    digits network's 9472 weights the vectorized pass even for B = 1; the edge case."""
    for engine in (compiled.CompiledEngine, compiled.VectorizedEngine):
        warmup.compile("float64", engine)  # "auto" takes an engine once its code is ready
    playground = glassnet.Network([2, 8, 8, 1], "tanh")
    digits = glassnet.Network([64, 128, 10], "relu")
    edge = glassnet.Network([60, 1], "sigmoid")  # n_W = 60: B = 50 is exactly 3,000
    sgd = glassnet.optimizers.get("sgd")
    NumpyEngine = glassnet.epochs.NumpyEngine
    loop, vectorized = compiled.CompiledEngine, compiled.VectorizedEngine
    assert compiled.AUTO_MAX_WORK == 3_000
    for spec in ("auto", "compiled"):
        picks = {(net.sizes[0], B): compiled.engine_for(spec, net, sgd, NumpyEngine, B)
                 for net, B in ((playground, 10), (playground, 34), (playground, 35),
                                (digits, 1), (edge, 50), (edge, 51))}
        assert picks == {(2, 10): loop, (2, 34): loop, (2, 35): vectorized,
                         (64, 1): vectorized, (60, 50): loop, (60, 51): vectorized}
    assert compiled.engine_for("numpy", playground, sgd, NumpyEngine, 10) is NumpyEngine


def _kernel_blas_threads():
    """The threads of the BLAS the kernel calls (compiled.load_blas), as threadpoolctl
    reads them."""
    path = os.path.realpath(compiled.load_blas()._name)
    [threads] = [p["num_threads"] for p in threadpool_info()
                 if os.path.realpath(p["filepath"]) == path]
    return threads


class _Watched(compiled.VectorizedEngine):
    """The vectorized pass, noting the BLAS threads its kernel runs with (``seen``);
    ``one_thread``: as the class is built (None: by ONE_THREAD_MAX_WORK)."""

    seen: list = []
    one_thread = None

    def __init__(self, net, X, Y, batch_size):
        decide = type(self).one_thread
        super().__init__(net, X, Y, batch_size)
        self.one_thread = self.one_thread if decide is None else decide

    @staticmethod
    def kernel():
        real = compiled.VectorizedEngine.kernel()

        def run(*args):
            _Watched.seen.append(_kernel_blas_threads())
            return real(*args)

        return run


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="BLAS needs two cores for two threads")
@pytest.mark.parametrize("dtype, tolerance", [("float64", 1e-12), ("float32", 2e-5)])
def test_small_products_run_on_one_blas_thread_with_the_same_results(dtype, tolerance):
    """BLAS allowed two threads: digits' products (64 → 128 → 10, B = 64: at most
    128·64·64 = 524,288 multiply-adds) run on one while the kernel runs and on two again
    after, and give the two-thread run's parameters to rounding (float32's sums are split
    differently); the wide network's (512·784·256 = 102,760,448) keep both threads."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((64, 160)).astype(dtype)
    Y = np.eye(10, dtype=dtype)[:, rng.integers(0, 10, 160)]
    assert compiled.ONE_THREAD_MAX_WORK >= 524_288
    results = []
    compiled.load_blas()  # before the limit, so that it holds the kernel's BLAS too
    with threadpool_limits(2):
        for one_thread in (None, False):
            _Watched.seen, _Watched.one_thread = [], one_thread
            net = glassnet.Network([64, 128, 10], "relu", output="softmax", seed=1,
                                   dtype=dtype)
            train(net, X, Y, epochs=2, batch_size=64, seed=0, learning_rate=0.1,
                  engine=_Watched, progress=False)
            results.append(net.parameters)
            assert _Watched.seen == ([1, 1] if one_thread is None else [2, 2])
            assert _kernel_blas_threads() == 2
        wide = glassnet.Network([784, 512, 512, 10], "relu", output="softmax")
        engine = compiled.VectorizedEngine(wide, np.zeros((784, 256)), np.zeros((10, 256)), 256)
        assert engine.one_thread is False
    assert _relative(*results) <= tolerance


def test_auto_in_train_decides_by_the_batch_size(monkeypatch):
    for engine in (compiled.CompiledEngine, compiled.VectorizedEngine):
        warmup.compile("float64", engine)  # auto takes an engine once its code is ready
    built = []
    real = compiled.CompiledEngine.__init__
    monkeypatch.setattr(compiled.CompiledEngine, "__init__",
                        lambda self, *a: built.append((type(self), a[-1])) or real(self, *a))
    X, Y = _data(1, "binary_cross_entropy", "float64")
    for B in (5, None):  # 3·5 + 5·4 + 4·1 = 39 weights: ×5 the loop, batch descent too (×20)
        train(glassnet.Network([3, 5, 4, 1], "tanh"), X, Y, epochs=1, batch_size=B,
              engine="auto")
    big = np.tile(X, 20)  # m = 400: 39 × 400 > 3,000 in batch descent
    train(glassnet.Network([3, 5, 4, 1], "tanh"), big, np.tile(Y, 20), epochs=1,
          engine="auto")
    loop, vectorized = compiled.CompiledEngine, compiled.VectorizedEngine
    assert built == [(loop, 5), (loop, 20), (vectorized, 400)]


def test_an_unknown_engine_name_is_refused():
    net = glassnet.Network([3, 2, 1], "tanh")
    X, Y = _data(1, "binary_cross_entropy", "float64")
    with pytest.raises(ConfigError, match="unknown engine 'fastest'.*auto, numpy, compiled"):
        train(net, X, Y, epochs=1, engine="fastest")


def test_without_numba_compiled_is_refused_and_auto_falls_back(monkeypatch):
    monkeypatch.setattr(compiled, "fast_installed", False)
    net = glassnet.Network([3, 2, 1], "tanh")
    X, Y = _data(1, "binary_cross_entropy", "float64")
    with pytest.raises(ConfigError, match=r"needs Numba and scipy-openblas32: "
                                          r"pip install 'glassnet\[fast\]'"):
        train(net, X, Y, epochs=1, engine="compiled")
    start = net.parameters.copy()
    train(net, X, Y, epochs=1, engine="auto")
    assert not np.array_equal(net.parameters, start)


def test_an_optimizer_it_does_not_know_is_refused_by_name():
    class Halving(glassnet.optimizers.SGD):
        name = "halving_sgd"

    net = glassnet.Network([3, 2, 1], "tanh")
    X, Y = _data(1, "binary_cross_entropy", "float64")
    with pytest.raises(ConfigError, match="cannot train the optimizer 'halving_sgd'"):
        train(net, X, Y, epochs=1, optimizer=Halving(), engine="compiled")
    NumpyEngine = glassnet.epochs.NumpyEngine
    assert compiled.engine_for("auto", net, Halving(), NumpyEngine, 5) is NumpyEngine


def test_a_subclass_under_a_known_name_is_left_to_numpy():
    class Doubled(glassnet.activations.Tanh):  # still named "tanh", computes 2·tanh
        def forward(self, Z, out=None):
            return np.multiply(np.tanh(Z), 2.0, out=out)

    class Sloppy(glassnet.optimizers.Adam):  # still named "adam"
        pass

    net = glassnet.Network.from_layers(3, [glassnet.layers.Dense(4, Doubled()),
                                           glassnet.layers.Dense(1, "sigmoid")])
    NumpyEngine = glassnet.epochs.NumpyEngine
    assert compiled.engine_for("auto", net, glassnet.optimizers.get("sgd"),
                               NumpyEngine, 5) is NumpyEngine
    with pytest.raises(ConfigError, match="cannot train the activation g\\[1\\] = 'tanh'"):
        compiled.engine_for("compiled", net, glassnet.optimizers.get("sgd"), NumpyEngine, 5)
    plain = glassnet.Network([3, 4, 1], "tanh")
    assert compiled.engine_for("auto", plain, Sloppy(), NumpyEngine, 5) is NumpyEngine


def test_fit_takes_the_engine_too():
    X, Y = _data(1, "binary_cross_entropy", "float64")
    nets = [glassnet.Network([3, 4, 1], "elu", seed=6) for _ in range(2)]
    for net, engine in zip(nets, ("numpy", "compiled")):
        net.fit(X, Y, epochs=5, batch_size=B, seed=0, optimizer="rmsprop", engine=engine)
        net.fit(X, Y, epochs=5, batch_size=B, optimizer="rmsprop", engine=engine)
    assert _relative(nets[0].parameters, nets[1].parameters) <= 1e-12


def test_the_command_line_trains_with_either_engine_to_the_same_report(capsys, tmp_path):
    from glassnet.cli import main

    reports = []
    for engine in ("numpy", "compiled"):
        (tmp_path / engine).mkdir()
        assert main(["train", "--epochs", "20", "--engine", engine, "--save",
                     str(tmp_path / engine / "net.npz")]) == 0
        reports.append(capsys.readouterr().out.replace(engine, "ENGINE"))
    assert reports[0] == reports[1] and "test" in reports[0]
    a, b = (glassnet.load(tmp_path / e / "net.npz") for e in ("numpy", "compiled"))
    assert _relative(a.parameters, b.parameters) <= 1e-11  # Adam, the command's default



@pytest.mark.parametrize("engine", [compiled.CompiledEngine, compiled.VectorizedEngine])
def test_after_a_compiled_epoch_the_networks_passes_are_forgotten(engine):
    """The kernels take their steps without the network's passes (the vectorized pass
    with plain SGD never writes dW, db), so net.Z, A, dW … from before training would be
    values of other parameters: they are dropped, and reading them says so."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((2, 20))
    Y = (X[:1] > 0).astype(float)
    net = glassnet.Network([2, 3, 1], seed=0)
    net.forward(X)
    net.backward(Y)
    train(net, X, Y, epochs=2, learning_rate=0.1, batch_size=5, engine=engine)
    for symbol in ("Z", "A", "dZ", "dW", "db"):
        with pytest.raises(NotFittedError, match=rf"{symbol}\[1\]"):
            getattr(net, symbol)[1]
    net.forward(X)  # a pass of the trained parameters is kept again
    assert np.array_equal(net.A[1], net.layers[0].activation.forward(net.W[1] @ X + net.b[1]))


def test_a_fresh_draw_forgets_the_last_pass():
    net = glassnet.Network([2, 3, 1], seed=0)
    net.forward(np.ones((2, 4)))
    net.initialize(seed=1)
    with pytest.raises(NotFittedError, match=r"A\[1\]"):
        net.A[1]


@pytest.mark.parametrize("dtype, tolerance", [("float64", 1e-13), ("float32", 1e-6)])
def test_the_kernels_gemm_in_every_layout_against_numpy(dtype, tolerance):
    """_gemm (C := β·C + α·X Y through scipy-openblas32's cblas) for X and Y each
    C-ordered or a transposed view, on shapes where no two sizes are equal (a swapped
    size or transpose flag cannot pass), against NumPy's own product."""
    compiled._vectorized_kernel()  # builds the compiled _gemm
    rng = np.random.default_rng(5)
    p, k, q = 3, 5, 4
    for x_transposed in (False, True):
        for y_transposed in (False, True):
            X = (rng.standard_normal((k, p)).T if x_transposed
                 else rng.standard_normal((p, k))).astype(dtype)
            Y = (rng.standard_normal((q, k)).T if y_transposed
                 else rng.standard_normal((k, q))).astype(dtype)
            assert X.flags.c_contiguous is not x_transposed
            C = rng.standard_normal((p, q)).astype(dtype)
            expected = 0.7 * C.astype(float) - 0.3 * (X.astype(float) @ Y.astype(float))
            compiled._gemm(-0.3, X, Y, 0.7, C)
            assert C.dtype == dtype
            np.testing.assert_allclose(C, expected, rtol=tolerance, atol=tolerance)


def test_float32_exp_is_within_one_ulp_of_the_correctly_rounded_value():
    """_exp_float32 (softmax's e^z in float32) against e^z in float64 rounded to float32,
    on 400,001 points over [−120, 95] and tiny |z|: at most 1 ulp apart; 0 below e^−104,
    ∞ above 88.8, exactly 1 at ±0, NaN for NaN, as libm's."""
    import numba

    exp = numba.njit(fastmath={"contract"})(compiled._exp_float32)  # as _build compiles it

    @numba.njit
    def each(z, out):
        for i in range(z.shape[0]):
            out[i] = exp(z[i])

    z = np.concatenate([np.linspace(-120, 95, 400_001), -np.logspace(-30, 2, 1001),
                        np.logspace(-30, 1.9, 1001)]).astype(np.float32)
    out = np.empty_like(z)
    each(z, out)
    with np.errstate(over="ignore"):
        expected = np.exp(z.astype(np.float64)).astype(np.float32)
    finite = np.isfinite(expected) & (expected > 0)
    ulps = np.abs(out[finite].view(np.int32).astype(np.int64)
                  - expected[finite].view(np.int32).astype(np.int64))
    assert ulps.max() <= 1
    assert np.array_equal(out[~finite], expected[~finite])  # the zeros and the infinities
    assert (~finite).sum() > 1000  # both ends were reached
    special = np.array([0.0, -0.0, np.nan, np.inf, -np.inf], dtype=np.float32)
    got = np.empty_like(special)
    each(special, got)
    assert got[0] == got[1] == 1.0 and np.isnan(got[2]) and got[3] == np.inf and got[4] == 0.0


def test_minibatches_beyond_the_blas_int_are_refused_or_left_to_numpy():
    """scipy-openblas32 takes 32-bit sizes: a minibatch of 2³¹ examples would be cut to a
    wrong size silently; "compiled" refuses it naming the batch, "auto" takes NumPy's
    engine, and the vectorized pass refuses it before copying X (a broadcast view here)."""
    net = glassnet.Network([1, 1], "sigmoid")
    sgd = glassnet.optimizers.get("sgd")
    NumpyEngine = glassnet.epochs.NumpyEngine
    B = compiled.BLAS_INT_MAX + 1
    assert compiled.engine_for("auto", net, sgd, NumpyEngine, B) is NumpyEngine
    with pytest.raises(ConfigError, match="minibatches of 2,147,483,648 examples"):
        compiled.engine_for("compiled", net, sgd, NumpyEngine, B)
    X = np.broadcast_to(np.zeros((1, 1)), (1, B))
    with pytest.raises(ConfigError, match="minibatches of 2,147,483,648 examples"):
        compiled.VectorizedEngine(net, X, X, B)
    assert compiled.too_large(net, compiled.BLAS_INT_MAX) is None
