"""The built-in data sets: each generator checked against the rule that defines it.

The playground generators follow ../shared/reference/playground-parity.md; the tests
recompute each label from the stated rule (or an independent per-point loop) rather than
from the module's own code.
"""

import math

import numpy as np
import pytest

from glassnet import datasets
from glassnet.errors import ConfigError, DataError, ShapeError


def radius(X):
    return np.hypot(X[0], X[1])


# ---------------------------------------------------------------------- playground
@pytest.mark.parametrize("name, m", [("circle", 500), ("xor", 500), ("gauss", 500),
                                     ("spiral", 500), ("reg-plane", 1200), ("reg-gauss", 1200)])
def test_playground_defaults_shapes_and_determinism(name, m):
    X, y = datasets.playground(name, noise=0.1, seed=7)
    assert X.shape == (2, m) and y.shape == (m,)
    assert X.dtype == y.dtype == np.float64
    X2, y2 = datasets.playground(name, noise=0.1, seed=7)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    X3, _ = datasets.playground(name, noise=0.1, seed=8)
    assert not np.array_equal(X, X3)
    X4, y4 = datasets.playground(name, noise=0.1, seed=np.random.default_rng(7))
    assert np.array_equal(X, X4) and np.array_equal(y, y4)


@pytest.mark.parametrize("name", datasets.CLASSIFICATION)
def test_classification_sets_are_balanced_plus_minus_one(name):
    _, y = datasets.playground(name, n_samples=301, seed=0)
    assert set(np.unique(y)) <= {-1.0, 1.0}
    if name != "xor":  # xor's classes follow the random quadrants
        assert np.sum(y == 1) == 151 and np.sum(y == -1) == 150


def test_circle_label_is_plus_one_iff_radius_below_2_5():
    X, y = datasets.playground("circle", n_samples=2000, seed=1)
    r = radius(X)
    assert np.array_equal(y == 1, r < 2.5)
    assert np.all(r[y == 1] < 2.5) and np.all((r[y == -1] >= 3.5) & (r[y == -1] <= 5))
    assert np.sum(y == 1) == 1000
    # angles cover the whole circle
    angles = np.arctan2(X[1], X[0])
    assert angles.min() < -3 and angles.max() > 3


@pytest.mark.parametrize("noise", [0.1, 0.3, 0.5])
def test_circle_noise_flips_labels_only_near_the_boundary(noise):
    X0, y0 = datasets.playground("circle", n_samples=3000, seed=2)
    X, y = datasets.playground("circle", n_samples=3000, noise=noise, seed=2)
    assert np.array_equal(X, X0)  # positions stay clean
    flipped = y != y0
    assert flipped.any()
    # the label is taken at a point moved by at most 5·noise in each coordinate
    assert np.all(np.abs(radius(X)[flipped] - 2.5) <= 5 * noise * math.sqrt(2))


def test_xor_label_is_the_sign_of_x1_times_x2_and_points_avoid_the_axes():
    X, y = datasets.playground("xor", n_samples=2000, seed=3)
    assert np.array_equal(y == 1, X[0] * X[1] >= 0)
    assert np.all(np.abs(X) >= 0.3) and np.all(np.abs(X) <= 5.3)


@pytest.mark.parametrize("noise", [0.1, 0.5])
def test_xor_noise_flips_labels_only_near_the_axes(noise):
    X0, y0 = datasets.playground("xor", n_samples=3000, seed=4)
    X, y = datasets.playground("xor", n_samples=3000, noise=noise, seed=4)
    assert np.array_equal(X, X0)
    flipped = y != y0
    assert flipped.any()
    assert np.all(np.min(np.abs(X[:, flipped]), axis=0) <= 5 * noise)


@pytest.mark.parametrize("noise, variance", [(0.0, 0.5), (0.2, 1.9), (0.5, 4.0)])
def test_gauss_blobs_have_the_playground_variance(noise, variance):
    X, y = datasets.playground("gauss", n_samples=40000, noise=noise, seed=5)
    for label, centre in [(1, 2.0), (-1, -2.0)]:
        points = X[:, y == label]
        assert np.allclose(points.mean(axis=1), centre, atol=0.05)
        assert np.allclose(points.var(axis=1), variance, rtol=0.05)


def test_two_spirals_follow_the_playground_formula():
    n = 200
    X, y = datasets.playground("spiral", n_samples=2 * n, seed=0)
    pos, neg = X[:, y == 1], X[:, y == -1]
    for i in range(n):  # the parity file's formula, point by point
        r = 5 * i / n
        t = 1.75 * 2 * math.pi * i / n
        assert pos[:, i] == pytest.approx([r * math.sin(t), r * math.cos(t)], abs=1e-12)
        assert neg[:, i] == pytest.approx([r * math.sin(t + math.pi), r * math.cos(t + math.pi)],
                                          abs=1e-12)
    assert radius(pos).max() < 5 and np.allclose(radius(pos), 5 * np.arange(n) / n)


