"""``glassnet train``: train a network on a built-in data set or a CSV file, and report.

With no options it trains a 2 → 8 → 8 → 1 tanh network on TensorFlow Playground's circle
(250 training and 250 test points) and prints the training and test cost and accuracy.
Every choice of the notes can be changed: the layers, their activations, the loss, the
initializer, the optimizer, the learning rate α, the batch size, the epochs, the seed.

One ``--seed`` fixes everything: the data, the train/test split, the initial weights and
the minibatch order, each drawn from its own stream spawned from the seed.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from .. import activations, datasets, initializers, io, losses, optimizers
from ..errors import ConfigError, DataError
from ..network import Network
from ..training import train
from . import options

#: built-in data sets beyond the playground's, with their kind of problem
OTHER_DATA = {
    "moons": "classification",
    "spirals": "classification",
    "digits": "classification",
    "and-gate": "classification",
    "or-gate": "classification",
    "xor-gate": "classification",
    "curve": "regression",
}
BUILT_IN = (*datasets.CLASSIFICATION, *datasets.REGRESSION, *OTHER_DATA)
#: more distinct integer labels than this in a CSV file means regression
MAX_CLASSES = 20


# ---------------------------------------------------------------------- the options
def add_parser(subparsers):
    parser = subparsers.add_parser(
        "train", help="train a network on a data set and report its cost and accuracy",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=("Train a network on a built-in data set or a CSV file (one example per\n"
                     "line, the label in the last column) and report the cost J and the\n"
                     "accuracy (R² for regression) on the training and test sets."),
        epilog=("built-in data sets:\n"
                "  TensorFlow Playground's: " + ", ".join(datasets.CLASSIFICATION
                                                           + datasets.REGRESSION) + "\n"
                "  more: moons, spirals (--classes arms), digits (scikit-learn's 8×8 digits),\n"
                "        and-gate, or-gate, xor-gate (the notes' truth tables),\n"
                "        curve (1-D regression)"))
    data = parser.add_argument_group("data")
    data.add_argument("data", nargs="?", default="circle", type=_data_source, metavar="DATA",
                      help="a built-in data set or the path of a CSV file (default: circle)")
    data.add_argument("--samples", type=options.positive_int, metavar="M",
                      help="number of points to generate (default: the data set's own)")
    data.add_argument("--noise", type=options.non_negative, help="noise level (playground: 0 … 0.5; "
                      "default: the data set's own)")
    data.add_argument("--classes", type=options.positive_int, default=3, metavar="K",
                      help="number of arms of 'spirals' (default: 3)")
    data.add_argument("--train-ratio", type=options.ratio, default=0.5, metavar="R",
                      help="share of the examples used for training, the rest for testing "
                      "(default: 0.5, as the playground)")
    data.add_argument("--features", nargs="+", choices=list(datasets.FEATURES), metavar="NAME",
                      help="input feature maps of a 2-D data set: " + ", ".join(datasets.FEATURES))
    data.add_argument("--label-column", type=int, default=-1, metavar="J",
                      help="the CSV column holding the label (default: -1, the last)")
    data.add_argument("--delimiter", default=",", metavar="C",
                      help="the CSV file's field separator (default: ,)")
    data.add_argument("--drop-missing", action="store_true",
                      help="leave out CSV lines with a missing or non-numeric feature")
    data.add_argument("--task", choices=["classification", "regression"],
                      help="for a CSV file (default: classification when the labels are at most "
                      f"{MAX_CLASSES} distinct whole numbers)")
    data.add_argument("--standardize", action="store_true",
                      help="train on inputs scaled to mean 0 and variance 1 (folded into W[1] "
                      "and b[1] afterwards, so the saved network takes the raw inputs)")

    net = parser.add_argument_group("network")
    net.add_argument("--layers", nargs="*", type=options.positive_int, default=[8, 8], metavar="N",
                     help="units of each hidden layer (default: 8 8; none: no hidden layer)")
    net.add_argument("--activation", nargs="+", type=options.hidden_activation, default=["tanh"],
                     metavar="G", help="hidden activation g, one for all or one per layer: "
                     + ", ".join(activations.activations.names()) + " (default: tanh)")
    net.add_argument("--output", type=options.named(activations), metavar="G",
                     help="output activation g[L] (default: sigmoid for two classes, softmax "
                     "for more, linear for regression)")
    net.add_argument("--loss", type=options.named(losses), metavar="L", help="the loss: "
                     + ", ".join(losses.losses.names()) + " (default: the one that goes with "
                     "the output)")
    net.add_argument("--initializer", type=options.named(initializers), metavar="NAME",
                     help="how W[l] starts: " + ", ".join(initializers.initializers.names())
                     + " (default: Xavier for tanh/sigmoid, He for ReLU)")
    net.add_argument("--l1", type=options.non_negative, default=0.0, metavar="λ1", help="L1 rate")
    net.add_argument("--l2", type=options.non_negative, default=0.0, metavar="λ2", help="L2 rate")

    fit = parser.add_argument_group("training")
    fit.add_argument("--optimizer", type=options.named(optimizers), default="adam", metavar="NAME",
                     help=", ".join(optimizers.optimizers.names()) + " (default: adam)")
    fit.add_argument("--learning-rate", "--lr", type=options.positive_float, default=0.01,
                     metavar="α", help="the learning rate α (default: 0.01)")
    fit.add_argument("--batch-size", type=options.whole_number, default=10, metavar="B",
                     help="examples per gradient step (default: 10; 0 for all of them)")
    fit.add_argument("--epochs", type=options.positive_int, default=100, help="passes over the "
                     "training set (default: 100)")
    fit.add_argument("--engine", choices=["numpy", "auto", "compiled"], default="numpy",
                     help="what runs each epoch's steps: NumPy (the default), the compiled "
                     "per-example loop (Numba, the `fast` extra), or auto (compiled when the "
                     "step is small: weights × batch ≤ 10,000); see docs/speed.md")
    fit.add_argument("--seed", type=options.whole_number, default=0,
                     help="fixes the data, the split, the initial weights and the batches "
                     "(default: 0)")

    out = parser.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="print the report as one JSON "
                     "object (messages about written files go to standard error)")
    out.add_argument("--save", type=options.output_path, metavar="FILE", help="save the trained network "
                     "(.npz; glassnet predict and glassnet info read it)")
    out.add_argument("--plot", type=options.output_path, metavar="PNG", help="save the cost curve there and, "
                     "for 2-D classification, the decision boundary next to it (-boundary.png)")
    parser.set_defaults(run=run)
    return parser


def _data_source(text):
    if text in BUILT_IN or Path(text).is_file():
        return text
    raise argparse.ArgumentTypeError(
        f"{text!r} is neither a built-in data set ({', '.join(BUILT_IN)}) nor a file")


# ---------------------------------------------------------------------- the data
class Data:
    """Training and test examples as columns (raw inputs), and what the labels mean."""

    def __init__(self, description, task, X_train, y_train, X_test=None, y_test=None):
        self.description, self.task = description, task
        self.X_train, self.y_train, self.X_test, self.y_test = X_train, y_train, X_test, y_test
        self.n_inputs = X_train.shape[0]
        self.features = None  # names of the feature maps the network sees, if any
        self.classes = None
        if task == "classification":
            labels = y_train if y_test is None else np.concatenate([y_train, y_test])
            self.classes = np.unique(labels)
            if self.classes.size < 2:
                raise DataError(f"the labels hold a single class ({self.classes[0]}); "
                                "classification needs at least two")

    def inputs(self, X):
        """What the network's input layer sees for raw examples X: X or its feature maps."""
        return X if self.features is None else datasets.features(X, self.features)


