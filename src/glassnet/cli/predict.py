"""``glassnet predict``: a saved model's predictions for the examples of a CSV file.

One prediction per line, in the order of the file's lines: the class label for a
classifier, the value for a regression. A network saved by ``glassnet train`` knows its
classes and its input feature maps; a network saved with ``glassnet.save`` prints its
output A[L] (the units of one example separated by commas), and so does one exported by
the playground, whose input features (x1², sin x1, a formula, …) are computed from the
file's raw columns x1[, x2]; a saved estimator prints its ``predict``.
"""


import json
import sys

import numpy as np

from .. import csvfiles, expressions, io, metrics
from ..errors import DataError
from ..network import Network
from .options import STDIO, existing_file, existing_file_or_stdin, output_path, read_csv, read_model


def add_parser(subparsers):
    parser = subparsers.add_parser(
        "predict", help="print a saved model's predictions for a CSV file",
        description=("Print the predictions of MODEL (saved by glassnet train --save or "
                     "glassnet.save) for each line of DATA, a CSV file of numbers. A file with "
                     "one column more than the model's inputs is taken to hold the label where "
                     "glassnet train read it (by default the last column), which is left out."))
    parser.add_argument("model", type=existing_file, metavar="MODEL", help="a saved model (.npz)")
    parser.add_argument("data", type=existing_file_or_stdin, metavar="DATA",
                        help="a CSV file, or - to read it from standard input")
    parser.add_argument("--label-column", type=int, metavar="J",
                        help="leave out column J (e.g. -1 for the last), the label")
    parser.add_argument("--delimiter", default=",", metavar="C",
                        help="the CSV file's field separator (default: ,)")
    parser.add_argument("--output", "-o", type=output_path, metavar="FILE",
                        help="write the predictions to FILE (atomically) instead of printing them")
    parser.add_argument("--json", action="store_true",
                        help="write the predictions as one JSON list instead of lines")
    parser.set_defaults(run=run)
    return parser


def run(args):
    model, task = read_model(args.model)
    X = _examples(args, model, task)
    if isinstance(model, Network):
        lines = _network_predictions(model, task, X, args.data)
    else:
        lines = [_format(value) for value in model.predict(X.T)]  # estimators take rows
    text = (json.dumps([_json_value(line) for line in lines]) + "\n" if args.json
            else "".join(f"{line}\n" for line in lines))
    if args.output is None:
        sys.stdout.write(text)
    else:
        io.write_text(args.output, text)
        print(f"wrote {len(lines)} predictions to {args.output}")
    return 0


def _n_inputs(model, task):
    if task is not None:
        return task["inputs"]
    return model.n_x if isinstance(model, Network) else model.n_features_in_


def _examples(args, model, task):
    """The CSV's examples as columns (n inputs, m), the label column left out."""
    n_inputs = _n_inputs(model, task)
    if args.data == STDIO:
        X, _ = read_csv("/dev/stdin", label_column=None, delimiter=args.delimiter)
        return _without_label(args, task, X, n_inputs)
    n_columns = csvfiles.width(args.data, args.delimiter)
    drop = args.label_column
    if drop is None and n_columns == n_inputs + 1:  # the label where glassnet train read it
        drop = (task or {}).get("label_column", -1)
    if drop is not None and not -n_columns <= drop < n_columns:
        raise DataError(f"--label-column {drop} does not exist: {args.data} has "
                        f"{n_columns} columns")
    X, _ = read_csv(args.data, label_column=drop, delimiter=args.delimiter)
    return _checked(args, X, n_inputs)


def _without_label(args, task, X, n_inputs):
    drop = args.label_column
    if drop is None and X.shape[0] == n_inputs + 1:
        drop = (task or {}).get("label_column", -1)
    if drop is not None:
        if not -X.shape[0] <= drop < X.shape[0]:
            raise DataError(f"--label-column {drop} does not exist: {args.data} has "
                            f"{X.shape[0]} columns")
        X = np.delete(X, drop, axis=0)
    return _checked(args, X, n_inputs)


def _checked(args, X, n_inputs):
    if X.shape[0] != n_inputs:
        raise DataError(f"{args.data} has {X.shape[0]} feature columns, but the model takes "
                        f"{n_inputs} inputs")
    return X


def _network_predictions(net, task, X, source):
    if task is not None and task.get("features"):  # the raw columns x1[, x2] → A[0]
        if X.shape[0] == 1:  # one input, x1: x2 = 0 (as the playground's 1-D data sets)
            X = np.vstack([X, np.zeros_like(X)])
        X = expressions.feature_inputs(X, task["features"], where=f"in {source} at")
    A = net.forward(X)
    if task is None or task["type"] is None:  # A[L] itself
        return [", ".join(_format(a) for a in column) for column in A.T]
    if task["type"] == "regression":
        return [_format(a) for a in A[0]]
    classes = np.asarray(task["classes"])
    return [_format(c) for c in classes[metrics.classes(A, metrics.threshold_for(
        net.output_activation))]]


def _format(value):
    if isinstance(value, (float, np.floating)):
        return f"{value:.10g}"
    return str(value)


def _json_value(line):
    """A prediction for --json: a number where the line is one, else the text."""
    try:
        return float(line)
    except ValueError:
        return line
