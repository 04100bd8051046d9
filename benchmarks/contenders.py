"""The contenders: one function per way of training a workload's network.

Each ``prepare_*(workload, X, y, Y, W0, b0)`` does the setup that is not timed (building a
model, converting the data once) and returns ``run``: a function that trains from the
initial weights W0, b0 for ``workload.epochs`` epochs and returns the trained (W, b) in the
notes' shapes (None for the matrix products alone, which train nothing). The epoch orders
of glassnet, the textbook loop and PyTorch come from the same seeded generator, so their
final costs agree to rounding; scikit-learn shuffles with its own generator, and
glassnet's MLPClassifier as scikit-learn does (the same run), so those two agree to
rounding with each other and only roughly with the rest.
"""

import time
import warnings

import numpy as np

import glassnet
import glassnet.compiled
import glassnet.warmup
from glassnet.training import train

SEED = 0  # seeds the epoch orders


def _epoch_orders(m, epochs):
    """The order of the examples in each epoch, as glassnet.training draws it."""
    rng = np.random.default_rng(SEED)
    return (rng.permutation(m) for _ in range(epochs))


def prepare_core(workload, X, y, Y, W0, b0, engine="auto"):
    """glassnet's core: a Network and ``glassnet.training.train`` (``engine="auto"``: the
    compiled per-example loop on small layers when Numba is installed, NumPy's otherwise)."""
    names = [workload.hidden] * (len(W0) - 1) + [workload.output]
    net = glassnet.Network.from_parameters(W0, b0, names, dtype=X.dtype)
    start = net.parameters.copy()

    def run():
        net.parameters[...] = start
        train(net, X, Y, epochs=workload.epochs, learning_rate=workload.learning_rate,
              batch_size=workload.batch_size, seed=SEED, progress=False, engine=engine)
        return [w.copy() for w in net.W], [b.copy() for b in net.b]

    if engine != "numpy":
        compiled_ready(X.dtype)
    run()  # the first use loads the compiled kernel from Numba's disk cache
    return run


def compiled_ready(dtype):
    """Both compiled kernels (the loop and the vectorized pass) compiled or loaded for
    ``dtype`` before any timed round: ``engine="auto"`` takes one only once it is ready,
    and trains with NumPy's before."""
    if glassnet.compiled.available():
        for engine in (glassnet.compiled.CompiledEngine, glassnet.compiled.VectorizedEngine):
            glassnet.warmup.compile(dtype, engine)


def prepare_numpy_engine(workload, X, y, Y, W0, b0):
    """glassnet's core with its NumPy engine, whatever ``auto`` would pick."""
    return prepare_core(workload, X, y, Y, W0, b0, engine="numpy")


def prepare_compiled_engine(workload, X, y, Y, W0, b0):
    """glassnet's core with its compiled engine (Numba), whatever ``auto`` would pick."""
    return prepare_core(workload, X, y, Y, W0, b0, engine="compiled")


def prepare_estimator(workload, X, y, Y, W0, b0):
    """glassnet.MLPClassifier with plain SGD and ``engine="auto"`` (as the core), fitted on
    rows as scikit-learn estimators are."""
    from sklearn.exceptions import ConvergenceWarning

    X_rows = X.T  # the scikit-learn convention: one row per example
    names = [workload.hidden] * (len(W0) - 1) + [workload.output]
    start = glassnet.Network.from_parameters(W0, b0, names, dtype=X.dtype).parameters
    clf = glassnet.MLPClassifier(
        # glassnet's plain SGD, the core's optimizer (solver="sgd" with momentum=0 is the
        # same update through classic momentum's extra calls): the ratio is the wrapper's
        hidden_layer_sizes=workload.sizes[1:-1], activation=workload.hidden,
        solver={"name": "sgd"}, alpha=0.0, batch_size=workload.batch_size,
        learning_rate="constant", learning_rate_init=workload.learning_rate,
        max_iter=workload.epochs, shuffle=True, random_state=SEED, tol=0.0,
        n_iter_no_change=workload.epochs + 1, warm_start=True, dtype=X.dtype.name,
        engine="auto")  # as the core's
    compiled_ready(X.dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.set_params(max_iter=1).fit(X_rows, y).set_params(max_iter=workload.epochs)

    def run():
        # warm_start goes on from network_: start it from W0, b0 again; the epoch orders
        # are drawn from random_state=SEED anew at each fit (as scikit-learn draws them)
        clf.network_.parameters[...] = start
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X_rows, y)
        net = clf.network_
        return [w.copy() for w in net.W], [b.copy() for b in net.b]

    return run


