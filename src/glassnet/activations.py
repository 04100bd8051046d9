"""Activation functions: the g[l] in A[l] = g[l](Z[l]), each beside its derivative g'(z).

Backpropagation needs dZ[l] = dA[l] * g[l]'(Z[l]) (``*`` is the element-wise product), so
every activation offers three things:

* ``forward(Z)``: A = g(Z), applied element by element (softmax works down each column);
* ``derivative(Z, A)``: g'(Z) element by element, given Z and the A it produced;
* ``backward(dA, Z, A)``: dZ = dA * g'(Z), which for softmax is a Jacobian-vector product.

Settings (the leaky ReLU slope, ELU's α) are checked where they enter, in ``__init__``, so
a network, a saved file and the playground all get the same clear error for a NaN slope.

All functions are written so that no overflow warning is raised for any finite Z: sigmoid
and Mish's softplus go through ``logaddexp``, ELU and SELU through ``expm1`` of the non-positive part, softmax
subtracts each column's maximum first, and the exponential takes z at most ln(the largest
float), where e^z is the largest float instead of an overflow.
"""

import functools
from typing import Any

import numpy as np

from .registry import Named, Registry
from .validation import check_number


class Activation(Named):
    """An activation function g and its derivative g'."""

    #: the function and its derivative in plain text, for summaries and worked solutions
    formula = "g(z)"
    derivative_formula = "g'(z)"
    #: the same in LaTeX, for Markdown renderings
    latex = r"g(z)"
    derivative_latex = r"g'(z)"
    #: the interval A lies in; losses use it to check that they fit the output layer
    output_range = (-np.inf, np.inf)
    #: False for softmax, whose derivative is a matrix per example, not a number per unit
    elementwise = True

    def forward(self, Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """A = g(Z)."""
        raise NotImplementedError

    def derivative(self, Z: np.ndarray, A: np.ndarray) -> np.ndarray:
        """g'(Z), element by element."""
        raise NotImplementedError

    def backward(self, dA: np.ndarray, Z: np.ndarray, A: np.ndarray,
                 out: np.ndarray | None = None) -> np.ndarray:
        """dZ = dA * g'(Z)."""
        return np.multiply(dA, self.derivative(Z, A), out=out)

    def __call__(self, Z: Any) -> Any:
        """g(Z) for an array; for a single number z, g(z) as a number (through a 1 × 1 Z)."""
        if np.isscalar(Z):
            return self.forward(np.full((1, 1), Z, dtype=float))[0, 0]
        return self.forward(Z)


activations = Registry("activation", Activation)


@activations.register
class Sigmoid(Activation):
    """σ(z) = 1 / (1 + e^(−z)); σ'(z) = σ(z)(1 − σ(z)).

    Computed as exp(−log(1 + e^(−z))) with ``logaddexp``, which never overflows: for
    z = −1000 it gives 0 without a warning, for z = 1000 exactly 1.
    """

    name = "sigmoid"
    aliases = ("logistic", "sigma", "σ")
    formula = "σ(z) = 1/(1 + e^−z)"
    derivative_formula = "σ'(z) = σ(z)(1 − σ(z))"
    latex = r"\sigma(z) = \frac{1}{1 + e^{-z}}"
    derivative_latex = r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z))"
    output_range = (0.0, 1.0)

    def forward(self, Z, out=None):
        out = np.negative(Z, out=out)
        np.logaddexp(0.0, out, out=out)  # log(1 + e^(−z)), with no overflow
        np.negative(out, out=out)
        return np.exp(out, out=out)

    def derivative(self, Z, A):
        return A * (1.0 - A)