def test_two_spirals_noise_moves_each_coordinate_by_at_most_noise():
    X0, _ = datasets.playground("spiral", seed=6)
    X, _ = datasets.playground("spiral", noise=0.3, seed=6)
    shift = np.abs(X - X0)
    assert shift.max() <= 0.3 and shift.max() > 0.25


def test_reg_plane_label_is_x1_plus_x2_over_10():
    X, y = datasets.playground("reg-plane", seed=9)
    assert np.all(np.abs(X) <= 6)
    assert np.allclose(y, (X[0] + X[1]) / 10, rtol=0, atol=1e-15)
    Xn, yn = datasets.playground("reg-plane", noise=0.25, seed=9)
    assert np.array_equal(Xn, X)
    gap = np.abs(yn - (X[0] + X[1]) / 10)
    assert gap.max() <= 2 * 6 * 0.25 / 10 and gap.max() > 0.2


def reg_gauss_label(x, y):
    """The parity file's rule, one point at a time."""
    centres = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1),
               (4, -2.5, -1)]
    label = 0.0
    for cx, cy, sign in centres:
        candidate = sign * max(0.0, 1 - math.dist((x, y), (cx, cy)) / 2)
        if abs(candidate) > abs(label):
            label = candidate
    return label


def test_reg_gauss_matches_a_per_point_implementation():
    X, y = datasets.playground("reg-gauss", n_samples=3000, seed=10)
    expected = [reg_gauss_label(a, b) for a, b in X.T]
    assert np.allclose(y, expected, rtol=0, atol=1e-12)
    assert np.all(np.abs(y) <= 1) and (y > 0.5).any() and (y < -0.5).any()
    assert np.mean(y == 0) > 0.2  # far from every bump the label is 0