def prepare_textbook(workload, X, y, Y, W0, b0):
    """The plain NumPy loop a newcomer writes from the notes: new arrays at every step."""
    g, g_prime = _TEXTBOOK_HIDDEN[workload.hidden]
    output = _sigmoid if workload.output == "sigmoid" else _softmax
    alpha, B, m = workload.learning_rate, workload.batch_size, workload.m

    def run():
        W, b = [w.copy() for w in W0], [c.copy() for c in b0]
        L = len(W)
        with np.errstate(over="ignore"):
            for order in _epoch_orders(m, workload.epochs):
                for i in range(0, m, B):
                    idx = order[i:i + B]
                    A, Z = [X[:, idx]], [None]
                    for l in range(1, L + 1):
                        Z.append(W[l - 1] @ A[l - 1] + b[l - 1])
                        A.append(g(Z[l]) if l < L else output(Z[l]))
                    mb = A[0].shape[1]
                    dZ = A[L] - Y[:, idx]
                    for l in range(L, 0, -1):
                        dW = dZ @ A[l - 1].T / mb
                        db = dZ.sum(axis=1, keepdims=True) / mb
                        if l > 1:
                            dZ = (W[l - 1].T @ dZ) * g_prime(Z[l - 1])
                        W[l - 1] -= alpha * dW
                        b[l - 1] -= alpha * db
        return W, b

    return run


def _sigmoid(Z):
    return 1.0 / (1.0 + np.exp(-Z))


