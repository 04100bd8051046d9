"""CSV files as people have them: one example per line, features and a label column.

``read`` returns the notes' X of shape (n_x, m) (examples are columns) and the labels y
(m,): numbers when every label is one, else the labels as text (``glassnet train`` turns
them into classes, sorted). It copes with a header line (the first line is a header when
none of its feature fields is a number), any one-character delimiter, a UTF-8 byte-order
mark, Windows line endings, quoted fields and blank lines. A line with more or fewer fields
than the first is a ``DataError`` naming the line and both counts (a ragged file); a
missing, non-numeric, NaN or infinite feature value, or an empty label, one naming its line
and column (both from 1), or, with ``drop_missing=True`` (features only), its line is left
out.

The reader is pandas' C parser (``pandas.read_csv`` with ``engine="c"``): kept by the
pandas project and the standard CSV reader of Python's data tools, it reads the feature
columns straight into float64 and the label column as numbers or text in one pass, within
1.5 × of pandas' own default (it is that reader) where NumPy's ``loadtxt`` takes 4 × as
long, and it knows delimiters, quotes and Windows line endings. It is strict where glassnet
needs it: a longer line, an empty or non-numeric feature is refused, not guessed at
(``na_filter=False``: no "NA" or empty field becomes NaN). pyarrow's reader is as fast but
a far larger install. Python's ``csv`` module reads only the first line (to find a header)
and, when pandas refuses a file, scans it again to name the culprit line and column in the
notes' terms.
"""

import csv
import io
import math
import os
import warnings

import numpy as np

from .errors import ConfigError, DataError

__all__ = ["read", "width"]

_ENCODING = "utf-8-sig"  # UTF-8, with the byte-order mark some editors write skipped


def read(path, label_column=-1, *, delimiter=",", drop_missing=False):
    """(X (n_x, m), y (m,)) of a CSV file; ``label_column=None``: every column a feature
    and y is None. ``label_column`` is an index (negative counts from the end)."""
    with _opened(path) as file:
        fields, first = _first_line(file, path, delimiter)
        n_columns = len(fields)
        label = _label_index(label_column, n_columns, path)
        features = [j for j in range(n_columns) if j != label]
        header = not any(_is_number(fields[j]) for j in features)
        skip = first if header else first - 1  # the lines before the first example
        scan = (file, path, delimiter, skip, n_columns, features, label)
        bad = _culprits(*scan, drop=True) if drop_missing else set()
        try:
            X, y = _table(file, delimiter, skip, bad, n_columns, features, label)
        except ValueError:  # pandas' ParserError is one: a ragged line, a non-number
            _culprits(*scan)
            raise DataError(f"{path} is not a readable CSV file") from None
        if X.shape[1] == 0:
            raise DataError(f"{path} holds no examples (no lines of numbers)")
        if not np.isfinite(X).all() or (y is not None and not _labels_usable(y)):
            _culprits(*scan)
        return X, y


def width(path, delimiter=","):
    """The number of columns of a CSV file (those of its first non-blank line)."""
    with _opened(path) as file:
        return len(_first_line(file, path, delimiter)[0])


# ---------------------------------------------------------------------- the passes
def _opened(path):
    """The file as text; a pipe (standard input) is read once into memory, because the
    reader passes over the file more than once."""
    try:
        if os.path.isfile(path):
            return open(path, encoding=_ENCODING, newline="")
        with open(path, "rb") as pipe:
            return io.StringIO(pipe.read().decode(_ENCODING), newline="")
    except UnicodeDecodeError:
        raise DataError(f"{path} is not a text (UTF-8) CSV file") from None


def _rows(file, path, delimiter):
    """(line number, fields) of each non-blank line, read by Python's csv module."""
    file.seek(0)
    try:
        for line_no, fields in enumerate(csv.reader(file, delimiter=delimiter), 1):
            if any(field.strip() for field in fields):
                yield line_no, fields
    except UnicodeDecodeError:
        raise DataError(f"{path} is not a text (UTF-8) CSV file") from None
    except csv.Error as exc:
        raise DataError(f"{path} is not a readable CSV file: {exc}") from None


def _first_line(file, path, delimiter):
    """(fields of the first non-blank line, its line number)."""
    for line_no, fields in _rows(file, path, delimiter):
        return fields, line_no
    raise DataError(f"{path} holds no examples (no lines of numbers)")