def load_data(args, seeds):
    """The data set ``args.data`` names, split into training and test sets."""
    name = args.data
    if name in datasets.CLASSIFICATION or name in datasets.REGRESSION:
        task = "classification" if name in datasets.CLASSIFICATION else "regression"
        with options.arguments_checked_by_the_library():
            X, y = datasets.playground(name, args.samples, args.noise or 0.0, seed=seeds[0])
        where = f"{name} (TensorFlow Playground, noise {args.noise or 0:g})"
    elif name.endswith("-gate"):
        X, Y = datasets.truth_table(name[:-len("-gate")])
        # four examples: the network learns the whole table, there is nothing to test on
        return _with_features(Data(f"{name} (the notes' truth table, all 4 rows)",
                                   "classification", X, Y[0]), args.features)
    elif name in OTHER_DATA:
        task = OTHER_DATA[name]
        with options.arguments_checked_by_the_library():
            X, y = _other_data(name, args, seeds[0])
        where = name
    else:
        X, y = options.read_csv(name, args.label_column, args.delimiter, args.drop_missing)
        task = args.task or _guess_task(y)
        where = f"{name} ({task})"
    X_train, y_train, X_test, y_test = datasets.split(X, y, args.train_ratio, seed=seeds[1])
    data = Data(f"{where}: {X_train.shape[1]} training and {X_test.shape[1]} test examples",
                task, X_train, y_train, X_test, y_test)
    return _with_features(data, args.features)