def _softmax(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


_TEXTBOOK_HIDDEN = {
    "tanh": (np.tanh, lambda Z: 1.0 - np.tanh(Z) ** 2),
    "relu": (lambda Z: np.maximum(Z, 0.0), lambda Z: (Z > 0).astype(Z.dtype)),
}


def prepare_products(workload, X, y, Y, W0, b0):
    """The matrix products alone: each step's W A, dZ Aᵀ and Wᵀ dZ, into reused buffers.

    No activation, no cost, no update: the time a step cannot go below with these products
    (the limit the goals compare glassnet with).
    """
    W = [w.copy() for w in W0]
    dW = [np.empty_like(w) for w in W]
    m, B = workload.m, workload.batch_size
    rng = np.random.default_rng(SEED)  # buffers of ordinary values (no NaN, no denormals)
    buffers = {}  # per batch size: A[0..L] (A[0] = X's columns) and dZ[1..L]
    for size in {min(B, m), m % B or B}:
        A = [np.ascontiguousarray(X[:, :size])] + [
            rng.standard_normal((w.shape[0], size)).astype(X.dtype) for w in W]
        buffers[size] = A, [None] + [a.copy() for a in A[1:]]
    L = len(W)

    def run():
        for _ in range(workload.epochs):
            for i in range(0, m, B):
                A, dZ = buffers[min(B, m - i)]
                for l in range(1, L + 1):
                    np.dot(W[l - 1], A[l - 1], out=A[l])
                for l in range(L, 0, -1):
                    np.dot(dZ[l], A[l - 1].T, out=dW[l - 1])
                    if l > 1:
                        np.dot(W[l - 1].T, dZ[l], out=dZ[l - 1])
        return None

    return run


def prepare_sklearn(workload, X, y, Y, W0, b0):
    """scikit-learn's MLPClassifier with plain SGD, started from W0, b0."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X_rows = np.ascontiguousarray(X.T)
    clf = MLPClassifier(
        hidden_layer_sizes=workload.sizes[1:-1], activation=workload.hidden, solver="sgd",
        alpha=0.0, batch_size=workload.batch_size, learning_rate="constant",
        learning_rate_init=workload.learning_rate, max_iter=workload.epochs, shuffle=True,
        random_state=SEED, tol=0.0, momentum=0.0, nesterovs_momentum=False,
        n_iter_no_change=workload.epochs + 1, early_stopping=False)

    def run():
        # scikit-learn draws its initial weights in _init_coef; hand it ours instead, in
        # its layout (coefs_[l] is W[l+1]ᵀ, intercepts_[l] is b[l+1] flattened).
        given = iter(zip(W0, b0, strict=True))
        clf._init_coef = lambda fan_in, fan_out, dtype: (
            lambda w, c: (w.T.astype(dtype), c.ravel().astype(dtype)))(*next(given))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X_rows, y)
        return ([c.T.copy() for c in clf.coefs_],
                [c.reshape(-1, 1).copy() for c in clf.intercepts_])

    return run


def prepare_torch(workload, X, y, Y, W0, b0):
    """PyTorch on the CPU, eager mode, as its tutorials write a training loop."""
    import torch

    dtype = getattr(torch, X.dtype.name)
    layers = []
    for l, w in enumerate(W0, 1):
        linear = torch.nn.Linear(w.shape[1], w.shape[0], dtype=dtype)
        layers.append(linear)
        if l < len(W0):
            layers.append(torch.nn.Tanh() if workload.hidden == "tanh" else torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    linears = [layer for layer in layers if isinstance(layer, torch.nn.Linear)]
    X_rows = torch.from_numpy(np.ascontiguousarray(X.T))
    if workload.output == "sigmoid":  # sigmoid + binary cross-entropy, fused as PyTorch does
        loss_fn, targets = torch.nn.BCEWithLogitsLoss(), torch.from_numpy(Y.T.copy())
    else:  # softmax + categorical cross-entropy
        loss_fn, targets = torch.nn.CrossEntropyLoss(), torch.from_numpy(y.astype(np.int64))
    m, B = workload.m, workload.batch_size

    def run():
        with torch.no_grad():
            for linear, w, c in zip(linears, W0, b0, strict=True):
                linear.weight.copy_(torch.from_numpy(w))  # nn.Linear's weight is (n[l], n[l-1])
                linear.bias.copy_(torch.from_numpy(c.ravel()))
        optimizer = torch.optim.SGD(model.parameters(), lr=workload.learning_rate)
        for order in _epoch_orders(m, workload.epochs):
            order = torch.from_numpy(order)
            for i in range(0, m, B):
                idx = order[i:i + B]
                optimizer.zero_grad()
                loss = loss_fn(model(X_rows[idx]), targets[idx])
                loss.backward()
                optimizer.step()
        return ([linear.weight.detach().numpy().copy() for linear in linears],
                [linear.bias.detach().numpy().reshape(-1, 1).copy() for linear in linears])

    return run


def prepare_jax(workload, X, y, Y, W0, b0):
    """JAX on the CPU, its fast form: one jit-compiled epoch, a ``lax.scan`` over the full
    minibatches (and one more step for a smaller last one). Compiling is done here, untimed;
    ``run.compile_seconds`` reports it."""
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)  # float64 runs in float64; float32 stays
    g = jnp.tanh if workload.hidden == "tanh" else jax.nn.relu
    m, B, alpha = workload.m, workload.batch_size, workload.learning_rate
    X_rows = jnp.asarray(np.ascontiguousarray(X.T))
    if workload.output == "sigmoid":  # sigmoid + binary cross-entropy, on the logits
        T = jnp.asarray(np.ascontiguousarray(Y.T))

        def loss(params, Xb, Tb):
            z = forward(params, Xb)
            return jnp.mean(jnp.sum(jnp.logaddexp(0.0, z) - Tb * z, axis=1))
    else:  # softmax + categorical cross-entropy
        T = jnp.asarray(np.ascontiguousarray(Y.T))

        def loss(params, Xb, Tb):
            return -jnp.mean(jnp.sum(Tb * jax.nn.log_softmax(forward(params, Xb)), axis=1))

    def forward(params, Xb):  # rows: a = g(a Wᵀ + bᵀ)
        a = Xb
        for l, (W, b) in enumerate(params, 1):
            z = a @ W.T + b
            a = g(z) if l < len(params) else z
        return a

    grad = jax.grad(loss)

    def step(params, idx):
        gradients = grad(params, X_rows[idx], T[idx])
        return jax.tree_util.tree_map(lambda p, d: p - alpha * d, params, gradients), None

    full = m // B

    @jax.jit
    def epoch(params, order):
        params, _ = jax.lax.scan(step, params, order[:full * B].reshape(full, B))
        if m % B:
            params, _ = step(params, order[full * B:])
        return params

    start = [(jnp.asarray(w), jnp.asarray(c.ravel())) for w, c in zip(W0, b0, strict=True)]
    order0 = jnp.asarray(np.arange(m))
    began = time.perf_counter()
    jax.block_until_ready(epoch(start, order0))
    compile_seconds = time.perf_counter() - began

    def run():
        params = start
        for order in _epoch_orders(m, workload.epochs):
            params = epoch(params, jnp.asarray(order))
        jax.block_until_ready(params)
        return ([np.asarray(w) for w, _ in params],
                [np.asarray(c).reshape(-1, 1) for _, c in params])

    run.compile_seconds = compile_seconds
    return run


# name → (prepare, what it needs to be importable, or None)
CONTENDERS = {
    "glassnet": (prepare_core, None),
    "glassnet NumPy engine": (prepare_numpy_engine, None),
    "glassnet compiled engine": (prepare_compiled_engine, "numba"),
    "JAX (jit + lax.scan)": (prepare_jax, "jax"),
    "glassnet MLPClassifier": (prepare_estimator, "glassnet.estimators"),
    "PyTorch eager": (prepare_torch, "torch"),
    "scikit-learn MLPClassifier": (prepare_sklearn, "sklearn"),
    "textbook NumPy": (prepare_textbook, None),
    "matrix products alone": (prepare_products, None),
}