@activations.register
class Tanh(Activation):
    """tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z)); tanh'(z) = 1 − tanh(z)²."""

    name = "tanh"
    formula = "tanh(z) = (e^z − e^−z)/(e^z + e^−z)"
    derivative_formula = "tanh'(z) = 1 − tanh(z)²"
    latex = r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}"
    derivative_latex = r"\tanh'(z) = 1 - \tanh^2(z)"
    output_range = (-1.0, 1.0)

    def forward(self, Z, out=None):
        return np.tanh(Z, out=out)

    def derivative(self, Z, A):
        return 1.0 - A * A

    def backward(self, dA, Z, A, out=None):
        # dZ = dA − dA·A², three fused calls instead of building 1 − A² separately
        out = np.multiply(A, A, out=out)
        np.multiply(out, dA, out=out)
        return np.subtract(dA, out, out=out)


@activations.register
class ReLU(Activation):
    """ReLU(z) = max(0, z); ReLU'(z) = 1 if z > 0, and 0 if z ≤ 0 (as the notes)."""

    name = "relu"
    formula = "ReLU(z) = max(0, z)"
    derivative_formula = "ReLU'(z) = 1 if z > 0 else 0"
    latex = r"\mathrm{ReLU}(z) = \max(0, z)"
    derivative_latex = r"\mathrm{ReLU}'(z) = \begin{cases} 1 & z > 0 \\ 0 & z \le 0 \end{cases}"
    output_range = (0.0, np.inf)

    def forward(self, Z, out=None):
        # On a large Z, max against a row of zeros rather than the scalar 0: NumPy's
        # maximum is vectorized between two arrays only (twice as fast on 512 × 256)
        zero = _zeros(Z.shape[-1], Z.dtype) if np.size(Z) >= 4096 else 0.0
        return np.maximum(Z, zero, out=out)

    def derivative(self, Z, A):
        return (Z > 0).astype(Z.dtype)

    def backward(self, dA, Z, A, out=None):
        return np.multiply(dA, Z > 0, out=out)


@activations.register
class LeakyReLU(Activation):
    """LeakyReLU(z) = z if z > 0 else slope·z; its derivative is 1 or ``slope`` (0.01)."""

    name = "leaky_relu"
    aliases = ("leakyrelu", "lrelu")

    def __init__(self, slope=0.01):
        # 0 gives ReLU; 1 or more would make the negative side as steep as the positive
        self.slope = check_number(slope, "the leaky ReLU slope", 0.0, 1.0, high_open=True)

    def _params(self):
        return {"slope": self.slope}

    @property
    def formula(self):
        return f"LeakyReLU(z) = z if z > 0 else {self.slope:g}·z"

    @property
    def derivative_formula(self):
        return f"LeakyReLU'(z) = 1 if z > 0 else {self.slope:g}"

    @property
    def latex(self):
        return rf"\mathrm{{LeakyReLU}}(z) = \max({self.slope:g}z, z)"

    @property
    def derivative_latex(self):
        return (rf"\mathrm{{LeakyReLU}}'(z) = \begin{{cases}} 1 & z > 0 \\ {self.slope:g} "
                r"& z \le 0 \end{cases}")

    def forward(self, Z, out=None):
        return np.multiply(Z, np.where(Z > 0, 1.0, self.slope).astype(Z.dtype), out=out)

    def derivative(self, Z, A):
        return np.where(Z > 0, 1.0, self.slope).astype(Z.dtype)


@activations.register
class ELU(Activation):
    """ELU(z) = z if z > 0 else α(e^z − 1); ELU'(z) = 1 if z > 0 else α·e^z (α = 1)."""

    name = "elu"
    formula = "ELU(z) = z if z > 0 else α(e^z − 1)"
    derivative_formula = "ELU'(z) = 1 if z > 0 else α·e^z"
    latex = r"\mathrm{ELU}(z) = \begin{cases} z & z > 0 \\ \alpha (e^{z} - 1) & z \le 0 \end{cases}"
    derivative_latex = r"\mathrm{ELU}'(z) = \begin{cases} 1 & z > 0 \\ \alpha e^{z} & z \le 0 \end{cases}"

    def __init__(self, alpha=1.0):
        self.alpha = check_number(alpha, "the ELU α", 0.0, low_open=True)
        self.scale = 1.0

    def _params(self):
        return {"alpha": self.alpha}

    @property
    def output_range(self):
        return (-self.scale * self.alpha, np.inf)

    def forward(self, Z, out=None):
        # expm1 of min(z, 0): no overflow for large positive z, exact near 0
        negative_part = self.alpha * np.expm1(np.minimum(Z, 0.0))
        return np.multiply(np.where(Z > 0, Z, negative_part), self.scale, out=out)

    def derivative(self, Z, A):
        return self.scale * np.where(Z > 0, 1.0, self.alpha * np.exp(np.minimum(Z, 0.0))).astype(Z.dtype)


