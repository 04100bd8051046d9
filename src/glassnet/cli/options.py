"""Argument types and readers shared by the commands of ``glassnet``.

Each command module imports what it needs from here, never from another command: a
number's range (``positive_int``, ``ratio`` …), a registry's names (``named``), a file
to read (``existing_file``) or write (``output_path``), a saved model (``read_model``),
a CSV file (``read_csv``) and the check that an extra is installed (``require``). An argument type raises ``argparse.ArgumentTypeError``,
which argparse turns into a one-line usage error (exit code 2); a range that only the
library knows (a data set's noise) is checked there and reported as a ``UsageError``,
with the same exit code.
"""

import argparse
import contextlib
import importlib.util
from pathlib import Path

from .. import csvfiles, expressions, io
from ..errors import ConfigError, DataError, FileFormatError, GlassnetError

#: the name that stands for standard input (DATA) or standard output (--output)
STDIO = "-"


class UsageError(ConfigError):
    """An argument of the command line the library refused: a usage error (exit code 2)."""


@contextlib.contextmanager
def arguments_checked_by_the_library():
    """Turn the ConfigError a library call raises about the command's own arguments
    (``--noise 0.9`` for a playground data set) into a UsageError."""
    try:
        yield
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def _argument_type(name, convert, check, requirement):
    def parse(text):
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {requirement}") from None
        if not check(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not {requirement}")
        return value
    parse.__name__ = name  # argparse names the type in its messages
    return parse


positive_int = _argument_type("positive_int", int, lambda v: v >= 1, "a whole number ≥ 1")
whole_number = _argument_type("whole_number", int, lambda v: v >= 0, "a whole number ≥ 0")
positive_float = _argument_type("positive_float", float, lambda v: 0 < v < float("inf"),
                                "a number > 0")
non_negative = _argument_type("non_negative", float, lambda v: 0 <= v < float("inf"),
                              "a number ≥ 0")
ratio = _argument_type("ratio", float, lambda v: 0 < v < 1, "a number between 0 and 1")


def named(module):
    """An argument type that accepts the names (and aliases) of a registry."""
    def parse(text):
        try:
            module.get(text)
        except GlassnetError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return text
    parse.__name__ = module.__name__.rsplit(".", 1)[-1]
    return parse


def hidden_activation(text):
    """An argument type: an activation that can be g[l] of a hidden layer (not softmax)."""
    from .. import activations

    named(activations)(text)
    g = activations.get(text)
    if not g.elementwise:
        raise argparse.ArgumentTypeError(
            f"{text} cannot be a hidden layer's g: it turns a layer's scores into "
            "probabilities that sum to 1, tying every unit to all the others; it belongs "
            f"to the output layer (--output {text})")
    return text


def existing_file(text):
    """An argument type: the path of a regular file that exists (not a folder, FIFO or device)."""
    path = Path(text)
    if not path.exists():
        raise argparse.ArgumentTypeError(f"no such file: {text!r}")
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{text!r} is not a regular file")
    return path


def existing_file_or_stdin(text):
    """An argument type: ``-`` (standard input) or the path of a file that exists."""
    return STDIO if text == STDIO else existing_file(text)


def output_path(text):
    """An argument type: a file to write, in a folder that exists."""
    path = Path(text)
    if len(path.name.encode()) > 255:  # checked first: stat() itself fails on such a name
        raise argparse.ArgumentTypeError(f"cannot write {text[:40]!r}…: the file name is "
                                         f"{len(path.name.encode())} bytes, the limit is 255")
    if path.is_dir() or not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"cannot write {text!r}: "
                                         + ("it is a folder" if path.is_dir() else
                                            f"there is no folder {str(path.parent)!r}"))
    return path


