"""Layers: layer l of a network, its parameters W[l], b[l] and its two passes.

A dense (fully connected) layer with n[l] units takes the activations A[l-1] of the layer
before it, shape (n[l-1], m), and computes

    Z[l] = W[l] A[l-1] + b[l]        W[l]: (n[l], n[l-1]),  b[l]: (n[l], 1)
    A[l] = g[l](Z[l])                Z[l], A[l]: (n[l], m)

Going backward it is handed dZ[l] and gives

    dW[l] = (1/m) dZ[l] A[l-1]ᵀ
    db[l] = (1/m) Σ dZ[l]              (summed over the m columns, kept as a column)
    dA[l-1] = W[l]ᵀ dZ[l]

A layer does not own its arrays: the network keeps every parameter in one flat vector
(and every gradient in another) and hands each layer views of its part, so that an
optimizer can update the whole network with a few calls. The passes write into buffers
they are given, so that training allocates nothing per step.
"""

import numpy as np

from . import activations, initializers
from .validation import check_positive_int


class Dense:
    """A fully connected layer of ``units`` neurons with activation g."""

    def __init__(self, units, activation="relu", initializer=None, bias_initializer="zeros"):
        self.units = check_positive_int(units, "the number of units of a layer")
        self.activation = activations.get(activation)
        self.initializer = (
            initializers.default_for(self.activation.name)
            if initializer is None
            else initializers.get(initializer)
        )
        self.bias_initializer = initializers.get(bias_initializer)
        # Views into the network's flat parameter and gradient vectors, set by Network.
        self.W = self.b = self.dW = self.db = None

    def __repr__(self):
        return f"Dense({self.units}, {self.activation.name!r})"

    def config(self):
        """The settings that rebuild this layer (parameters excluded)."""
        return {
            "units": self.units,
            "activation": self.activation.config(),
            "initializer": self.initializer.config(),
            "bias_initializer": self.bias_initializer.config(),
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def initialize(self, rng):
        """Draw W[l] and b[l] from the layer's initializers (in place, into the views)."""
        self.W[...] = self.initializer.init(rng, self.W.shape, self.W.dtype)
        self.b[...] = self.bias_initializer.init(rng, self.b.shape, self.b.dtype)

    def forward(self, A_prev, Z, A):
        """Z[l] = W[l] A[l-1] + b[l], then A[l] = g[l](Z[l]), written into Z and A."""
        np.dot(self.W, A_prev, out=Z)
        Z += self.b
        self.activation.forward(Z, out=A)

    def backward(self, dZ, A_prev, dA_prev=None):
        """dW[l] = (1/m) dZ[l] A[l-1]ᵀ, db[l] = (1/m) Σ dZ[l], and dA[l-1] = W[l]ᵀ dZ[l].

        dW and db go into the layer's gradient views; dA[l-1] into ``dA_prev`` when given
        (the first layer has no use for dA[0] = dX and skips it).
        """
        m = dZ.shape[1]
        self.backward_sums(dZ, A_prev, np.ones((m, 1), dZ.dtype), dA_prev)
        self.dW *= 1.0 / m
        self.db *= 1.0 / m

    def backward_sums(self, dZ, A_prev, ones, dA_prev=None):
        """``backward`` without the 1/m: m·dW[l] = dZ[l] A[l-1]ᵀ and m·db[l] = dZ[l] 1.

        ``ones`` is a column of m ones. The network's backward pass uses this and then
        scales its whole gradient vector by 1/m in one go, instead of every dW[l] and db[l].
        """
        np.dot(dZ, A_prev.T, out=self.dW)
        # Σ over the m columns as the product with a column of ones: one BLAS call, several
        # times faster than np.sum's reduction on small layers
        np.dot(dZ, ones, out=self.db)
        if dA_prev is not None:
            np.dot(self.W.T, dZ, out=dA_prev)
