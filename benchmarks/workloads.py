"""The benchmark's workloads: a network, its data, its hyper-parameters, its initial weights.

Every contender trains exactly this: the same architecture on the same examples, with the
same learning rate, batch size and number of epochs, in the same dtype, from the same
initial W[l] and b[l]. Examples are columns (the notes' X of shape (n_x, m)); contenders that
take rows are handed X.T by the harness.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Workload:
    name: str
    sizes: tuple          # [n_x, n[1], …, n[L]]
    hidden: str           # g of the hidden layers: "tanh" or "relu"
    m: int                # examples
    batch_size: int
    learning_rate: float
    epochs: int           # per timed run
    repeats: int          # timed runs (the table reports medians)

    @property
    def output(self):
        """Sigmoid + binary cross-entropy for one output unit, softmax + categorical else."""
        return "sigmoid" if self.sizes[-1] == 1 else "softmax"

    @property
    def steps(self):
        return self.epochs * -(-self.m // self.batch_size)

    def describe(self):
        arch = " → ".join(map(str, self.sizes))
        return (f"{self.name}: {arch}, {self.hidden} + {self.output}, m = {self.m}, "
                f"batch {self.batch_size}, α = {self.learning_rate:g}, {self.epochs} epochs")


def workloads(quick=False):
    """The three workloads of issue 6; ``quick`` shrinks them for the smoke test."""
    if quick:
        return [
            Workload("playground", (2, 8, 8, 1), "tanh", 500, 10, 0.03, 2, 1),
            Workload("digits", (64, 128, 10), "relu", 1797, 64, 0.1, 1, 1),
            Workload("wide", (784, 512, 512, 10), "relu", 1024, 256, 0.01, 1, 1),
        ]
    return [
        Workload("playground", (2, 8, 8, 1), "tanh", 500, 10, 0.03, 30, 7),
        Workload("digits", (64, 128, 10), "relu", 1797, 64, 0.1, 15, 7),
        Workload("wide", (784, 512, 512, 10), "relu", 20000, 256, 0.01, 1, 3),
    ]


def data(workload, dtype):
    """(X, y, Y): X (n_x, m), class labels y (m,) and targets Y (n[L], m), all seeded.

    The examples are stored one per row, as data sets come (a CSV file, scikit-learn's
    loaders) and as PyTorch and scikit-learn take them; X is the notes' view of that
    storage, its transpose (no copy). Every contender reads the same memory.
    """
    rng = np.random.default_rng(0)
    if workload.name == "playground":
        X, y = _circle(workload.m, rng)
    elif workload.name == "digits":
        from sklearn.datasets import load_digits  # scikit-learn's bundled copy, no download

        digits = load_digits()
        X, y = digits.data.T / 16.0, digits.target
    else:
        X, y = _teacher(workload.sizes[0], workload.sizes[-1], workload.m, rng)
    X = np.ascontiguousarray(X.T, dtype=dtype).T
    k = workload.sizes[-1]
    Y = y.reshape(1, -1).astype(dtype) if k == 1 else np.eye(k, dtype=dtype)[:, y]
    return X, y, Y


def _circle(m, rng):
    """TensorFlow Playground's "circle": points in a disc of radius 5, class 1 inside 2.5."""
    r = 5.0 * np.sqrt(rng.uniform(size=m))
    angle = rng.uniform(0.0, 2.0 * np.pi, size=m)
    X = np.vstack([r * np.cos(angle), r * np.sin(angle)])
    return X, (r < 2.5).astype(np.int64)


def _teacher(n_x, k, m, rng):
    """Synthetic data of the wide shape: inputs in [0, 1], labels from a random linear map."""
    X = rng.uniform(size=(n_x, m))
    y = np.argmax(rng.standard_normal((k, n_x)) @ (X - 0.5), axis=0)
    return X, y


def initial_parameters(workload, dtype):
    """W[l], b[l] for l = 1 … L: Xavier-uniform for tanh, He-uniform for ReLU, b = 0."""
    rng = np.random.default_rng(1)
    W, b = [], []
    for n_prev, n in zip(workload.sizes[:-1], workload.sizes[1:], strict=True):
        scale = 6.0 / (n_prev + n) if workload.hidden == "tanh" else 6.0 / n_prev
        W.append(rng.uniform(-np.sqrt(scale), np.sqrt(scale), size=(n, n_prev)).astype(dtype))
        b.append(np.zeros((n, 1), dtype=dtype))
    return W, b