def _table(file, delimiter, skip, bad, n_columns, features, label):
    """X (n_x, m) float64 and the label column (numbers or stripped text, or None) of the
    lines after the first ``skip``, without those in ``bad`` (numbers from 1)."""
    import pandas

    file.seek(0)
    try:
        with warnings.catch_warnings():
            # lines all longer than the first (the header): pandas warns and keeps their
            # first columns; here it is a ValueError, and the caller names a ragged line
            warnings.simplefilter("error", pandas.errors.ParserWarning)
            table = pandas.read_csv(
                file, sep=delimiter, header=None, names=range(n_columns), index_col=False,
                skiprows=[*range(skip), *(line_no - 1 for line_no in sorted(bad))],
                dtype=dict.fromkeys(features, np.float64), na_filter=False, engine="c",
                quotechar='"', skip_blank_lines=True)
    except pandas.errors.ParserWarning as exc:
        raise ValueError(str(exc)) from None
    except pandas.errors.EmptyDataError:  # nothing after the header
        return np.empty((len(features), 0)), None
    except UnicodeDecodeError:
        raise DataError(f"{getattr(file, 'name', 'the input')} is not a text (UTF-8) CSV "
                        "file") from None
    X = np.empty((len(features), len(table)))  # the notes' layout, filled column by column
    for i, j in enumerate(features):
        X[i] = table[j].to_numpy()
    if label is None:
        return X, None
    y = table[label].to_numpy()
    if y.dtype.kind in "iuf":
        return X, y.astype(np.float64, copy=False)
    y = np.char.strip(y.astype(str))
    try:  # numbers pandas left as text ("nan", a quoted number): numbers
        return X, y.astype(np.float64)
    except ValueError:
        return X, y


def _labels_usable(y):
    """Whether every label is a finite number, or (text) is not empty."""
    return bool(np.isfinite(y).all()) if y.dtype.kind == "f" else not (y == "").any()


def _culprits(file, path, delimiter, skip, n_columns, features, label, drop=False):
    """The lines (numbers from 1) holding a feature that is not a finite number. A ragged
    line, an empty (or, among numbers, non-finite) label and, without ``drop``, the first
    bad feature are raised as a DataError naming the line and column."""
    bad = set()
    labels = []
    for line_no, fields in _rows(file, path, delimiter):
        if line_no <= skip:
            continue
        if len(fields) != n_columns:
            raise DataError(f"{path}, line {line_no}: {len(fields)} columns, but the lines "
                            f"before have {n_columns} (a ragged file)")
        for j in features:
            problem = _problem(fields[j])
            if problem and not drop:
                raise DataError(f"{path}, line {line_no}, column {j + 1}{problem}")
            if problem:
                bad.add(line_no)
        if label is not None and line_no not in bad:
            labels.append((line_no, fields[label].strip()))
    _check_labels(labels, path, label)
    return bad


def _check_labels(labels, path, label):
    """An empty label, or a label that is a non-finite number among numbers, is an error."""
    numbers = all(_is_number(text) for _, text in labels)
    for line_no, text in labels:
        if not text:
            raise DataError(f"{path}, line {line_no}, column {label + 1}: the label is empty "
                            "(a missing value); fill it or remove the line")
        if numbers and _problem(text):
            raise DataError(f"{path}, line {line_no}, column {label + 1}{_problem(text)}")


def _problem(text):
    """Why a feature field is unusable ('' when it is a finite number)."""
    if not text.strip():
        return " is empty (a missing value); fill or remove it (or drop such lines)"
    try:
        value = float(text)
    except ValueError:
        return f": {text.strip()!r} is not a number"
    if not math.isfinite(value):
        return (f" holds {text.strip()!r}, not a finite number; fill or remove missing "
                "values")
    return ""


def _is_number(text):
    return not _problem(text) or _problem(text).startswith(" holds")


def _label_index(label_column, n_columns, path):
    if label_column is None:
        return None
    if n_columns < 2:
        raise DataError(f"{path} has a single column: it needs feature columns and a "
                        "label column")
    if isinstance(label_column, bool) or not isinstance(label_column, (int, np.integer)) or not (
            -n_columns <= label_column < n_columns):
        raise ConfigError(f"label_column must be a column index from {-n_columns} to "
                          f"{n_columns - 1} ({path} has {n_columns} columns), got "
                          f"{label_column!r}")
    return label_column % n_columns