@activations.register
class SELU(ELU):
    """SELU(z) = λ·ELU_α(z) with λ ≈ 1.0507 and α ≈ 1.6733 (self-normalizing constants)."""

    name = "selu"
    formula = "SELU(z) = λ·(z if z > 0 else α(e^z − 1))"
    derivative_formula = "SELU'(z) = λ if z > 0 else λα·e^z"
    latex = r"\mathrm{SELU}(z) = \lambda \begin{cases} z & z > 0 \\ \alpha (e^{z} - 1) & z \le 0 \end{cases}"
    derivative_latex = r"\mathrm{SELU}'(z) = \lambda \begin{cases} 1 & z > 0 \\ \alpha e^{z} & z \le 0 \end{cases}"

    def __init__(self):
        super().__init__(alpha=1.6732632423543772)  # λ and α are SELU's constants, not settings
        self.scale = 1.0507009873554805

    def _params(self):
        return {}


@activations.register
class Linear(Activation):
    """The identity g(z) = z, g'(z) = 1: the output of a regression network."""

    name = "linear"
    aliases = ("identity", "none")
    formula = "g(z) = z"
    derivative_formula = "g'(z) = 1"
    latex = r"g(z) = z"
    derivative_latex = r"g'(z) = 1"

    def forward(self, Z, out=None):
        if out is None:
            return Z.copy()
        np.copyto(out, Z)
        return out

    def derivative(self, Z, A):
        return np.ones_like(Z)

    def backward(self, dA, Z, A, out=None):
        return self.forward(dA, out=out)


@activations.register
class Exponential(Activation):
    """exp(z) = e^z; exp'(z) = e^z = a: the output of a count (Poisson) regression.

    With the half Poisson deviance it is the canonical pair, dZ[L] = A[L] − Y (the log
    link of scikit-learn's ``MLPRegressor(loss="poisson")``, whose ``out_activation_`` is
    "exp"). z is taken at most ln(the largest float) (≈ 709.78 in float64, 88.72 in
    float32), so that a huge z gives the largest float, not an overflow to inf.
    """

    name = "exponential"
    aliases = ("exp",)
    formula = "exp(z) = e^z"
    derivative_formula = "exp'(z) = e^z"
    latex = r"\exp(z) = e^{z}"
    derivative_latex = r"\exp'(z) = e^{z}"
    output_range = (0.0, np.inf)

    def forward(self, Z, out=None):
        return np.exp(np.minimum(Z, _largest_exponent(Z.dtype)), out=out)

    def derivative(self, Z, A):
        return A.copy()

    def backward(self, dA, Z, A, out=None):
        return np.multiply(dA, A, out=out)


@functools.lru_cache(maxsize=4)
def _largest_exponent(dtype):
    """The largest z of ``dtype`` whose e^z is finite."""
    z = np.log(np.finfo(dtype).max).astype(dtype)
    with np.errstate(over="ignore"):
        while not np.isfinite(np.exp(z)):
            z = np.nextafter(z, dtype.type(0))
    return z


@activations.register
class Swish(Activation):
    """Swish(z) = z·σ(z) (also called SiLU); Swish'(z) = σ(z) + z·σ(z)(1 − σ(z))."""

    name = "swish"
    aliases = ("silu",)
    formula = "swish(z) = z·σ(z)"
    derivative_formula = "swish'(z) = σ(z) + z·σ(z)(1 − σ(z))"
    latex = r"\mathrm{swish}(z) = z\,\sigma(z)"
    derivative_latex = r"\mathrm{swish}'(z) = \sigma(z) + z\,\sigma(z)(1 - \sigma(z))"
    output_range = (-0.2785, np.inf)

    def forward(self, Z, out=None):
        return np.multiply(Z, Sigmoid().forward(Z), out=out)

    def derivative(self, Z, A):
        s = Sigmoid().forward(Z)
        return s + Z * s * (1.0 - s)


