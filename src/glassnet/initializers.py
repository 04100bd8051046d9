"""Initializers: the values W[l] (and b[l]) hold before the first step of gradient descent.

The notes warn that all-zero weights make every hidden unit compute the same thing
forever (the symmetry problem), and use small random numbers instead: ``0.01·randn``, or
N(0, 0.1); deeper networks do better with Xavier/Glorot or He scaling. ``zeros`` and
``constant`` are kept to show the symmetry problem happen.

Every initializer draws from a NumPy ``Generator`` it is handed, so a seed fixes the whole
run. ``init(rng, shape, dtype)`` returns a new array of ``shape`` = (n[l], n[l-1]); the
fan-in is n[l-1] and the fan-out n[l].
"""

import numpy as np

from .errors import ConfigError
from .registry import Named, Registry
from .validation import check_number


class Initializer(Named):
    """A rule for the starting values of a weight matrix (or bias column)."""

    def init(self, rng, shape, dtype=np.float64):
        raise NotImplementedError


initializers = Registry("initializer", Initializer)


@initializers.register
class Zeros(Initializer):
    """Every entry 0: fine for b[l], the symmetry problem for W[l]."""

    name = "zeros"
    aliases = ("zero",)

    def init(self, rng, shape, dtype=np.float64):
        return np.zeros(shape, dtype=dtype)


@initializers.register
class Constant(Initializer):
    """Every entry the same ``value`` (e.g. TensorFlow Playground's biases, 0.1)."""

    name = "constant"

    def __init__(self, value=0.0):
        self.value = check_number(value, "the constant initializer's value")

    def _params(self):
        return {"value": self.value}

    def init(self, rng, shape, dtype=np.float64):
        return np.full(shape, self.value, dtype=dtype)


@initializers.register
class SmallRandom(Initializer):
    """The notes' ``np.random.randn(n1, n0) * 0.01``: N(0, 0.01²)."""

    name = "small_random"
    aliases = ("randn", "small", "randn_0.01")

    def init(self, rng, shape, dtype=np.float64):
        return (0.01 * rng.standard_normal(shape)).astype(dtype, copy=False)


@initializers.register
class Normal(Initializer):
    """N(0, σ²) with a chosen σ (``std``); the notes' N(0, 0.1) is the default."""

    name = "normal"
    aliases = ("gaussian",)

    def __init__(self, std=0.1):
        self.std = check_number(std, "the normal initializer's std σ", 0.0)

    def _params(self):
        return {"std": self.std}

    def init(self, rng, shape, dtype=np.float64):
        return (self.std * rng.standard_normal(shape)).astype(dtype, copy=False)


@initializers.register
class Uniform(Initializer):
    """U(low, high); TensorFlow Playground starts its weights at U(−0.5, 0.5)."""

    name = "uniform"

    def __init__(self, low=-0.5, high=0.5):
        self.low = check_number(low, "the uniform initializer's low")
        self.high = check_number(high, "the uniform initializer's high")
        if not self.low < self.high or not np.isfinite(self.high - self.low):
            raise ConfigError(
                f"the uniform initializer needs low < high with a finite width high − low, "
                f"got low = {self.low:g}, high = {self.high:g}")

    def _params(self):
        return {"low": self.low, "high": self.high}

    def init(self, rng, shape, dtype=np.float64):
        return rng.uniform(self.low, self.high, shape).astype(dtype, copy=False)


@initializers.register
class XavierNormal(Initializer):
    """Glorot/Xavier normal: N(0, 2 / (fan_in + fan_out)), for tanh and sigmoid layers."""

    name = "xavier_normal"
    aliases = ("glorot_normal", "xavier")

    def init(self, rng, shape, dtype=np.float64):
        fan_out, fan_in = shape
        std = np.sqrt(2.0 / (fan_in + fan_out))
        return (std * rng.standard_normal(shape)).astype(dtype, copy=False)


@initializers.register
class XavierUniform(Initializer):
    """Glorot/Xavier uniform: U(−r, r) with r = √(6 / (fan_in + fan_out))."""

    name = "xavier_uniform"
    aliases = ("glorot_uniform", "glorot")

    def init(self, rng, shape, dtype=np.float64):
        fan_out, fan_in = shape
        r = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-r, r, shape).astype(dtype, copy=False)


@initializers.register
class HeNormal(Initializer):
    """He normal: N(0, 2 / fan_in), for ReLU-family layers."""

    name = "he_normal"
    aliases = ("he", "kaiming", "kaiming_normal")

    def init(self, rng, shape, dtype=np.float64):
        fan_in = shape[1]
        return (np.sqrt(2.0 / fan_in) * rng.standard_normal(shape)).astype(dtype, copy=False)


@initializers.register
class HeUniform(Initializer):
    """He uniform: U(−r, r) with r = √(6 / fan_in)."""

    name = "he_uniform"
    aliases = ("kaiming_uniform",)

    def init(self, rng, shape, dtype=np.float64):
        r = np.sqrt(6.0 / shape[1])
        return rng.uniform(-r, r, shape).astype(dtype, copy=False)


def get(spec):
    """The initializer that ``spec`` names (a name, a config dict or an Initializer)."""
    return initializers.get(spec)


def default_for(activation_name):
    """The usual choice for a layer: He for the ReLU family, Xavier/Glorot otherwise."""
    if activation_name in ("relu", "leaky_relu", "elu", "selu", "swish", "mish"):
        return HeNormal()
    return XavierUniform()
