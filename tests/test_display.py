"""The display module: the same rows as text and as HTML, and the SVG cost curve."""

import re
import xml.etree.ElementTree as ET

from glassnet import display

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