@activations.register
class Mish(Activation):
    """Mish(z) = z·tanh(softplus(z)), softplus(z) = log(1 + e^z);
    Mish'(z) = tanh(softplus(z)) + z·σ(z)·(1 − tanh²(softplus(z))), as softplus' = σ.

    softplus goes through ``logaddexp`` and σ through ``Sigmoid``, so no |z| overflows:
    for z → +∞, tanh(softplus(z)) = 1 and the second term is z·0; for z → −∞ both vanish.
    """

    name = "mish"
    formula = "mish(z) = z·tanh(softplus(z))"
    derivative_formula = "mish'(z) = tanh(softplus(z)) + z·σ(z)(1 − tanh²(softplus(z)))"
    latex = r"\mathrm{mish}(z) = z \tanh(\ln(1 + e^{z}))"
    derivative_latex = (r"\mathrm{mish}'(z) = \tanh(\ln(1 + e^{z})) + z\,\sigma(z)"
                        r"\left(1 - \tanh^2(\ln(1 + e^{z}))\right)")
    output_range = (-0.3089, np.inf)  # the minimum, at z ≈ −1.19, is −0.30884

    def forward(self, Z, out=None):
        return np.multiply(Z, _tanh_softplus(Z), out=out)

    def derivative(self, Z, A):
        t = _tanh_softplus(Z)
        return t + Z * Sigmoid().forward(Z) * (1.0 - t * t)


def _tanh_softplus(Z):
    """tanh(log(1 + e^z)), with ``logaddexp`` for the softplus."""
    return np.tanh(np.logaddexp(np.zeros((), Z.dtype), Z))


@activations.register
class Softmax(Activation):
    """softmax(z)_k = e^(z_k) / Σ_j e^(z_j), taken down each column (one example).

    Its derivative is a matrix per example, ∂a_k/∂z_j = a_k(δ_kj − a_j), so ``backward``
    returns the product dZ = A * (dA − Σ_k A_k dA_k) instead of an element-wise g'(Z).
    With categorical cross-entropy the two meet in the notes' shortcut dZ = A − Y.
    """

    name = "softmax"
    formula = "softmax(z)ₖ = e^zₖ / Σⱼ e^zⱼ"
    derivative_formula = "∂aₖ/∂zⱼ = aₖ(δₖⱼ − aⱼ)"
    latex = r"\mathrm{softmax}(z)_k = \frac{e^{z_k}}{\sum_j e^{z_j}}"
    derivative_latex = r"\frac{\partial a_k}{\partial z_j} = a_k(\delta_{kj} - a_j)"
    output_range = (0.0, 1.0)
    elementwise = False

    def forward(self, Z, out=None):
        out = np.subtract(Z, Z.max(axis=0, keepdims=True), out=out)
        np.exp(out, out=out)
        out /= out.sum(axis=0, keepdims=True)
        return out

    def derivative(self, Z, A):
        raise NotImplementedError(
            "softmax has no element-wise derivative; use backward(dA, Z, A) for dZ"
        )

    def backward(self, dA, Z, A, out=None):
        weighted = np.sum(dA * A, axis=0, keepdims=True)
        out = np.subtract(dA, weighted, out=out)
        return np.multiply(out, A, out=out)


@functools.lru_cache(maxsize=8)
def _zeros(n, dtype):
    """A read-only row of n zeros, kept for reuse."""
    row = np.zeros(n, dtype=dtype)
    row.flags.writeable = False
    return row


def get(spec):
    """The activation that ``spec`` names (a name, a config dict or an Activation)."""
    return activations.get(spec)
