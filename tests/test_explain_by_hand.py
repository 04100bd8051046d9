"""An independent reference for the worked solutions: gradient-descent steps from the
notes' definitions in plain NumPy, sharing no code with glassnet.

``by_hand`` returns, for each step, a dict with the same keys as a glassnet trace step
("Z[1]", "A[1]", "cost", "dA[2]", …, "W[1] after", "b[1] after"), so the other
test_explain* files can compare every value. The tests here check the reference itself
against the notes' formulas worked with ``math`` one number at a time.
"""

import math

import numpy as np
import pytest


def g(name, Z):
    """The activations, from their definitions."""
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-Z))
    if name == "tanh":
        return (np.exp(Z) - np.exp(-Z)) / (np.exp(Z) + np.exp(-Z))
    if name == "relu":
        return np.where(Z > 0, Z, 0.0)
    if name == "leaky_relu":
        return np.where(Z > 0, Z, 0.01 * Z)
    if name == "linear":
        return Z.copy()
    if name == "softmax":
        E = np.exp(Z - Z.max(axis=0))
        return E / E.sum(axis=0)
    raise ValueError(name)


def g_prime(name, Z):
    """Their derivatives (softmax is handled with its loss)."""
    if name == "sigmoid":
        s = g("sigmoid", Z)
        return s * (1 - s)
    if name == "tanh":
        return 1 - g("tanh", Z) ** 2
    if name == "relu":
        return np.where(Z > 0, 1.0, 0.0)
    if name == "leaky_relu":
        return np.where(Z > 0, 1.0, 0.01)
    if name == "linear":
        return np.ones_like(Z)
    raise ValueError(name)


def cost_and_dA(loss, A, Y):
    """J = (1/m) Σ L and dL/dA for the losses the notes use."""
    m = A.shape[1]
    if loss == "half_squared_error":  # L = ½‖a − y‖²
        return float(np.sum(0.5 * (A - Y) ** 2) / m), A - Y
    if loss == "mean_squared_error":  # L = (1/n)‖a − y‖²
        n = A.shape[0]
        return float(np.sum((A - Y) ** 2) / (n * m)), 2.0 / n * (A - Y)
    if loss == "binary_cross_entropy":
        J = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m
        return float(J), -Y / A + (1 - Y) / (1 - A)
    if loss == "categorical_cross_entropy":
        return float(-np.sum(Y * np.log(A)) / m), -Y / A
    raise ValueError(loss)


def cost_working(loss, A, Y):
    """The cost example by example, one column at a time: L(i), their sum, and for the
    squared-error losses SE(i) = Σ_k (a_k − y_k)², SSE, MSE = SSE/(m n[L]), MSE/2."""
    n, m = A.shape
    SE = [sum((A[k, i] - Y[k, i]) ** 2 for k in range(n)) for i in range(m)]
    if loss == "half_squared_error":
        L = [0.5 * se for se in SE]
    elif loss == "mean_squared_error":
        L = [se / n for se in SE]
    elif loss == "binary_cross_entropy":
        L = [-sum(Y[k, i] * np.log(A[k, i]) + (1 - Y[k, i]) * np.log(1 - A[k, i])
                  for k in range(n)) for i in range(m)]
    else:
        L = [-sum(Y[k, i] * np.log(A[k, i]) for k in range(n)) for i in range(m)]
    v = {"L": [L], "sum L": sum(L)}
    if loss in ("half_squared_error", "mean_squared_error"):
        v.update({"SE": [SE], "SSE": sum(SE), "MSE": sum(SE) / (m * n),
                  "half MSE": sum(SE) / (m * n) / 2})
    return v


