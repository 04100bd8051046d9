"""Where the engines cross: µs per step of each engine on networks of growing work n_W·B.

``python -m benchmarks.crossover`` trains each network of ``NETWORKS`` for a few epochs with
each engine in turn (round after round, as benchmarks.run does), one BLAS thread, float32,
and prints the median CPU time per step of NumPy's engine, the compiled per-example loop
and the compiled vectorized pass: the figures behind ``glassnet.compiled.AUTO``.
"""

import statistics
import time

import numpy as np
import scipy.linalg  # noqa: F401  (loads the BLAS Numba calls, so that the limit holds it)
from threadpoolctl import threadpool_limits

import glassnet
from glassnet import compiled
from glassnet.epochs import NumpyEngine
from glassnet.training import train

#: (sizes, B) from the playground's network to the benchmark's wide one
NETWORKS = [([2, 8, 8, 1], 10), ([2, 4, 1], 100), ([2, 8, 8, 1], 32), ([2, 16, 16, 1], 10),
            ([5, 16, 1], 32), ([2, 16, 16, 1], 16), ([2, 8, 8, 1], 64),
            ([2, 16, 16, 1], 32), ([2, 32, 32, 1], 10),
            ([10, 32, 1], 32), ([64, 32, 10], 64), ([64, 128, 10], 64),
            ([784, 512, 512, 10], 256)]
ENGINES = {"numpy": NumpyEngine, "loop": compiled.CompiledEngine,
           "vectorized": compiled.VectorizedEngine}


def work(sizes, B):
    """n_W·B: the weights Σ n[l]·n[l−1] of ``sizes`` times the minibatch size B."""
    return B * sum(a * b for a, b in zip(sizes, sizes[1:], strict=False))


def per_step(sizes, B, dtype="float32", rounds=5):
    """Median CPU µs per step of each engine on ``sizes`` with minibatches of B."""
    rng = np.random.default_rng(0)
    steps = max(4, min(400, 2_000_000 // work(sizes, B)))
    m = steps * B
    X = rng.standard_normal((sizes[0], m)).astype(dtype)
    Y = np.eye(sizes[-1])[:, rng.integers(0, sizes[-1], m)].astype(dtype)
    output = "sigmoid" if sizes[-1] == 1 else "softmax"
    Y = Y[:1] if sizes[-1] == 1 else Y
    times = {name: [] for name in ENGINES}
    for _ in range(rounds + 1):
        for name, engine in ENGINES.items():
            net = glassnet.Network(sizes, "relu", output=output, seed=0, dtype=dtype)
            start = time.process_time()
            train(net, X, Y, epochs=2, batch_size=B, seed=0, learning_rate=0.01,
                  engine=engine, progress=False)
            times[name].append((time.process_time() - start) / (2 * steps) * 1e6)
    return {name: statistics.median(t[1:]) for name, t in times.items()}


def main(networks=NETWORKS):
    with threadpool_limits(1):
        print("| network | B | n_W·B | NumPy µs/step | loop µs/step | vectorized µs/step |")
        print("|---|---|---|---|---|---|")
        for sizes, B in networks:
            t = per_step(sizes, B)
            print(f"| {' → '.join(map(str, sizes))} | {B} | {work(sizes, B):,} | {t['numpy']:,.1f} | "
                  f"{t['loop']:,.1f} | {t['vectorized']:,.1f} |", flush=True)


if __name__ == "__main__":
    main()
