"""Worked solutions as HTML pages, read as text: self-contained, escaped, in MathML."""

import re

import pytest

from glassnet.cli import main
from glassnet.explain import examples, find, load_problem
from glassnet.explain.html import markdown_to_html


@pytest.mark.parametrize("example", examples())
def test_every_example_is_one_page_of_mathml_and_nothing_else(example):
    page = markdown_to_html(load_problem(find(example)).trace().to_markdown())
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert not re.search(r"(src|href)=", page)  # nothing to fetch
    assert "$" not in page and "<merror" not in page and "<mi>&amp;</mi>" not in page
    assert page.count("<math") > 3


def test_text_is_escaped_and_formulas_keep_their_numbers():
    page = markdown_to_html("# A <b> & c\n\nThe value $x = 0.711$ **here**.\n\n$$\n"
                            "\\begin{aligned}\nz &= (0.2 \\cdot 1) + (0.4 \\cdot 2) + 0.3 + 0.1"
                            " = 1.4\n\\end{aligned}\n$$\n", title="<t>")
    assert "<h1>A &lt;b&gt; &amp; c</h1>" in page and "<title>&lt;t&gt;</title>" in page
    assert "<strong>here</strong>" in page
    numbers = re.findall(r"<mn>([^<]*)</mn>", page)
    assert numbers[:2] == ["0.711", "0.2"] and numbers[-1] == "1.4"
    # the long row is cut into lines: at its second '=' and two terms to a line
    assert page.count('class="formula"') == 3


def test_explain_writes_the_page(tmp_path, capsys):
    out = tmp_path / "s.html"
    assert main(["explain", "seed002_three_layer_shapes", "--format", "html", "-o", str(out)]) == 0
    assert "3n" in out.read_text() or "<mi>n</mi>" in out.read_text()