def _other_data(name, args, seed):
    noise = {} if args.noise is None else {"noise": args.noise}
    size = {} if args.samples is None else {"n_samples": args.samples}
    if name == "moons":
        return datasets.moons(**size, **noise, seed=seed)
    if name == "spirals":
        return datasets.spiral(args.classes, **size, **noise, seed=seed)
    if name == "curve":
        return datasets.curve(**size, **noise, seed=seed)
    return datasets.digits()


def _guess_task(y):
    if y.dtype.kind == "U":  # text labels are classes
        return "classification"
    if np.all(y == np.round(y)) and np.unique(y).size <= MAX_CLASSES:
        return "classification"
    return "regression"


def _with_features(data, names):
    if names:
        if data.n_inputs != 2:
            raise ConfigError(f"--features maps the two inputs (x1, x2) of a 2-D data set, "
                              f"but this data set has {data.n_inputs} inputs")
        data.features = list(names)
    return data


def _targets(data, y, g):
    """The notes' Y (n[L], m) for labels y (None: no such part) and output activation g."""
    return None if y is None else datasets.targets(y, g, data.classes)


# ---------------------------------------------------------------------- the run
def run(args):
    if args.plot:
        options.require("matplotlib", "plot", "--plot")
    seeds = [np.random.default_rng(s) for s in np.random.SeedSequence(args.seed).spawn(4)]
    data = load_data(args, seeds)
    X_train = data.inputs(data.X_train)
    X_test = None if data.X_test is None else data.inputs(data.X_test)
    net = _network(args, data, X_train.shape[0], seeds[2])
    Y_train = _targets(data, data.y_train, net.output_activation)
    Y_test = _targets(data, data.y_test, net.output_activation)
    # with --standardize the network trains on (x − μ)/σ, then takes raw x after the fold
    mu, sigma = _standardization(X_train) if args.standardize else (0.0, 1.0)

    def scaled(X):  # no copy of X when it is not standardized
        return (X - mu) / sigma if args.standardize else X

    metric = "r2" if data.task == "regression" else "accuracy"
    history = train(net, scaled(X_train), Y_train, epochs=args.epochs,
                    learning_rate=args.learning_rate, optimizer=args.optimizer,
                    batch_size=args.batch_size or None, seed=seeds[3], metrics=[metric],
                    engine=args.engine,
                    validation_data=None if X_test is None else (scaled(X_test), Y_test))
    if args.standardize:
        _fold_standardization(net, mu, sigma)
    scores = _scores(net, [("training", X_train, Y_train), ("test", X_test, Y_test)], metric)
    say = print if not args.json else (lambda text: print(text, file=sys.stderr))
    if args.json:
        print(_json_report(data, net, history, scores))
    else:
        print(_report(args, data, net, history, scores, metric))
    try:
        if args.save:
            _save(net, args.save, data, args)
            say(f"saved the network to {args.save}")
        if args.plot:
            for path in _plot(args.plot, history, net, data):
                say(f"wrote {path}")
    except OSError as exc:
        raise ConfigError(f"cannot write {exc.filename}: {exc.strerror}") from None
    return 0