def read_model(path):
    """(model, task): the saved Network or estimator and, for a network saved by
    ``glassnet train`` or exported by the playground, its task (type, inputs, features,
    classes; ``_playground_task``) or None."""
    try:
        kind, meta, arrays = io.read_archive(path)
    except OSError as exc:
        raise FileFormatError(f"cannot read {path}: {io.os_reason(exc)}") from None
    model = io.rebuild(kind, meta, arrays, source=path)
    task = meta.get("task") if kind == "network" else None
    if kind == "network" and task is None and "features" in meta:
        return model, _playground_task(meta, model, path)
    if task is not None:
        _check_task(task, path)
        n_out = model.layers[-1].units
        if task.get("features") and len(task["features"]) != model.n_x:
            raise FileFormatError(f"{path}: its task lists {len(task['features'])} features, but "
                                  f"the network takes n_x = {model.n_x} inputs")
        if task["type"] == "classification" and len(task["classes"]) != max(n_out, 2):
            raise FileFormatError(f"{path}: its task lists {len(task['classes'])} classes, but the "
                                  f"network's {n_out} output unit(s) tell {max(n_out, 2)} apart")
    return model, task


def _playground_task(meta, net, path):
    """The task of a network exported by the playground: its inputs are the features its
    metadata names (built-in ones and a formula, ``expressions.feature_inputs``) of the raw
    columns x1[, x2] (``inputs``; without it, 2 when a feature uses x2); type None, as its
    outputs are A[L] itself."""
    features = meta["features"]
    if not (isinstance(features, list) and features and all(isinstance(f, str) for f in features)):
        raise FileFormatError(f"{path}: its features {_short(features)} are not a list of names")
    if len(features) != net.n_x:
        raise FileFormatError(f"{path}: it lists {len(features)} features, but the network "
                              f"takes n_x = {net.n_x} inputs")
    try:
        uses_x2 = any(expressions.parse(f).uses("x2") for f in features)
    except ConfigError as exc:
        raise FileFormatError(f"{path}: a feature it lists is not a formula: {exc}") from None
    inputs = meta.get("inputs", 2 if uses_x2 else 1)
    if inputs not in (1, 2) or isinstance(inputs, bool) or (inputs == 1 and uses_x2):
        raise FileFormatError(f"{path}: it has inputs {_short(inputs)}, not 1 (x1) or 2 (x1, x2)"
                              f" for the features {', '.join(features)}")
    return {"type": None, "inputs": inputs, "features": features, "classes": None}


_TASK_TYPES = ("regression", "classification")


def _check_task(task, path):
    """Refuse a ``task`` entry that ``glassnet train`` would never write, naming the culprit."""
    def bad(what):
        raise FileFormatError(f"{path}: its task entry {what}; it was not written by glassnet train")

    if not isinstance(task, dict):
        bad(f"is a {type(task).__name__}, not a mapping")
    if task.get("type") not in _TASK_TYPES:
        bad(f"has type {_short(task.get('type'))}, not one of {', '.join(_TASK_TYPES)}")
    if not _whole(task.get("inputs"), 1):
        bad(f"has inputs {_short(task.get('inputs'))}, not a whole number ≥ 1")
    if "label_column" in task and not (_whole(task["label_column"], None)
                                       and -task["inputs"] - 1 <= task["label_column"] <= task["inputs"]):
        bad(f"has label_column {_short(task['label_column'])}, not a column of its "
            f"{task['inputs'] + 1} columns")
    features = task.get("features")
    if features is not None and not (isinstance(features, list)
                                     and all(isinstance(f, str) for f in features)):
        bad(f"has features {_short(features)}, not a list of names")
    classes = task.get("classes")
    if task["type"] == "classification" and not (
            isinstance(classes, list) and classes
            and all(isinstance(c, (int, float, str)) for c in classes)):
        bad(f"has classes {_short(classes)}, not a list of labels")


def _whole(value, minimum):
    return (isinstance(value, int) and not isinstance(value, bool)
            and (minimum is None or value >= minimum))


def _short(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "…"


def read_csv(path, label_column, delimiter=",", drop_missing=False):
    """``csvfiles.read``, with a file that cannot be opened as an expected error."""
    try:
        return csvfiles.read(path, label_column, delimiter=delimiter, drop_missing=drop_missing)
    except OSError as exc:
        raise DataError(f"cannot read {path}: {io.os_reason(exc)}") from None


def require(module, extra, what):
    """Refuse, before any work, an option whose extra is not installed (a ConfigError
    with the install command)."""
    if importlib.util.find_spec(module) is None:
        raise ConfigError(f"{what} needs {module}, which is not installed: "
                          f"pip install 'glassnet[{extra}]'")
