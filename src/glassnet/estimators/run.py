"""scikit-learn's training run, step for step: the loss, the gradient, the epochs, L-BFGS.

The estimators promise the same run as scikit-learn's MLPs (the same ``n_iter_``, the same
``loss_curve_`` to rounding) from the same initial weights, so this module follows
scikit-learn's ``_multilayer_perceptron.py`` where it departs from the core's runner
(``glassnet.epochs``), which is why the estimators have their own epoch loop:

* the epoch's loss is the mean of each minibatch's loss *with its own L2 term*
  α/(2·B)·Σ‖W[l]‖² (B the minibatch's size, or its summed sample weights), weighted by B;
* with sample weights, dZ[L] = (A[L] − Y)·s and the gradient is divided by Σ s;
* the squared error's loss is averaged over the outputs (½·mean (a − y)²) but its gradient
  is not (dZ[L] = A[L] − Y, as scikit-learn does);
* the stopping rule (kept by the estimator, as scikit-learn's is: its
  ``update_no_improvement_count`` and ``stops``): an epoch improves when its loss is below
  the best loss − ``tol`` (with early stopping: its validation score above the best
  score + ``tol``); training stops after more than ``n_iter_no_change`` epochs without
  improvement, unless ``learning_rate="adaptive"`` divides the rate by 5 instead;
* the rate: "invscaling" sets α = α₀ / (t + 1)^power_t after each epoch, t the examples
  seen; Adam puts its bias correction on the rate, α·√(1 − β₂ᵗ)/(1 − β₁ᵗ), with ε outside
  it (``ScikitAdam``);
* L-BFGS through ``scipy.optimize.minimize`` on the flat parameters, in scikit-learn's order.

The pieces are the core's: the network's layers and activations, the loss's L(a, y), the
regularization term and its gradient, the optimizers. Inside, examples are columns (the
notes' layout); X may be a scipy.sparse matrix, used as such (never densified).
"""

import numpy as np
import scipy.optimize
import scipy.sparse

from .. import compiled, optimizers, regularization, warmup
from ..epochs import NumpyEngine
from ..errors import ConfigError, DivergenceError


@optimizers.optimizers.register
class ScikitAdam(optimizers.Adam):
    """Adam as scikit-learn writes it: M and S as Kingma & Ba's, then
    θ := θ − α·√(1 − β₂ᵗ)/(1 − β₁ᵗ) · M / (√S + ε) (ε outside the bias correction)."""

    name = "sklearn_adam"
    aliases = ()

    def step(self, theta, g, learning_rate):
        self.t += 1
        M, S = self._buffer("M", theta), self._buffer("S", theta)
        M[...] = self.beta_1 * M + (1 - self.beta_1) * g
        S[...] = self.beta_2 * S + (1 - self.beta_2) * (g ** 2)
        # Kingma & Ba's α_t (scikit-learn's AdamOptimizer.learning_rate): α with the bias
        # corrections folded in
        alpha_t = learning_rate * np.sqrt(1 - self.beta_2 ** self.t) / (1 - self.beta_1 ** self.t)
        theta += -alpha_t * M / (np.sqrt(S) + self.epsilon)


# ---------------------------------------------------------------------- one pass
def times(W, A):
    """W A, for A dense or scipy.sparse (then computed as (Aᵀ Wᵀ)ᵀ, never densifying A)."""
    return (A.T @ W.T).T if scipy.sparse.issparse(A) else W @ A


def forward(net, X):
    """Z[l] and A[l] for l = 0 … L (Z[0] unused) of X, shape (n_x, m), in new arrays."""
    Z, A = [None], [X]
    for layer in net.layers:  # only X may be sparse: A[1] … A[L] are dense
        Z.append((times(layer.W, X) if len(A) == 1 else layer.W @ A[-1]) + layer.b)
        A.append(layer.activation.forward(Z[-1]))
    return Z, A


def loss(net, A, Y, s, outputs_averaged):
    """scikit-learn's loss without its L2 term: the (weighted) mean over examples of
    L(a, y) (divided by n[L] for the squared error, which it averages over the outputs)."""
    losses = net.loss.loss(A, Y)[0]
    per_example = losses.mean() if s is None else np.average(losses, weights=s)
    return over_outputs(net, per_example, outputs_averaged)


def over_outputs(net, per_example, outputs_averaged):
    """The mean loss per example, divided by n[L] where scikit-learn averages it over the
    output units too (its squared error)."""
    return per_example / net.sizes[-1] if outputs_averaged else per_example