def _network(args, data, n_x, seed):
    """The network the options describe, with one output unit per class beyond two."""
    n_out = 1 if data.classes is None or data.classes.size == 2 else data.classes.size
    hidden = args.activation[0] if len(args.activation) == 1 else args.activation
    return Network([n_x, *args.layers, n_out], activations=hidden,
                   output=args.output or ("linear" if data.task == "regression" else None),
                   loss=args.loss, initializer=args.initializer, seed=seed,
                   l1=args.l1, l2=args.l2)


def _standardization(X):
    """μ and σ of each feature (row) of the training inputs; σ = 1 for a constant feature."""
    mu = X.mean(axis=1, keepdims=True)
    sigma = X.std(axis=1, keepdims=True)
    sigma[sigma == 0] = 1.0
    return mu, sigma


def _fold_standardization(net, mu, sigma):
    # W[1] (x − μ)/σ + b[1] = (W[1]/σᵀ) x + (b[1] − (W[1]/σᵀ) μ): the same Z[1] from raw x.
    W1 = net.W[1] / sigma.T
    net.b[1] = net.b[1] - W1 @ mu
    net.W[1] = W1


def _scores(net, sets, metric):
    """{set name: {"cost": J, metric: value}} for each set that has examples."""
    found = {}
    for label, X, Y in sets:
        if X is not None:  # evaluate: a chunk of examples at a time, no cache of all m
            scores = net.evaluate(X, Y, [metric])
            found[label] = {"cost": scores["cost"], metric: scores[metric]}
    return found


def _report(args, data, net, history, scores, metric):
    arch = " → ".join(str(n) for n in net.sizes)
    gs = ", ".join(layer.activation.name for layer in net.layers)
    inputs = f" on {', '.join(data.features)}" if data.features else ""
    batch = min(args.batch_size or data.X_train.shape[1], data.X_train.shape[1])
    lines = [
        f"data      {data.description}",
        f"network   {arch}{inputs} ({gs}), loss {net.loss.name}, {net.n_parameters} parameters",
        f"training  {optimizers.get(args.optimizer).name}, α = {args.learning_rate:g}, "
        f"batch size {batch}, {history.epochs} epochs, seed {args.seed}",
        "",
        f"{'':10}{'cost J':>10}  {'accuracy' if metric == 'accuracy' else 'R²':>8}",
    ]
    for label, found in scores.items():
        score = (f"{100 * found[metric]:7.1f}%" if metric == "accuracy"
                 else f"{found[metric]:8.4f}")
        lines.append(f"{label:10}{found['cost']:10.4g}  {score}")
    return "\n".join(lines)


def _json_report(data, net, history, scores):
    return json.dumps({"data": data.description, "task": data.task, "sizes": net.sizes,
                       "activations": [layer.activation.name for layer in net.layers],
                       "loss": net.loss.name, "parameters": net.n_parameters,
                       "epochs": history.epochs, "scores": scores})


def _save(net, path, data, args):
    # A plain network file (glassnet.load reads it) whose metadata also says how the CLI
    # made its inputs and what its outputs mean, for ``glassnet predict``.
    task = {"type": data.task, "inputs": data.n_inputs, "features": data.features,
            "classes": None if data.classes is None else data.classes.tolist(),
            "label_column": args.label_column}
    io.write_archive(path, "network", {**net.config(), "task": task},
                     {"parameters": net.parameters})


class _OnRawInputs:
    """The network seen from the raw inputs (x1, x2) when it was trained on feature maps."""

    n_x = 2

    def __init__(self, net, data):
        self.net, self.data = net, data
        self.output_activation = net.output_activation

    def forward(self, X):
        return self.net.forward(self.data.inputs(X))


def _plot(path, history, net, data):
    from .. import plotting

    plotting.cost_curve(history, path=path)
    written = [path]
    if data.task == "classification" and data.n_inputs == 2:
        # the test points (all points for a truth table) over the plane of raw (x1, x2)
        X, y = (data.X_train, data.y_train) if data.X_test is None else (data.X_test, data.y_test)
        boundary = path.with_name(f"{path.stem}-boundary{path.suffix}")
        plotting.decision_boundary(_OnRawInputs(net, data), X, y, path=boundary)
        written.append(boundary)
    return written
