"""PyTorch autograd as an independent oracle for glassnet's cost J and every dW[l], db[l].

The network is rebuilt in torch from glassnet's own W[l] and b[l], in float64, with the
forward pass, the losses and the regularization term written here from their formulas;
autograd then differentiates J. Random architectures (L = 1 … 4, n[l] = 1 … 5, m = 1 and
m > 1), every activation as a hidden and as an output layer, every loss, L1 and L2.

On CI (``CI`` set) a missing torch fails the run instead of skipping the oracle.
"""

import os
import zlib

import numpy as np
import pytest

import glassnet as gn
from glassnet.activations import activations
from glassnet.losses import losses

if os.environ.get("CI"):
    import torch  # on CI the oracle must run: an ImportError here fails the suite
else:
    torch = pytest.importorskip("torch")

torch.set_num_threads(1)
F = torch.nn.functional

HIDDEN = [n for n in activations.names() if n != "softmax"]

# g(z) in torch, one entry per glassnet activation: the test below fails on a new one
TORCH_G = {
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda Z: F.leaky_relu(Z, 0.01),
    "elu": lambda Z: F.elu(Z, 1.0),
    "selu": F.selu,
    "linear": lambda Z: Z,
    "swish": F.silu,
    "mish": F.mish,
    "exponential": torch.exp,
    "softmax": lambda Z: torch.softmax(Z, dim=0),  # examples are columns
}

# L(a, y) summed over output units, one column per example: shape (m,)
TORCH_L = {
    "binary_cross_entropy": lambda A, Y: -(Y * torch.log(A) + (1 - Y) * torch.log1p(-A)).sum(0),
    "categorical_cross_entropy": lambda A, Y: -(Y * torch.log(A)).sum(0),
    "half_squared_error": lambda A, Y: 0.5 * ((A - Y) ** 2).sum(0),
    "mean_squared_error": lambda A, Y: ((A - Y) ** 2).mean(0),
    # y·log(y/a) as y·(log y − log a) with log 1 where y = 0: autograd's d/da is then −y/a
    "half_poisson_deviance": lambda A, Y: (
        Y * (torch.log(torch.where(Y > 0, Y, 1.0)) - torch.log(A)) - Y + A).sum(0),
}

OUTPUT_FOR = {"binary_cross_entropy": "sigmoid", "categorical_cross_entropy": "softmax",
              "half_poisson_deviance": "exponential"}
# outputs a > 0 on which the Poisson loss takes the general chain rule dA * g'(Z)
POISSON_GENERAL = ("sigmoid", "softmax")


def test_oracle_covers_every_activation_and_loss():
    assert set(TORCH_G) == set(activations.names())
    assert set(TORCH_L) == set(losses.names())


def _targets(rng, loss, n_L, m):
    if loss == "binary_cross_entropy":
        return rng.integers(0, 2, (n_L, m)).astype(float)
    if loss == "categorical_cross_entropy":
        return np.eye(n_L)[:, rng.integers(0, n_L, m)]
    if loss == "half_poisson_deviance":  # counts, zeros among them
        return rng.poisson(1.5, (n_L, m)).astype(float)
    return rng.standard_normal((n_L, m))


def _torch_cost_and_grads(net, X, Y, l1, l2):
    """J and (dW[l], db[l]) for l = 1 … L, by autograd on a torch copy of ``net``."""
    W = [torch.tensor(net.W[l], requires_grad=True) for l in range(1, net.L + 1)]
    b = [torch.tensor(net.b[l], requires_grad=True) for l in range(1, net.L + 1)]
    A = torch.tensor(X)
    for l, layer in enumerate(net.layers):
        A = TORCH_G[layer.activation.name](W[l] @ A + b[l])
    m = X.shape[1]
    J = TORCH_L[net.loss.name](A, torch.tensor(Y)).mean()
    J = J + l2 / (2 * m) * sum((w ** 2).sum() for w in W) + l1 / m * sum(w.abs().sum() for w in W)
    J.backward()  # fills w.grad and c.grad
    return J.item(), [(w.grad.numpy(), c.grad.numpy()) for w, c in zip(W, b, strict=True)]


def _relative(a, b):
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denominator == 0 else float(np.linalg.norm(np.subtract(a, b)) / denominator)


def _cases():
    cases = []
    for loss in losses.names():
        outputs = [OUTPUT_FOR[loss]] if loss in OUTPUT_FOR else activations.names()
        for i, g in enumerate(HIDDEN):
            for reg in ("none", "l1", "l2"):
                cases.append((g, outputs[i % len(outputs)], loss, reg))
        if loss not in OUTPUT_FOR:  # every activation as the output, general chain rule
            cases += [(HIDDEN[0], out, loss, "l2") for out in activations.names()]
        if loss == "half_poisson_deviance":
            cases += [(HIDDEN[0], out, loss, "l2") for out in POISSON_GENERAL]
    return cases


@pytest.mark.parametrize(("hidden", "output", "loss", "reg"), _cases())
def test_gradients_and_cost_equal_torch_autograd(hidden, output, loss, reg):
    seed = zlib.crc32(f"{hidden} {output} {loss} {reg}".encode())  # the same on every run
    rng = np.random.default_rng(seed)
    L = int(rng.integers(1, 5))
    if hidden == "exponential":  # e^(e^(e^z)) overflows: one exponential hidden layer
        L = min(L, 2)
    n_L = int(rng.integers(2, 4)) if output == "softmax" else int(rng.integers(1, 4))
    sizes = [int(n) for n in rng.integers(1, 6, L)] + [n_L]
    m = 1 if seed % 3 == 0 else int(rng.integers(2, 9))
    l1, l2 = {"none": (0.0, 0.0), "l1": (0.3, 0.0), "l2": (0.0, 0.7)}[reg]
    net = gn.Network(sizes, activations=hidden, output=output, loss=loss, seed=seed,
                     l1=l1, l2=l2, initializer="xavier_normal", bias_initializer="normal")
    X = rng.standard_normal((sizes[0], m))
    if hidden == "exponential":  # moderate z, so that no output saturates to 0 and 1
        X *= 0.3
    Y = _targets(rng, loss, n_L, m)

    J, _ = net.gradient(X, Y)
    J_torch, grads_torch = _torch_cost_and_grads(net, X, Y, l1, l2)

    assert _relative(J, J_torch) <= 1e-10, (J, J_torch)
    for l, (dW, db) in enumerate(grads_torch, 1):
        assert _relative(net.dW[l], dW) <= 1e-10, f"dW[{l}]"
        assert _relative(net.db[l], db) <= 1e-10, f"db[{l}]"


def test_oracle_catches_a_wrong_derivative(monkeypatch):
    """The comparison can fail: a tanh' off by 1 % is far beyond the tolerance."""
    tanh = type(gn.activations.get("tanh"))
    monkeypatch.setattr(tanh, "backward", lambda self, dA, Z, A, out=None:
                        np.multiply(dA, 1.01 * (1 - A * A), out=out))
    rng = np.random.default_rng(1)
    net = gn.Network([3, 4, 1], activations="tanh", loss="half_squared_error", seed=1)
    X, Y = rng.standard_normal((3, 5)), rng.standard_normal((1, 5))
    net.gradient(X, Y)
    _, grads_torch = _torch_cost_and_grads(net, X, Y, 0.0, 0.0)
    assert _relative(net.dW[1], grads_torch[0][0]) > 1e-4
