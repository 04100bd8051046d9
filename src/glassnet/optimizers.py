"""Optimizers: how gradient descent turns the gradients into a step.

All of them update the network's flat parameter vector θ (every W[l] and b[l]) from the
flat gradient g (every dW[l] and db[l]) in place, with the learning rate α of the step:

* ``sgd``:       θ := θ − α·g                                   (the notes' update)
* ``momentum``:  V := βV + (1 − β)·g;  θ := θ − α·V            (the notes' form, β = 0.9)
* ``classic_momentum``: v := μv − α·g;  θ := θ + v             (scikit-learn, Keras, PyTorch)
  optionally Nesterov's: θ := θ + μv − α·g. The notes' form with rate α equals the classic
  form with rate α(1 − β): V is v scaled by −1/(α(1 − β)).
* ``rmsprop``:   S := ρS + (1 − ρ)·g²;  θ := θ − α·g / (√S + ε)
* ``adam``:      M := β₁M + (1 − β₁)·g;  S := β₂S + (1 − β₂)·g²;
  M̂ = M / (1 − β₁ᵗ),  Ŝ = S / (1 − β₂ᵗ) (bias correction);  θ := θ − α·M̂ / (√Ŝ + ε)

A step works a piece of at most ``PIECE`` parameters at a time (the same arithmetic, value
by value), so that its intermediate results (α·g, √S + ε, …) take arrays of that size, not
new arrays of every parameter's size at every step.

Each optimizer has a usual learning rate (``default_learning_rate``) used when training
is not given one. Its running averages are its ``state``; ``reset()`` clears them.
"""

from typing import Any

import numpy as np

from .registry import Named, Registry
from .validation import check_fraction, check_non_negative

#: the most parameters a step updates with one NumPy call (256 KiB of float32)
PIECE = 2 ** 16


class Optimizer(Named):
    """One rule for a gradient-descent step on the flat parameter vector."""

    default_learning_rate = 0.1

    def __init__(self) -> None:
        self.state: dict[str, np.ndarray] = {}
        self.t = 0
        self._scratch: dict[str, np.ndarray] = {}  # work arrays for intermediate results, not saved with ``state``

    def reset(self) -> None:
        """Forget the running averages (and the step count t)."""
        self.state = {}
        self.t = 0

    def step(self, theta: np.ndarray, g: np.ndarray, learning_rate: float) -> None:
        """Update θ in place from the gradient g with learning rate α."""
        self.t += 1
        self._update(theta, g, learning_rate)

    def _buffer(self, key, like, scratch=False):
        """The running average ``key`` (zeros at first), shaped like θ; with ``scratch``, a
        work array kept between steps instead, outside ``state``."""
        store = self._scratch if scratch else self.state
        buf = store.get(key)
        if buf is None or buf.shape != like.shape or buf.dtype != like.dtype:
            buf = store[key] = np.zeros_like(like)
        return buf

    def _pieces(self, *arrays):
        """Views of ``arrays`` (θ, g and running averages, all shaped like θ) a piece of at
        most PIECE values at a time, each with a view of a kept work array as long (a
        small network's arrays are one piece, as they are: slicing costs a small step)."""
        n = arrays[0].shape[0]
        work = self._buffer("work", arrays[0][:PIECE], scratch=True)
        if n <= PIECE:
            return ((*arrays, work),)
        return [(*(a[i:i + PIECE] for a in arrays), work[:min(PIECE, n - i)])
                for i in range(0, n, PIECE)]

    def _update(self, theta, g, learning_rate):
        raise NotImplementedError


optimizers = Registry("optimizer", Optimizer)


@optimizers.register
class SGD(Optimizer):
    """Plain gradient descent, θ := θ − α·g (batch, minibatch or stochastic by batch size)."""

    name = "sgd"
    aliases = ("gd", "gradient_descent")

    def _update(self, theta, g, learning_rate):
        for theta_i, g_i, step in self._pieces(theta, g):
            theta_i -= np.multiply(g_i, learning_rate, out=step)  # α·g in the work array