def loss_and_gradient(net, X, Y, s, outputs_averaged):
    """J on (X, Y) with example weights s (None: all 1), and ``net.gradients`` filled; the
    penalty is the network's λ₁ and λ₂ (scikit-learn's alpha) over the total weight."""
    Z, A = forward(net, X)
    L = net.L
    total = s.sum() if s is not None else X.shape[1]
    weights = net.parameters[:net.n_weights]
    J = loss(net, A[L], Y, s, outputs_averaged) + regularization.penalty(
        weights, total, net.l1, net.l2)
    dZ = A[L] - Y  # the canonical output and loss: dZ[L] = A[L] − Y
    if s is not None:
        dZ *= s
    for l in range(L, 0, -1):
        layer = net.layers[l - 1]
        if l == 1 and scipy.sparse.issparse(X):
            layer.dW[...] = (X @ dZ.T).T
        else:
            np.dot(dZ, A[l - 1].T, out=layer.dW)
        np.sum(dZ, axis=1, keepdims=True, out=layer.db)
        if l > 1:
            dZ = net.layers[l - 2].activation.backward(layer.W.T @ dZ, Z[l - 1], A[l - 1])
    regularization.add_gradient(net.gradients[:net.n_weights], weights, 1.0, net.l1, net.l2)
    net.gradients /= total
    return J


# ---------------------------------------------------------------------- the stochastic run
def columns(X, index):
    return X[:, index]


def minibatch_epoch(net, X, Y, s, optimizer, learning_rate, batch_size, order,
                    outputs_averaged):
    """One epoch of minibatch steps in ``order``; returns scikit-learn's epoch loss."""
    m = X.shape[1]
    accumulated = 0.0
    for start in range(0, m, batch_size):
        index = order[start:start + batch_size]
        J = loss_and_gradient(net, columns(X, index), Y[:, index],
                              None if s is None else s[index], outputs_averaged)
        accumulated += J * len(index)
        optimizer.step(net.parameters, net.gradients, learning_rate)
    return accumulated / m


def engine_epoch(engine, net, Y, s, optimizer, learning_rate, batch_size, order,
                 outputs_averaged):
    """``minibatch_epoch`` run by one of the core's engines (``NumpyEngine``, or
    ``CompiledEngine`` which takes sample weights too): the same steps, and the same epoch
    loss, taken at the end from each example's A[L] at its own step."""
    if batch_size == order.shape[0]:  # batch descent: the engines take X as it is stored
        order = np.arange(batch_size)
    weights = () if s is None else (s,)
    regularization = engine.steps(order, optimizer, learning_rate, *weights)
    # unweighted, the mean of the minibatches' mean losses (each counted by its size) is
    # the mean over all m examples, which the engine takes
    per_example = engine.epoch_loss() if s is None else weighted_minibatch_loss(
        net, engine.outputs, Y[:, order], s[order], batch_size)
    return over_outputs(net, per_example, outputs_averaged) + regularization / order.shape[0]


def weighted_minibatch_loss(net, A, Y, s, batch_size):
    """scikit-learn's epoch loss with sample weights s, without its L2 term, from the
    epoch's A and Y (columns in the epoch's order): the mean of the minibatches' weighted
    mean losses, each counted by its size."""
    m = A.shape[1]
    starts = np.arange(0, m, batch_size)
    means = np.add.reduceat(s * net.loss.loss(A, Y)[0], starts) / np.add.reduceat(s, starts)
    return np.dot(np.diff(np.append(starts, m)), means) / m


def engine_for(spec, net, optimizer, X, Y, s, batch_size):
    """The core's engine for this fit's steps, or None for this module's ``minibatch_epoch``.

    The compiled engine when ``spec`` ("numpy", "auto", "compiled") picks it
    (``glassnet.compiled.engine_for``); else NumPy's engine, which reuses its buffers and
    takes the loss once an epoch, unless there are sample weights (it has none) or X is
    scipy.sparse (neither engine reads it), which this module's own steps take.
    """
    if scipy.sparse.issparse(X):
        if spec == "compiled":
            raise ConfigError("the compiled engine needs a dense X; a scipy.sparse X is "
                              "trained by engine='numpy' (or 'auto')")
        return None
    chosen = compiled.engine_for(spec, net, optimizer, NumpyEngine, batch_size, warmup.ready)
    if chosen is NumpyEngine and s is not None:
        return None
    return chosen(net, X, Y, batch_size)


