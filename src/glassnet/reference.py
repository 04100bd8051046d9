"""The notes' per-example for-loop, kept as the reference the vectorized network must equal.

    for i = 1 … m:
        a[0] = x(i)
        for l = 1 … L:   z[l] = W[l] a[l-1] + b[l],   a[l] = g[l](z[l])
        dz[L] = a[L] − y(i)  (or da[L] * g'(z[L]) in general)
        for l = L … 1:   dW[l] += dz[l] a[l-1]ᵀ,  db[l] += dz[l],
                         dz[l-1] = W[l]ᵀ dz[l] * g[l-1]'(z[l-1])
    dW[l] /= m,  db[l] /= m

It is slow on purpose: one example at a time, column vectors of shape (n, 1), nothing
shared with the vectorized code but the activations and losses. The tests prove the two
agree; the benchmark shows how much faster vectorizing is.
"""

import numpy as np

from .regularization import add_gradient
from .validation import check_X, check_Y


def forward_loop(net, X):
    """A[L] computed one example (column) at a time."""
    X = check_X(X, net.n_x, net.dtype)
    columns = []
    for i in range(X.shape[1]):
        a = X[:, i:i + 1]
        for layer in net.layers:
            a = layer.activation.forward(layer.W @ a + layer.b)
        columns.append(a)
    return np.hstack(columns)


def backward_loop(net, X, Y):
    """(dW, db): lists of dW[l], db[l] for l = 1 … L, summed over examples then / m."""
    X = check_X(X, net.n_x, net.dtype)
    Y = check_Y(Y, net.sizes[-1], X.shape[1], net.dtype, net.loss)
    m = X.shape[1]
    dW = [np.zeros_like(layer.W) for layer in net.layers]
    db = [np.zeros_like(layer.b) for layer in net.layers]
    for i in range(m):
        a, zs, activations = X[:, i:i + 1], [], [X[:, i:i + 1]]
        for layer in net.layers:
            z = layer.W @ a + layer.b
            a = layer.activation.forward(z)
            zs.append(z)
            activations.append(a)
        y = Y[:, i:i + 1]
        output = net.layers[-1].activation
        if net.loss.shortcut_activation == output.name:
            dz = a - y
        else:
            dz = output.backward(net.loss.dA(a, y), zs[-1], a)
        for l in range(net.L, 0, -1):
            dW[l - 1] += dz @ activations[l - 1].T
            db[l - 1] += dz
            if l > 1:
                da = net.layers[l - 1].W.T @ dz
                dz = net.layers[l - 2].activation.backward(da, zs[l - 2], activations[l - 1])
    for l, layer in enumerate(net.layers, 1):
        dW[l - 1] /= m
        db[l - 1] /= m
        add_gradient(dW[l - 1].reshape(-1), layer.W.reshape(-1), m, net.l1, net.l2)
    return dW, db