@optimizers.register
class Momentum(Optimizer):
    """The notes' momentum: V := βV + (1 − β)·g, then θ := θ − α·V."""

    name = "momentum"
    aliases = ("notes_momentum", "ema_momentum")

    def __init__(self, beta: float = 0.9) -> None:
        super().__init__()
        self.beta = check_fraction(beta, "momentum β")

    def _params(self):
        return {"beta": self.beta}

    def _update(self, theta, g, learning_rate):
        for theta_i, g_i, V, work in self._pieces(theta, g, self._buffer("V", theta)):
            V *= self.beta
            V += np.multiply(1.0 - self.beta, g_i, out=work)
            theta_i -= np.multiply(learning_rate, V, out=work)


@optimizers.register
class ClassicMomentum(Optimizer):
    """Classic momentum, v := μv − α·g, θ := θ + v (Nesterov: θ := θ + μv − α·g)."""

    name = "classic_momentum"
    aliases = ("heavy_ball", "sgd_momentum")

    def __init__(self, momentum: float = 0.9, nesterov: bool = False) -> None:
        super().__init__()
        self.momentum = check_fraction(momentum, "momentum μ")
        self.nesterov = bool(nesterov)

    def _params(self):
        return {"momentum": self.momentum, "nesterov": self.nesterov}

    def _update(self, theta, g, learning_rate):
        for theta_i, g_i, v, step in self._pieces(theta, g, self._buffer("v", theta)):
            np.multiply(g_i, learning_rate, out=step)  # α·g
            v *= self.momentum
            v -= step
            if self.nesterov:
                theta_i += self.momentum * v - step
            else:
                theta_i += v


@optimizers.register
class RMSProp(Optimizer):
    """RMSProp: S := ρS + (1 − ρ)·g², θ := θ − α·g / (√S + ε)."""

    name = "rmsprop"
    default_learning_rate = 0.001

    def __init__(self, rho: float = 0.9, epsilon: float = 1e-8) -> None:
        super().__init__()
        self.rho = check_fraction(rho, "RMSProp ρ")
        self.epsilon = check_non_negative(epsilon, "ε")

    def _params(self):
        return {"rho": self.rho, "epsilon": self.epsilon}

    def _update(self, theta, g, learning_rate):
        for theta_i, g_i, S, _ in self._pieces(theta, g, self._buffer("S", theta)):
            S *= self.rho
            S += (1.0 - self.rho) * g_i * g_i
            theta_i -= learning_rate * g_i / (np.sqrt(S) + self.epsilon)


@optimizers.register
class Adam(Optimizer):
    """Adam with bias correction (Kingma & Ba's Algorithm 1)."""

    name = "adam"
    default_learning_rate = 0.001

    def __init__(self, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-8) -> None:
        super().__init__()
        self.beta_1 = check_fraction(beta_1, "Adam β₁")
        self.beta_2 = check_fraction(beta_2, "Adam β₂")
        self.epsilon = check_non_negative(epsilon, "ε")

    def _params(self):
        return {"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}

    def _update(self, theta, g, learning_rate):
        pieces = self._pieces(theta, g, self._buffer("M", theta), self._buffer("S", theta))
        for theta_i, g_i, M, S, _ in pieces:
            M *= self.beta_1
            M += (1.0 - self.beta_1) * g_i
            S *= self.beta_2
            S += (1.0 - self.beta_2) * g_i * g_i
            M_hat = M / (1.0 - self.beta_1 ** self.t)
            S_hat = S / (1.0 - self.beta_2 ** self.t)
            theta_i -= learning_rate * M_hat / (np.sqrt(S_hat) + self.epsilon)


def get(spec: Any) -> Optimizer:
    """The optimizer ``spec`` names (a name, a config dict or an Optimizer)."""
    return optimizers.get(spec)