def test_reg_gauss_noise_takes_the_label_at_a_moved_point():
    X0, y0 = datasets.playground("reg-gauss", seed=11)
    X, y = datasets.playground("reg-gauss", noise=0.1, seed=11)
    assert np.array_equal(X, X0) and not np.array_equal(y, y0)
    # the label moves at most as far as the point (the bumps have slope 1/2)
    assert np.all(np.abs(y - y0) <= 0.5 * 6 * 0.1 * math.sqrt(2) + 1e-12)


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "moons"}, "unknown playground data set"),
    ({"name": "circle", "noise": 0.6}, "noise must lie in"),
    ({"name": "circle", "noise": -0.1}, "noise must be a finite number"),
    ({"name": "circle", "n_samples": 0}, "n_samples"),
    ({"name": "circle", "seed": -1}, "seed"),
    ({"name": "circle", "seed": 1.5}, "seed"),
])
def test_playground_bad_settings(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        datasets.playground(**kwargs)


# ---------------------------------------------------------------------- split
def test_split_is_a_seeded_shuffle_then_first_ratio_for_training():
    m = 101
    X = np.vstack([np.arange(m), -np.arange(m)]).astype(float)
    y = np.arange(m) * 10
    Xtr, ytr, Xte, yte = datasets.split(X, y, train_ratio=0.3, seed=0)
    assert Xtr.shape == (2, 30) and Xte.shape == (2, 71)  # ⌊0.3·101⌋ = 30
    assert np.array_equal(ytr, Xtr[0] * 10) and np.array_equal(yte, Xte[0] * 10)
    assert sorted(np.concatenate([Xtr[0], Xte[0]])) == list(range(m))
    assert not np.array_equal(Xtr[0], np.arange(30))  # shuffled
    again = datasets.split(X, y, train_ratio=0.3, seed=0)
    assert all(np.array_equal(a, b) for a, b in zip(again, (Xtr, ytr, Xte, yte)))
    order = np.random.default_rng(0).permutation(m)  # the seeded generator's shuffle
    assert np.array_equal(Xtr[0], order[:30])


def test_split_keeps_one_hot_columns_with_their_examples():
    X = np.arange(10, dtype=float).reshape(1, 10)
    Y, _ = datasets.one_hot(np.arange(10) % 3)
    Xtr, Ytr, _, _ = datasets.split(X, Y, seed=1)
    assert Ytr.shape == (3, 5)
    assert np.array_equal(np.argmax(Ytr, axis=0), Xtr[0].astype(int) % 3)


@pytest.mark.parametrize("ratio, error", [(0, ConfigError), (1, ConfigError), (True, ConfigError),
                                          (0.01, DataError)])
def test_split_bad_ratio(ratio, error):
    X, y = datasets.playground("circle", n_samples=20, seed=0)
    with pytest.raises(error):
        datasets.split(X, y, train_ratio=ratio)


def test_split_shape_mismatch():
    with pytest.raises(ShapeError, match="same m"):
        datasets.split(np.zeros((2, 5)), np.zeros(4))


# ---------------------------------------------------------------------- features
def test_feature_maps_are_the_playground_seven():
    rng = np.random.default_rng(0)
    X = rng.uniform(-6, 6, (2, 50))
    x1, x2 = X
    expected = {"x1": x1, "x2": x2, "x1^2": x1 * x1, "x2^2": x2 * x2, "x1*x2": x1 * x2,
                "sin(x1)": np.sin(x1), "sin(x2)": np.sin(x2)}
    assert list(datasets.FEATURES) == list(expected)
    F = datasets.features(X, list(expected))
    assert F.shape == (7, 50)
    for row, values in zip(F, expected.values()):
        assert np.allclose(row, values, rtol=1e-15, atol=0)
    assert np.array_equal(datasets.features(X, ["x2", "x1"]), X[::-1])


def test_feature_errors():
    with pytest.raises(ConfigError, match="unknown feature 'x3'"):
        datasets.features(np.zeros((2, 3)), ["x1", "x3"])
    with pytest.raises(ConfigError, match="at least one"):
        datasets.features(np.zeros((2, 3)), [])
    with pytest.raises(ShapeError, match=r"\(2, m\)"):
        datasets.features(np.zeros((3, 2)), ["x1"])


# ---------------------------------------------------------------------- small classics
@pytest.mark.parametrize("name, gate", [("and", lambda a, b: a and b), ("or", lambda a, b: a or b),
                                        ("xor", lambda a, b: a != b), ("XOR", lambda a, b: a != b)])
def test_truth_tables(name, gate):
    X, Y = datasets.truth_table(name)
    assert X.shape == (2, 4) and Y.shape == (1, 4)
    assert {tuple(c) for c in X.T} == {(0, 0), (0, 1), (1, 0), (1, 1)}
    for (a, b), y in zip(X.T, Y[0]):
        assert y == float(bool(gate(bool(a), bool(b))))


def test_truth_table_unknown():
    with pytest.raises(ConfigError, match="and, or, xor"):
        datasets.truth_table("nand")


def test_moons_match_scikit_learn_shapes_without_noise():
    sk = pytest.importorskip("sklearn.datasets")
    X, y = datasets.moons(n_samples=101, noise=0.0)
    Xs, ys = sk.make_moons(n_samples=101, noise=0.0, shuffle=False)
    assert X.shape == (2, 101)
    assert np.allclose(X, Xs.T, atol=1e-12) and np.array_equal(y, ys)


def test_moons_noise_is_gaussian_with_that_deviation():
    X0, _ = datasets.moons(n_samples=20000, noise=0.0)
    X, y = datasets.moons(n_samples=20000, noise=0.2, seed=0)
    assert np.std(X - X0) == pytest.approx(0.2, rel=0.03)
    assert np.sum(y == 0) == np.sum(y == 1) == 10000


def test_k_class_spiral_radii_classes_and_angles():
    X, y = datasets.spiral(n_classes=3, n_samples=301, noise=0.3, seed=0)
    assert X.shape == (2, 301) and y.dtype.kind == "i"
    assert np.bincount(y).tolist() == [101, 100, 100]
    for j, n in enumerate([101, 100, 100]):  # noise moves points along their circle only
        assert np.allclose(radius(X[:, y == j]), np.arange(1, n + 1) / n, rtol=1e-12)
    X0, y0 = datasets.spiral(n_classes=4, n_samples=400, noise=0.0)
    r = radius(X0)
    angle = np.arctan2(X0[0], X0[1])  # x = r sin θ, y = r cos θ
    expected = 2 * np.pi * y0 / 4 + 4.5 * r
    assert np.allclose(np.angle(np.exp(1j * (angle - expected))), 0, atol=1e-9)


def test_k_class_spiral_settings():
    with pytest.raises(ConfigError, match="n_classes"):
        datasets.spiral(n_classes=1)
    with pytest.raises(ConfigError, match="n_samples"):
        datasets.spiral(n_classes=5, n_samples=4)


def test_curve_is_sine_of_pi_x_plus_noise():
    X, y = datasets.curve(n_samples=500, noise=0.0, seed=0)
    assert X.shape == (1, 500) and np.all(np.abs(X) <= 1)
    assert np.array_equal(y, np.sin(np.pi * X[0]))
    X, y = datasets.curve(n_samples=20000, noise=0.1, seed=1)
    assert np.std(y - np.sin(np.pi * X[0])) == pytest.approx(0.1, rel=0.03)


def test_digits_from_scikit_learn():
    pytest.importorskip("sklearn")
    X, y = datasets.digits()
    assert X.shape == (64, 1797) and y.shape == (1797,)
    assert X.min() == 0 and X.max() == 1
    assert sorted(set(y.tolist())) == list(range(10))


def test_one_hot_round_trip_and_errors():
    y = np.array([-1, 1, 1, -1, 1])
    Y, classes = datasets.one_hot(y)
    assert classes.tolist() == [-1, 1]
    assert np.array_equal(Y.sum(axis=0), np.ones(5))
    assert np.array_equal(classes[np.argmax(Y, axis=0)], y)
    Y2, _ = datasets.one_hot(y, classes=[1, -1, 0])
    assert Y2.shape == (3, 5) and np.array_equal(Y2[0], y == 1) and not Y2[2].any()
    with pytest.raises(DataError, match="label 7 of example 2"):
        datasets.one_hot([0, 1, 7], classes=[0, 1])
    with pytest.raises(ShapeError):
        datasets.one_hot(np.zeros((2, 2)))


def test_targets_by_hand():
    # regression: the labels as one row
    assert datasets.targets([1.5, -2, 0], "linear").tolist() == [[1.5, -2.0, 0.0]]
    # two classes, one unit: the first class at the low end of g's range, the second high
    y = np.array(["no", "yes", "yes", "no"])
    assert datasets.targets(y, "sigmoid", ["no", "yes"]).tolist() == [[0, 1, 1, 0]]
    assert datasets.targets(y, "tanh", ["no", "yes"]).tolist() == [[-1, 1, 1, -1]]
    assert datasets.targets(y, "tanh", ["yes", "no"]).tolist() == [[1, -1, -1, 1]]
    assert datasets.targets(y, "relu", ["no", "yes"]).tolist() == [[0, 1, 1, 0]]  # [0, ∞)
    # more classes: one-hot rows, in the order of ``classes``
    assert datasets.targets([2, 0, 1], "softmax", range(3)).tolist() == [
        [0, 1, 0], [0, 0, 1], [1, 0, 0]]
    with pytest.raises(DataError, match=r"label 2 of example 1 is not one of the classes \[0, 1\]"):
        datasets.targets([0, 2], "sigmoid", [0, 1])
    with pytest.raises(DataError, match=r"at least two classes, got \[0\]"):
        datasets.targets([0, 0], "sigmoid", [0])


# ---------------------------------------------------------------------- CSV
def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_load_csv_examples_become_columns(tmp_path):
    path = write(tmp_path, "x1,x2,label\n1,2,0\n3,4.5,1\n\n-5,6e1,1\n")
    X, y = datasets.load_csv(path)
    assert np.array_equal(X, [[1, 3, -5], [2, 4.5, 60]])
    assert np.array_equal(y, [0, 1, 1])
    X, y = datasets.load_csv(path, label_column=0)
    assert np.array_equal(y, [1, 3, -5]) and np.array_equal(X[1], [0, 1, 1])
    X, y = datasets.load_csv(path, label_column=None)
    assert X.shape == (3, 3) and y is None


@pytest.mark.parametrize("text, message", [
    ("1,2,3\n4,5\n", r"line 2: 2 columns, but the lines before have 3 \(a ragged file\)"),
    ("", "holds no examples"),
    ("\n\n", "holds no examples"),
    ("a,b,label\n", "holds no examples"),
    ("1,2,0\n3,abc,1\n", "line 2, column 2: 'abc' is not a number"),
    ("a,b,c\n1,2,3\nx,y,z\n", "line 3, column 1: 'x' is not a number"),
    ("1,2,0\n3,nan,1\n", "line 2, column 2 holds 'nan', not a finite number"),
    ("1,2,0\n3,4,inf\n", "line 2, column 3 holds 'inf'"),
    ("1,,0\n", "line 1, column 2 is empty"),
    ("1\n2\n", "single column"),
])
def test_load_csv_bad_files_name_the_culprit(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(DataError, match=message):
        datasets.load_csv(path)


def test_load_csv_binary_file_and_bad_label_column(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(DataError, match="not a text"):
        datasets.load_csv(path)
    good = write(tmp_path, "1,2\n3,4\n", "good.csv")
    with pytest.raises(ConfigError, match="label_column must be a column index from -2 to 1"):
        datasets.load_csv(good, label_column=2)
