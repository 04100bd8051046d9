"""CSV files as people have them: one example per line, features and a label column.

``read`` returns the notes' X of shape (n_x, m) (examples are columns) and the labels y
(m,): numbers when every label is one, else the labels as text (``glassnet train`` turns
them into classes, sorted). It copes with a header line (the first line is a header when
none of its feature fields is a number), any one-character delimiter, a UTF-8 byte-order
mark, Windows line endings, quoted fields and blank lines. A missing, non-numeric, NaN or
infinite feature value is a ``DataError`` naming its line and column (both from 1), or,
with ``drop_missing=True``, its line is left out.

The reader is NumPy's ``np.loadtxt``: since NumPy 1.23 it is a C parser (kept by the NumPy
project, already a dependency) that reads straight into one float64 array, without a
Python object per field, and it knows delimiters, quotes, ``usecols`` and ``skiprows``.
Python's ``csv`` module reads only the first line (to find a header) and, when ``loadtxt``
refuses a file, scans it again to name the culprit line and column in the notes' terms.
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
        fields, skip = _first_line(file, path, delimiter)
        n_columns = len(fields)
        label = _label_index(label_column, n_columns, path)
        features = [j for j in range(n_columns) if j != label]
        header = not any(_is_number(fields[j]) for j in features)
        skip = skip if header else skip - 1
        bad = _bad_lines(file, path, delimiter, skip, n_columns, features, drop_missing) \
            if drop_missing else set()
        try:
            X = _numbers(file, delimiter, skip, features, bad)
        except ValueError:
            _bad_lines(file, path, delimiter, skip, n_columns, features, False)
            raise DataError(f"{path} is not a readable CSV file") from None
        if not np.isfinite(X).all():
            _bad_lines(file, path, delimiter, skip, n_columns, features, False)
        if X.shape[0] == 0:
            raise DataError(f"{path} holds no examples (no lines of numbers)")
        if label is None:
            return X.T.copy(), None
        try:
            y = _labels(file, path, skip, delimiter, label, bad)
        except ValueError:  # a line too short to hold the label, or a non-finite label
            _bad_lines(file, path, delimiter, skip, n_columns, [*features, label], False)
            raise DataError(f"{path} is not a readable CSV file") from None
        return X.T.copy(), y


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


def _lines(file, skip, bad):
    """The file's lines from line ``skip + 1`` on, without those in ``bad`` (numbers
    from 1) and blank ones."""
    file.seek(0)
    try:
        for line_no, line in enumerate(file, 1):
            if line_no > skip and line_no not in bad and line.strip():
                yield line
    except UnicodeDecodeError:
        raise DataError(f"{getattr(file, 'name', 'the input')} is not a text (UTF-8) CSV file") from None


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


def _numbers(file, delimiter, skip, features, bad):
    with warnings.catch_warnings():  # no lines left: "holds no examples", said by read
        warnings.simplefilter("ignore", UserWarning)
        return np.loadtxt(_lines(file, skip, bad), dtype=np.float64, delimiter=delimiter,
                          usecols=features, ndmin=2, comments=None, quotechar='"')


def _labels(file, path, skip, delimiter, label, bad):
    """The label column: numbers if every label is one, else text (stripped); a
    ValueError for a non-finite number or a line without the column."""
    y = np.char.strip(np.loadtxt(_lines(file, skip, bad), dtype=str, delimiter=delimiter,
                                 usecols=[label], ndmin=1, comments=None, quotechar='"'))
    try:
        numbers = y.astype(np.float64)
    except ValueError:
        if (y == "").any():
            raise DataError(f"{path}: example {np.flatnonzero(y == '')[0] + 1} has an empty "
                            f"label (column {label + 1})") from None
        return y
    if not np.isfinite(numbers).all():
        raise ValueError("a label is not a finite number")
    return numbers


def _bad_lines(file, path, delimiter, skip, n_columns, features, drop):
    """The lines (numbers from 1) holding a feature that is not a finite number. Without
    ``drop`` the first one found is raised as a DataError naming its line and column."""
    bad = set()
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
    return bad


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
