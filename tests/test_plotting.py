"""Pictures: each figure is written as a PNG that is not blank and shows what it should.

The PNGs are read back with matplotlib.image.imread: a blank or one-colour image has few
distinct colours; the decision boundary must be orange where the class-0 (or −1) data lie
and blue where the class-1 (or +1) data lie.
"""

import io

import numpy as np
import pytest

import glassnet as gn

pytest.importorskip("matplotlib")
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.image import imread  # noqa: E402

from glassnet import plotting  # noqa: E402
from glassnet.activations import get as activation  # noqa: E402


def rgb(path):
    return imread(path)[..., :3]


def distinct_colours(image):
    return len(np.unique((image * 255).astype(np.uint8).reshape(-1, 3), axis=0))


def orange_ish(pixels):
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    return (r > 0.75) & (r - b > 0.3) & (g > 0.35) & (g < 0.8)


def blue_ish(pixels):
    r, b = pixels[..., 0], pixels[..., 2]
    return (b > 0.5) & (b - r > 0.3)


def pixel_at(ax, image, x1, x2):
    """The image's colour at data point (x1, x2) of the Axes."""
    x, y = ax.transData.transform((x1, x2))
    row, col = image.shape[0] - int(round(y)), int(round(x))
    return image[row - 2:row + 3, col - 2:col + 3].reshape(-1, 3).mean(axis=0)


@pytest.fixture(scope="module")
def blobs():
    """Two separable clouds: class 0 on the left, class 1 on the right (columns)."""
    rng = np.random.default_rng(0)
    X = np.hstack([rng.normal((-2, 0), 0.6, (60, 2)).T, rng.normal((2, 0), 0.6, (60, 2)).T])
    y = np.repeat([0, 1], 60)
    return X, y


@pytest.fixture(scope="module")
def trained(blobs):
    X, y = blobs
    net = gn.Network([2, 4, 1], activations="tanh", seed=0)
    history = net.fit(X, y, epochs=60, learning_rate=0.5, validation_data=(X, y))
    return net, history


# ---------------------------------------------------------------------------- cost curve
def test_cost_curve_writes_a_png_with_both_curves(trained, tmp_path):
    _, history = trained
    path = tmp_path / "cost.png"
    ax = plotting.cost_curve(history, path)
    assert isinstance(ax, Axes) and isinstance(ax.figure, Figure)
    assert path.stat().st_size > 1000
    image = rgb(path)
    assert distinct_colours(image) > 20
    assert blue_ish(image).sum() > 100 and orange_ish(image).sum() > 100  # train, validation
    assert [line.get_label() for line in ax.lines] == ["training cost J", "validation cost"]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), history["cost"])
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), history["val_cost"])


def test_cost_curve_takes_a_list_or_a_mapping_and_marks_early_stopping(tmp_path):
    ax = plotting.cost_curve([0.7, 0.5, 0.4, 0.35])
    assert len(ax.lines) == 1
    ax = plotting.cost_curve({"cost": [0.7, 0.5], "val_cost": [0.8, 0.6]})
    assert len(ax.lines) == 2
    rng = np.random.default_rng(1)
    X = rng.standard_normal((2, 40))
    y = (X[0] > 0).astype(float)
    net = gn.Network([2, 3, 1], activations="tanh", seed=0)
    history = net.fit(X, y, epochs=500, learning_rate=0.5, early_stopping=True, patience=3,
                      tol=1e-2)
    assert history.stopped_early
    ax = plotting.cost_curve(history, tmp_path / "early.png")
    assert any("best epoch" in line.get_label() for line in ax.lines)


def test_cost_curve_draws_on_given_axes():
    fig = Figure()
    ax = fig.add_subplot()
    assert plotting.cost_curve([1.0, 0.5], ax=ax) is ax
    assert len(ax.lines) == 1 and fig.axes == [ax]


def test_cost_curve_bad_input():
    with pytest.raises(gn.DataError, match="no cost"):
        plotting.cost_curve([])
    with pytest.raises(gn.DataError, match="no 'cost' entry"):
        plotting.cost_curve({"loss": [1.0]})
    with pytest.raises(gn.GlassnetError, match="History"):
        plotting.cost_curve(3.0)
    with pytest.raises(gn.DataError, match="nan"):
        plotting.cost_curve([1.0, float("nan")])


# --------------------------------------------------------------------- decision boundary
def test_decision_boundary_is_orange_and_blue_where_the_data_are(trained, blobs, tmp_path):
    net, _ = trained
    X, y = blobs
    path = tmp_path / "boundary.png"
    ax = plotting.decision_boundary(net, X, y, path)
    image = rgb(path)
    assert distinct_colours(image) > 50
    assert orange_ish(image).sum() > 2000 and blue_ish(image).sum() > 2000
    assert orange_ish(pixel_at(ax, image, *X[:, y == 0].mean(axis=1)))
    assert blue_ish(pixel_at(ax, image, *X[:, y == 1].mean(axis=1)))
    # the points are drawn on top, one colour per class: the playground's orange and blue
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert [c.get_label() for c in points] == ["y = 0", "y = 1"]
    assert [to_hex(c.get_facecolor()[0]) for c in points] == [plotting.ORANGE, plotting.BLUE]
    assert [len(c.get_offsets()) for c in points] == [60, 60]


