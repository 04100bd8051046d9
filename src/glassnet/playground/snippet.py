"""The export "Python snippet": code that rebuilds a playground's setup with the library.

The snippet makes the same data (same generator, noise, seed and split), the same input
features and the same network (layers, activations, output, loss, initializers, weight
seed, the L1 or L2 rate λ = r·B), and trains it with ``glassnet.training.train`` on the
playground's settings. It rebuilds the configuration, not the exact run: the page's epochs
are interleaved with the user's clicks, and ``train`` shuffles with its own generator.
"""

from .. import expressions
from . import protocol
from .data import RECIPES, data_name


def _data_lines(state, data):
    name = data_name(state)
    noise, seed = state["noise"] / 100, state["seed"]
    if name == protocol.UPLOAD:
        return [
            "# the uploaded table, as exported by the page (Export → data CSV)",
            'X, y = gn.datasets.load_csv("playground-data.csv")',
            *(["X = np.vstack([X, np.zeros_like(X)])  # one input: x2 = 0"] if data.one_d
              else []),
            *(["y = np.searchsorted(np.unique(y), y)  # the labels as classes 0 … k-1"]
              if data.n_classes else []),
        ]
    return RECIPES[name].source(noise, seed)


def _feature_lines(state, names):
    """The inputs A[0]: the built-in features, then the custom one computed in NumPy (the
    same operations as the playground's, so the same values)."""
    custom = state["customFeature"]
    if not custom:
        return [f"features = {names!r}",
                "A_train = gn.datasets.features(X_train, features)",
                "A_test = gn.datasets.features(X_test, features)"]
    built_in = "gn.datasets.features(X, features), " if names else ""
    return [
        f"features = {names!r}",
        "",
        "",
        "def inputs(X):",
        f'    """A[0] of raw points X (2, m): {"the features, then " if names else ""}'
        f'the custom feature {custom}."""',
        "    x1, x2 = X",
        f"    custom = np.broadcast_to({expressions.parse(custom).numpy_source()}, x1.shape)",
        f"    return np.vstack([{built_in}custom[np.newaxis]])",
        "",
        "",
        "A_train, A_test = inputs(X_train), inputs(X_test)",
    ]


def _target_lines(net, n_classes):
    arguments = repr(net.output_activation.name) + (
        f", classes=range({n_classes})" if n_classes else "")
    return [f"Y_train = gn.datasets.targets(y_train, {arguments})",
            f"Y_test = gn.datasets.targets(y_test, {arguments})"]


def _spec(config):
    """A registry spec as short as it can be: the bare name when there are no settings."""
    return config["name"] if len(config) == 1 else config


def _layer_line(layer):
    config = layer.config()
    return (f"    Dense({config['units']}, {_spec(config['activation'])!r}, "
            f"initializer={_spec(config['initializer'])!r}, "
            f"bias_initializer={_spec(config['bias_initializer'])!r}),")


def _penalty(state, B):
    """The network's ``l1=``/``l2=`` argument, written as the session computes it."""
    kind, rate = state["regularization"], state["regularizationRate"]
    if kind == "none" or not rate:
        return ""
    # the playground's rate r adds α·r·w per step: the notes' λ = r·B (B the batch size)
    return f", {kind.lower()}={rate!r} * {B}"


def snippet(session):
    """The Python source (a str) that rebuilds ``session``'s setup."""
    state, data, net = session.state, session.data, session.net
    names = [protocol.FEATURES[key] for key in protocol.FEATURES if state[key]]
    penalty = _penalty(state, session.batch_size())
    lines = [
        '"""A glassnet playground setup, rebuilt in Python (exported by the page)."""',
        "import numpy as np",
        "",
        "import glassnet as gn",
        "import glassnet.datasets",
        "from glassnet.layers import Dense",
        "from glassnet.training import train",
        "",
        *_data_lines(state, data),
        f"X_train, y_train, X_test, y_test = gn.datasets.split(X, y, "
        f"train_ratio={state['percTrainData'] / 100:g}, seed={state['seed']})",
        *_feature_lines(state, names),
        *_target_lines(net, data.n_classes),
        "",
        "layers = [",
        *[_layer_line(layer) for layer in net.layers],
        "]",
        *(["# the playground's regularization rate r is the notes' λ = r × batch size"]
          if penalty else []),
        f"net = gn.Network.from_layers({net.n_x}, layers, loss={net.loss.name!r}, "
        f"seed={state['initSeed']}{penalty})",
        "",
        # learning_rate is train()'s name of the page's learningRate (α)
        f"history = train(net, A_train, Y_train, epochs=100, "
        f"learning_rate={state['learningRate']!r}, optimizer={state['optimizer']!r}, "
        f"batch_size={state['batchSize']}, validation_data=(A_test, Y_test))",
        'print(f"train loss {history.cost[-1]:.3f}, test loss '
        '{history[\'val_cost\'][-1]:.3f}")',
        "",
    ]
    return "\n".join(lines)
