"""validation.check_finite: a finite sum of the entries proves them finite; a sum that is
not finite, also when finite entries overflow it, sends them to the exact test, which names
the first bad entry."""

import numpy as np
import pytest

from glassnet.errors import DataError
from glassnet.validation import check_finite, check_X

MESSAGE = "X holds {} at [{}, {}]; remove or fill missing values before training"
SHOWN = {"nan": "nan", "inf": "inf", "-inf": "-inf"}


def _X(dtype, order, shape=(5, 7)):
    rng = np.random.default_rng(0)
    return np.asarray(rng.uniform(-1, 1, size=shape), dtype=dtype, order=order)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("bad", ["nan", "inf", "-inf"])
@pytest.mark.parametrize("where", [(0, 0), (2, 3), (4, 6)])
def test_a_non_finite_entry_is_named_exactly(dtype, order, bad, where):
    X = _X(dtype, order)
    X[where] = float(bad)
    with pytest.raises(DataError) as err:
        check_X(X, 5, dtype)
    assert str(err.value) == MESSAGE.format(SHOWN[bad], *where)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_first_bad_entry_in_row_order_is_named(dtype):
    X = _X(dtype, "F")
    X[3, 1], X[1, 5], X[1, 6] = np.inf, -np.inf, np.nan
    with pytest.raises(DataError) as err:
        check_X(X, 5, dtype)
    assert str(err.value) == MESSAGE.format("-inf", 1, 5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_inf_and_minus_inf_in_one_example_are_caught(dtype):
    """inf + (−inf) is NaN: the column's sum is not finite either way."""
    X = _X(dtype, "F")
    X[1, 2], X[3, 2] = np.inf, -np.inf
    with pytest.raises(DataError) as err:
        check_X(X, 5, dtype)
    assert str(err.value) == MESSAGE.format("inf", 1, 2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("order", ["C", "F"])
def test_finite_entries_whose_column_sums_overflow_are_accepted(dtype, order):
    big = np.finfo(dtype).max / 2
    X = np.full((4, 3), big, dtype=dtype, order=order)  # each column sums to 2·max: inf
    with np.errstate(over="ignore"):
        assert not np.isfinite(X.sum(axis=0)).any()
    assert check_X(X, 4, dtype) is X


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_finite_entries_whose_total_overflows_are_accepted(dtype):
    """One feature: each example's sum is its entry, finite; the total overflows."""
    X = np.full((1, 4), np.finfo(dtype).max / 2, dtype=dtype)
    assert check_X(X, 1, dtype) is X


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_nan_among_overflowing_entries_is_still_named(dtype):
    X = np.full((4, 3), np.finfo(dtype).max / 2, dtype=dtype)
    X[2, 1] = np.nan
    with pytest.raises(DataError) as err:
        check_X(X, 4, dtype)
    assert str(err.value) == MESSAGE.format("nan", 2, 1)


def test_other_arrays_are_checked_the_same_way():
    """1-D, 3-D, float16 and integer arrays: the same test, the same naming."""
    for fine in (np.array([1.0, 2.0]), np.array([6e4, 6e4], dtype=np.float16),  # sum: inf
                 np.arange(6).reshape(1, 2, 3), np.array([[2**62, 2**62]])):
        check_finite(fine, "Y")
    costs = np.array([0.5, 0.25, np.nan, 0.1])
    with pytest.raises(DataError, match=r"^the cost holds nan at \[2\]; remove"):
        check_finite(costs, "the cost")
    cube = np.zeros((2, 2, 2), dtype=np.float16)
    cube[1, 0, 1] = np.inf
    with pytest.raises(DataError, match=r"^Y holds inf at \[1, 0, 1\]; remove"):
        check_finite(cube, "Y")


def test_no_entries_are_finite():
    check_finite(np.zeros((0, 3)), "X")
    check_finite(np.zeros((3, 0), dtype=np.float32), "X")