def stochastic(est, net, data, validation, settings, incremental, optimizer, rate, rng):
    """scikit-learn's ``_fit_stochastic``: epochs until the stopping rule or max_iter.

    ``est`` carries what scikit-learn carries over warm starts and partial_fit calls
    (``loss_curve_``, ``best_loss_``, …) and keeps scikit-learn's stopping rule, as
    scikit-learn's estimator does (``update_no_improvement_count``, ``stops``); ``data`` is
    (X, Y, s) in columns; ``validation`` is None or (X, y, s) for the score. The
    estimator hands in its ``optimizer``, ``rate()`` (α of the coming epoch) and the
    generator ``rng`` that shuffles.
    """
    X, Y, s = data
    m = X.shape[1]
    batch_size = m if settings["batch_size"] is None else (
        min(200, m) if settings["batch_size"] == "auto" else min(settings["batch_size"], m))
    order = np.arange(m)
    engine = engine_for(settings["engine"], net, optimizer, X, Y, s, batch_size)
    est.n_iter_ = 0
    for _ in range(settings["max_iter"]):
        if settings["shuffle"]:
            order = rng.permutation(order)  # as sklearn.utils.shuffle draws
        start = net.parameters.copy()
        with np.errstate(all="ignore"):
            if engine is None:
                epoch_loss = minibatch_epoch(net, X, Y, s, optimizer, rate(),
                                             batch_size, order, est.outputs_averaged)
            else:
                epoch_loss = engine_epoch(engine, net, Y, s, optimizer, rate(),
                                          batch_size, order, est.outputs_averaged)
        est.n_iter_ += 1
        est.t_ += m
        if not np.isfinite(epoch_loss) or not np.all(np.isfinite(net.parameters)):
            net.parameters[...] = start
            raise DivergenceError(
                f"{type(est).__name__}: training diverged in epoch {est.n_iter_} (the cost "
                f"J is {epoch_loss:.6g}, the parameters are no longer finite numbers); the "
                "parameters of the epoch before are kept: lower learning_rate_init or "
                "scale X", epoch=est.n_iter_, reason="cost")
        est.loss_ = float(epoch_loss)
        est.loss_curve_.append(est.loss_)
        if est.verbose:
            print(f"Iteration {est.n_iter_}, loss = {est.loss_:.8f}")
        est.check_growth(settings)
        est.update_no_improvement_count(validation, settings)
        est.epoch_ends(settings)
        if est.stops(settings) or incremental:
            break
    else:
        if not incremental:
            est.warn_not_converged(settings)
    if validation is not None:
        est.keep_best_parameters()


# ---------------------------------------------------------------------- L-BFGS
def sklearn_order(net):
    """The index into ``net.parameters`` of each entry of scikit-learn's packed vector:
    coefs_[0] … coefs_[L-1] (W[l]ᵀ, C order), then intercepts_[0] … (b[l])."""
    index, offset = [], 0
    for n_prev, n in zip(net.sizes, net.sizes[1:], strict=False):
        index.append((offset + np.arange(n * n_prev).reshape(n, n_prev)).T.ravel())
        offset += n * n_prev
    return np.concatenate([*index, np.arange(offset, net.parameters.size)])


def lbfgs(est, net, data, settings):
    """scikit-learn's ``_fit_lbfgs``: L-BFGS-B on J over all m examples."""
    X, Y, s = data
    order = sklearn_order(net)

    def objective(theta):
        net.parameters[order] = theta
        with np.errstate(all="ignore"):
            J = loss_and_gradient(net, X, Y, s, est.outputs_averaged)
        return J, net.gradients[order].copy()

    result = scipy.optimize.minimize(
        objective, net.parameters[order].copy(), method="L-BFGS-B", jac=True,
        options={"maxfun": settings["max_fun"], "maxiter": settings["max_iter"],
                 "gtol": settings["tol"], **est.lbfgs_options})
    net.parameters[order] = result.x
    if not np.all(np.isfinite(net.parameters)) or not np.isfinite(result.fun):
        raise DivergenceError(
            f"{type(est).__name__}: L-BFGS produced parameters or a cost J that are not "
            "finite numbers; scale X", epoch=est.n_iter_, reason="parameters")
    est.n_iter_ = min(int(result.nit), settings["max_iter"])
    est.loss_ = float(result.fun)
    if result.status != 0:
        est.warn_lbfgs(result)