def test_decision_boundary_playground_labels_and_tanh_output(tmp_path):
    # the playground's convention: labels ±1, a tanh output, threshold 0
    rng = np.random.default_rng(2)
    X = rng.uniform(-5, 5, (2, 200))
    y = np.where(X[1] > 0, 1.0, -1.0)  # +1 above, −1 below
    net = gn.Network([2, 3, 1], activations="tanh", output="tanh", loss="half_squared_error",
                     seed=0)
    net.fit(X / 5, y, epochs=200, learning_rate=0.1)
    ax = plotting.decision_boundary(net, X / 5, y, tmp_path / "pm.png")
    image = rgb(tmp_path / "pm.png")
    assert blue_ish(pixel_at(ax, image, 0.0, 0.8))
    assert orange_ish(pixel_at(ax, image, 0.0, -0.8))


def test_decision_boundary_multiclass(tmp_path):
    rng = np.random.default_rng(3)
    centres = np.array([[-2.0, 0.0], [2.0, 0.0], [0.0, 3.0]])
    labels = np.repeat([0, 1, 2], 40)
    X = (centres[labels] + rng.normal(0, 0.5, (120, 2))).T
    Y = np.eye(3)[labels].T
    net = gn.Network([2, 6, 3], activations="tanh", seed=0)
    net.fit(X, Y, epochs=200, learning_rate=0.5)
    ax = plotting.decision_boundary(net, X, labels, tmp_path / "three.png")
    image = rgb(tmp_path / "three.png")
    # the class regions are paler than the points: compare the channels
    r, g, b = pixel_at(ax, image, -2.0, 0.0)
    assert r > b + 0.15  # orange: class 0
    r, g, b = pixel_at(ax, image, 2.0, 0.0)
    assert b > r + 0.15  # blue: class 1
    r, g, b = pixel_at(ax, image, 0.0, 3.0)
    assert g > r and g > b  # green: class 2
    plotting.decision_boundary(net, X, Y)  # one-hot Y is taken as labels too


def test_decision_boundary_of_an_estimator_with_predict_proba(blobs):
    sklearn_linear = pytest.importorskip("sklearn.linear_model")
    X, y = blobs
    model = sklearn_linear.LogisticRegression().fit(X.T, y)  # rows, scikit-learn's way
    buffer = io.BytesIO()
    plotting.decision_boundary(model, X, y, buffer)
    assert buffer.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"


def test_decision_boundary_bad_input(trained, blobs):
    net, _ = trained
    X, y = blobs
    with pytest.raises(gn.ShapeError, match="pass X.T"):
        plotting.decision_boundary(net, X.T, y)
    with pytest.raises(gn.ShapeError, match="120 examples"):
        plotting.decision_boundary(net, X, y[:10])
    with pytest.raises(gn.ShapeError, match="n_x = 3"):
        plotting.decision_boundary(gn.Network([3, 2, 1]), X, y)
    with pytest.raises(gn.GlassnetError, match="forward"):
        plotting.decision_boundary(object(), X, y)
    X_bad = X.copy()
    X_bad[0, 0] = np.nan
    with pytest.raises(gn.DataError, match="X holds nan"):
        plotting.decision_boundary(net, X_bad, y)


# -------------------------------------------------------------------- activation figures
def test_activation_functions_draw_g_and_its_derivative(tmp_path):
    path = tmp_path / "activations.png"
    axes = plotting.activation_functions(path=path)
    image = rgb(path)
    assert distinct_colours(image) > 50
    assert blue_ish(image).sum() > 500 and orange_ish(image).sum() > 500
    visible = [ax for ax in axes[0].figure.axes if ax.get_visible()]
    assert len(visible) == 6 and list(axes) == visible
    # the curves are the library's own g and g'
    z = np.linspace(-5, 5, 801)
    sigmoid = activation("sigmoid")
    g_line, dg_line = visible[0].lines[:2]
    np.testing.assert_allclose(g_line.get_ydata(), 1 / (1 + np.exp(-z)), rtol=1e-12)
    np.testing.assert_allclose(dg_line.get_ydata(), sigmoid.forward(z) * (1 - sigmoid.forward(z)))


def test_activation_functions_by_name_and_errors(tmp_path):
    axes = plotting.activation_functions("tanh", path=tmp_path / "tanh.svg")
    assert (tmp_path / "tanh.svg").read_text().lstrip().startswith("<?xml")
    assert len(axes) == 1 and axes[0].figure.axes == [axes[0]]
    axes = plotting.activation_functions(["relu", {"name": "leaky_relu", "slope": 0.2}])
    leaky = axes[1].lines[0].get_ydata()
    assert leaky[0] == pytest.approx(-5 * 0.2)
    with pytest.raises(gn.GlassnetError, match="softmax"):
        plotting.activation_functions(["softmax"])
    with pytest.raises(gn.ConfigError, match="valid names"):
        plotting.activation_functions(["relux"])
    with pytest.raises(gn.DataError):
        plotting.activation_functions([])


def test_activation_functions_draw_on_given_axes():
    fig = Figure()
    one = fig.add_subplot(1, 2, 1)
    assert list(plotting.activation_functions("relu", ax=one)) == [one]
    assert [line.get_label() for line in one.lines[:2]] == ["g(z)", "g'(z)"]
    pair = fig.subplots(1, 2)
    assert list(plotting.activation_functions(["tanh", "sigmoid"], ax=pair)) == list(pair)
    assert pair[1].get_title() == activation("sigmoid").formula
    with pytest.raises(gn.DataError, match="1 Axes for 2 activations"):
        plotting.activation_functions(["tanh", "sigmoid"], ax=one)
