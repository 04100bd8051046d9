"""The display module: the same rows as text and as HTML, and the SVG cost curve."""

import re
import xml.etree.ElementTree as ET

import pytest

from glassnet import display

SVG = "http://www.w3.org/2000/svg"

ROWS = [("layer", "units"), ("0 (input)", "2"), ("1", "<b>&")]


def test_text_table_aligns_columns():
    assert display.text_table(ROWS, indent="  ") == [
        "  layer      units",
        "  0 (input)  2",
        "  1          <b>&",
    ]


def test_html_table_has_every_cell_escaped():
    html = display.html_table(ROWS, caption="a <caption>", notes=["x < y"])
    assert "<b>&" not in html and "&lt;b&gt;&amp;" in html
    assert "<caption>a &lt;caption&gt;</caption>" in html and "<p>x &lt; y</p>" in html
    cells = re.findall(r"<t[hd]>(.*?)</t[hd]>", html)
    assert cells == ["layer", "units", "0 (input)", "2", "1", "&lt;b&gt;&amp;"]
    ET.fromstring(html)  # well formed


def test_curve_svg_draws_each_series_through_its_points():
    svg = display.curve_svg({"training cost J": [1.0, 0.5, 0.25], "validation <cost>": [2.0, 1.0]})
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    lines = root.findall(f"{ns}polyline")
    assert [line.find(f"{ns}title").text for line in lines] == [
        "training cost J", "validation <cost>"]
    first = [tuple(map(float, p.split(","))) for p in lines[0].get("points").split()]
    second = [tuple(map(float, p.split(","))) for p in lines[1].get("points").split()]
    assert len(first) == 3 and len(second) == 2
    # lower cost is drawn lower on the page (a larger y), epochs left to right
    assert first[0][1] < first[1][1] < first[2][1] and first[0][0] < first[1][0] < first[2][0]
    # the axis spans all series: the largest value (2.0) sits at the top, the least at the bottom
    assert second[0][1] == min(y for _, y in first + second)
    assert first[2][1] == max(y for _, y in first + second)
    assert "2" in svg and "0.25" in svg  # the range is labelled


def test_curve_svg_skips_non_finite_values_and_empty_series():
    svg = display.curve_svg({"cost": [1.0, float("nan"), 0.5], "val": [float("inf")]})
    root = ET.fromstring(svg)
    lines = root.findall("{http://www.w3.org/2000/svg}polyline")
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 2
    ET.fromstring(display.curve_svg({"cost": [3.0]}))  # one epoch: still a drawing


# ---------------------------------------------------------------------- Jupyter display
def _cells(html):
    root = ET.fromstring(html)  # well formed
    return root, [[cell.text or "" for cell in row] for row in root.iter("tr")]


def test_network_html_is_its_summary_table():
    import glassnet as gn

    net = gn.Network([3, 5, 2], activations="tanh", l1=0.25, seed=0)
    root, rows = _cells(net._repr_html_())
    assert rows == [["layer", "units", "activation", "W shape", "b shape", "parameters"],
                    ["0 (input)", "3", "", "", "", ""],
                    ["1", "5", "tanh", "(5, 3)", "(5, 1)", "20 = 5·3 + 5"],
                    ["2", "2", "softmax", "(2, 5)", "(2, 1)", "12 = 2·5 + 2"]]
    assert root.find(".//caption").text == str(net).splitlines()[0]
    assert root.find("p").text == "total parameters: 32; regularization: L1 λ₁ = 0.25"
    # the text and the HTML come from the same rows: every text line's cells are a row
    text_lines = str(net).splitlines()[1:-1]
    assert [line.split() for line in text_lines] == [" ".join(row).split() for row in rows]


def test_history_html_draws_the_costs_and_shows_the_last_scores():
    import numpy as np

    import glassnet as gn

    rng = np.random.default_rng(1)
    X = rng.normal(size=(2, 40))
    Y = (X[:1] + X[1:] > 0).astype(float)
    net = gn.Network([2, 3, 1], seed=0)
    history = net.fit(X, Y, epochs=4, learning_rate=0.5, metrics="accuracy",
                      validation_split=0.25, progress=False)
    root, rows = _cells(history._repr_html_())
    ns = "{http://www.w3.org/2000/svg}"
    lines = root.findall(f".//{ns}polyline")
    assert [line.find(f"{ns}title").text for line in lines] == ["training cost J",
                                                                "validation cost J"]
    assert [len(line.get("points").split()) for line in lines] == [4, 4]
    assert rows[0] == ["quantity", "last epoch"]
    assert {key: float(value) for key, value in rows[1:]} == pytest.approx(
        {key: history[key][-1] for key in ("cost", "accuracy", "val_cost", "val_accuracy")},
        rel=1e-5)
    assert root.find(".//caption").text == "History of 4 epoch(s)"


def test_history_html_of_no_epochs_is_still_well_formed():
    from glassnet.history import History

    root, rows = _cells(History()._repr_html_())
    assert rows == [["quantity", "last epoch"]] and root.find(f".//{{{SVG}}}svg") is None


def test_diagnostics_html_shows_the_table_and_each_finding():
    import numpy as np

    import glassnet as gn
    from glassnet.diagnostics import diagnose

    net = gn.Network([2, 4, 1], initializer="zeros")
    X = np.random.default_rng(0).normal(size=(2, 5))
    report = diagnose(net, X, (X[:1] > 0).astype(float))
    root, rows = _cells(report._repr_html_())
    assert rows[0] == ["layer", "g", "units", "dead", "saturated", "‖W[l]‖", "‖dW[l]‖"]
    assert rows[1][:4] == ["1", "relu", "4", "4"] and len(rows) == 3
    paragraphs = [p.text for p in root.findall("p")]
    assert paragraphs[0] == "2 problem(s) found:"
    assert paragraphs == str(report).splitlines()[4:]  # the text's lines after the table
    assert any("symmetry problem" in p for p in paragraphs)
    assert "initializer='he_normal'" in paragraphs[-1]  # unescaped again by the parser


def test_history_html_of_a_non_finite_cost_draws_the_finite_ones_and_names_it():
    from glassnet.history import History

    history = History()
    for cost in (1.0, 0.5, float("nan")):
        history.add({"cost": cost})
    history.stopped_early, history.best_epoch = True, 2
    root, rows = _cells(history._repr_html_())
    line = root.find(f".//{{{SVG}}}polyline")
    assert len(line.get("points").split()) == 2
    assert rows[1] == ["cost", "nan"]
    assert root.find(".//caption").text == "History of 3 epoch(s); stopped early; best epoch 2"