def by_hand(W, b, gs, X, Y=None, loss=None, alpha=None, steps=1, l2=0.0):
    """Every value of ``steps`` gradient-descent steps, in the notes' order."""
    W = [np.array(w, dtype=float) for w in W]
    b = [np.array(v, dtype=float).reshape(-1, 1) for v in b]
    X = np.array(X, dtype=float)
    L, m = len(W), X.shape[1]
    out = []
    for _ in range(steps):
        v = {}
        A = {0: X}
        for l in range(1, L + 1):
            v[f"Z[{l}]"] = W[l - 1] @ A[l - 1] + b[l - 1]
            v[f"A[{l}]"] = A[l] = g(gs[l - 1], v[f"Z[{l}]"])
        if Y is None:
            out.append(v)
            break
        Y = np.array(Y, dtype=float)
        J, dA = cost_and_dA(loss, A[L], Y)
        working = cost_working(loss, A[L], Y)  # in the trace's order: L, sum L, the cost,
        v["L"], v["sum L"] = working.pop("L"), working.pop("sum L")  # then SE … half MSE
        v["cost"] = J + l2 / (2 * m) * sum(float(np.sum(w * w)) for w in W)
        v.update(working)
        v[f"dA[{L}]"] = dA
        for l in range(L, 0, -1):
            if l == L and (gs[-1], loss) in (("sigmoid", "binary_cross_entropy"),
                                            ("softmax", "categorical_cross_entropy")):
                dZ = A[L] - Y
            else:
                dZ = dA * g_prime(gs[l - 1], v[f"Z[{l}]"])
            v[f"dZ[{l}]"] = dZ
            v[f"dW[{l}]"] = dZ @ A[l - 1].T / m + l2 / m * W[l - 1]
            v[f"db[{l}]"] = dZ.sum(axis=1, keepdims=True) / m
            if l > 1:
                dA = v[f"dA[{l - 1}]"] = W[l - 1].T @ dZ
        for l in range(1, L + 1):
            W[l - 1] = v[f"W[{l}] after"] = W[l - 1] - alpha * v[f"dW[{l}]"]
            b[l - 1] = v[f"b[{l}] after"] = b[l - 1] - alpha * v[f"db[{l}]"]
        out.append(v)
    return out


def sigma(z):
    return 1.0 / (1.0 + math.exp(-z))


def test_reference_matches_the_notes_formulas_one_number_at_a_time():
    # seed 003's network, example 4 (x = (1, 1), y = 1), worked with math alone
    W1, b1, W2, b2 = [[0.2, 0.4], [0.3, 0.5]], [0.3, 0.5], [[0.4, 0.6]], [0.5]
    X, Y = [[0, 0, 1, 1], [0, 1, 0, 1]], [[0, 1, 1, 1]]
    (v,) = by_hand([W1, W2], [b1, b2], ["sigmoid", "sigmoid"], X, Y, "half_squared_error", 0.5)
    z1 = [0.2 * 1 + 0.4 * 1 + 0.3, 0.3 * 1 + 0.5 * 1 + 0.5]
    a1 = [sigma(z) for z in z1]
    z2 = 0.4 * a1[0] + 0.6 * a1[1] + 0.5
    a2 = sigma(z2)
    dz2 = (a2 - 1) * a2 * (1 - a2)
    dz1 = [W2[0][j] * dz2 * a1[j] * (1 - a1[j]) for j in range(2)]
    assert v["Z[1]"][:, 3] == pytest.approx(z1, rel=1e-15)
    assert v["A[2]"][0, 3] == pytest.approx(a2, rel=1e-15)
    assert v["dZ[2]"][0, 3] == pytest.approx(dz2, rel=1e-14)
    assert v["dZ[1]"][:, 3] == pytest.approx(dz1, rel=1e-14)


def test_reference_gradient_is_the_derivative_of_its_cost():
    # two-sided differences of the reference's own cost, for every loss it knows
    rng = np.random.default_rng(3)
    X = rng.normal(size=(2, 5))
    cases = [("sigmoid", "binary_cross_entropy", (rng.uniform(size=(1, 5)) > 0.5) * 1.0),
             ("linear", "half_squared_error", rng.normal(size=(1, 5))),
             ("tanh", "mean_squared_error", rng.normal(size=(1, 5)))]
    for out, loss, Y in cases:
        W = [rng.normal(size=(3, 2)), rng.normal(size=(1, 3))]
        b = [rng.normal(size=3), rng.normal(size=1)]
        (v,) = by_hand(W, b, ["tanh", out], X, Y, loss, 0.1)
        eps = 1e-6
        for i in range(3):
            for k in range(2):
                Wp = [w.copy() for w in W]
                Wm = [w.copy() for w in W]
                Wp[0][i, k] += eps
                Wm[0][i, k] -= eps
                Jp = by_hand(Wp, b, ["tanh", out], X, Y, loss, 0.1)[0]["cost"]
                Jm = by_hand(Wm, b, ["tanh", out], X, Y, loss, 0.1)[0]["cost"]
                assert v["dW[1]"][i, k] == pytest.approx((Jp - Jm) / (2 * eps), abs=1e-7)
