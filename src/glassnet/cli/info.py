"""``glassnet info``: what a saved model is: its layers, W[l] and b[l] shapes, parameters."""

import json

import numpy as np

from ..network import Network
from .options import existing_file, read_model


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "info", help="show a saved model's summary (layers, shapes, parameters)",
        description="Show the summary of a saved network or estimator: each layer's units, "
                    "activation g[l], the shapes of W[l] and b[l], and the parameter counts.")
    parser.add_argument("model", type=existing_file, metavar="MODEL", help="a saved model (.npz)")
    parser.add_argument("--json", action="store_true",
                        help="print the model's configuration and task as one JSON object")
    parser.set_defaults(run=run)
    return parser


def run(args):
    model, task = read_model(args.model)
    if args.json:
        network = model if isinstance(model, Network) else getattr(model, "network_", None)
        print(json.dumps({"kind": "network" if isinstance(model, Network) else "estimator",
                          "model": repr(model) if network is not model else None,
                          "network": None if network is None else network.config(),
                          "parameters": None if network is None else network.n_parameters,
                          "task": task}, default=_plain))
        return 0
    if isinstance(model, Network):
        print(model)
    else:
        print(repr(model))
        network = getattr(model, "network_", None)
        if network is not None:
            print(network)
    if task is not None:
        print(_describe(task))
    return 0


def _describe(task):
    inputs = f"{task['inputs']} inputs"
    if task.get("features"):
        inputs += f", fed to the network as {', '.join(task['features'])}"
    if task["type"] is None:
        return f"exported by the playground: {inputs}"
    if task["type"] == "regression":
        return f"trained by glassnet train for regression on {inputs}"
    classes = ", ".join(f"{c:g}" if isinstance(c, float) else str(c) for c in task["classes"])
    return f"trained by glassnet train for classification ({classes}) on {inputs}"


def _plain(value):
    """NumPy scalars and arrays in a config, as JSON numbers and lists."""
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON-serializable")
