"""Where the engines cross: µs per step of each engine on networks of growing work n_W·B.

``python -m benchmarks.crossover`` trains each network of ``NETWORKS`` for a few epochs with
each engine in turn (round after round, as benchmarks.run does), one BLAS thread, float32,
and prints the median CPU time per step of NumPy's engine, the compiled per-example loop
and the compiled vectorized pass: the figures behind ``glassnet.compiled.AUTO_MAX_WORK``.
``--threads N`` lets BLAS use N threads (wall time then: CPU time would add the threads'),
and adds the vectorized pass held to one BLAS thread: the figures behind
``glassnet.compiled.ONE_THREAD_MAX_WORK``.
"""

import argparse
import statistics
import time

import numpy as np
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
            ([64, 256, 10], 64), ([64, 128, 10], 256), ([256, 256, 10], 128),
            ([784, 128, 10], 128), ([784, 256, 10], 256), ([784, 512, 512, 10], 256)]


class BlasThreads(compiled.VectorizedEngine):
    """The vectorized pass on BLAS's own threads, whatever its products' size."""

    def __init__(self, net, X, Y, batch_size):
        super().__init__(net, X, Y, batch_size)
        self.one_thread = False


class OneThread(compiled.VectorizedEngine):
    """The vectorized pass on one BLAS thread, whatever its products' size."""

    def __init__(self, net, X, Y, batch_size):
        super().__init__(net, X, Y, batch_size)
        self.one_thread = True


ENGINES = {"numpy": NumpyEngine, "loop": compiled.CompiledEngine, "vectorized": BlasThreads}


def work(sizes, B):
    """n_W·B: the weights Σ n[l]·n[l−1] of ``sizes`` times the minibatch size B."""
    return B * sum(a * b for a, b in zip(sizes, sizes[1:], strict=False))


def per_step(sizes, B, engines, clock, dtype="float32", rounds=5):
    """Median µs per step (of ``clock``) of each engine on ``sizes`` with minibatches of B."""
    rng = np.random.default_rng(0)
    steps = max(30, min(400, 20_000_000 // work(sizes, B)))  # a few hundred ms an engine
    m = steps * B
    X = rng.standard_normal((sizes[0], m)).astype(dtype)
    Y = np.eye(sizes[-1])[:, rng.integers(0, sizes[-1], m)].astype(dtype)
    output = "sigmoid" if sizes[-1] == 1 else "softmax"
    Y = Y[:1] if sizes[-1] == 1 else Y
    times = {name: [] for name in engines}
    for _ in range(rounds + 1):
        for name, engine in engines.items():
            net = glassnet.Network(sizes, "relu", output=output, seed=0, dtype=dtype)
            start = clock()
            train(net, X, Y, epochs=2, batch_size=B, seed=0, learning_rate=0.01,
                  engine=engine, progress=False)
            times[name].append((clock() - start) / (2 * steps) * 1e6)
    return {name: statistics.median(t[1:]) for name, t in times.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    threads = parser.parse_args(argv).threads
    engines = dict(ENGINES, **({"vectorized, 1 thread": OneThread} if threads > 1 else {}))
    clock = time.process_time if threads == 1 else time.perf_counter
    compiled.load_blas()  # the vectorized pass's BLAS, loaded first so that the limit holds it
    with threadpool_limits(threads):
        print("| network | B | n_W·B | " + " | ".join(f"{name} µs/step" for name in engines)
              + " |")
        print("|---|---|---|" + "---|" * len(engines))
        for sizes, B in NETWORKS:
            t = per_step(sizes, B, engines, clock)
            print(f"| {' → '.join(map(str, sizes))} | {B} | {work(sizes, B):,} | "
                  + " | ".join(f"{t[name]:,.1f}" for name in engines) + " |", flush=True)


if __name__ == "__main__":
    main()
