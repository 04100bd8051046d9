"""Worked solutions as web pages, in a real Chromium (Debian's, driven by Playwright): the
page renders its MathML, nothing is wider than a 390 px phone screen, and the numbers on
the page are the traced values. The pages are written by ``glassnet explain --format html``
(and by ``glassnet exercise`` and ``mark``: each variant's worksheet, solution and
feedback) and opened from disk (file://): they need nothing else.
"""

import numpy as np
import pytest

from glassnet.cli import main
from glassnet.explain import find, load_problem
from glassnet.explain.marking import mark_student
from glassnet.explain.worksheet import write_class

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _page(browser, tmp_path, example):
    out = tmp_path / f"{example}.html"
    assert main(["explain", example, "--format", "html", "-o", str(out)]) == 0
    return _open(browser, out)


def _open(browser, out):
    context = browser.new_context(viewport=PHONE, offline=True)
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith("file:")
            else None)
    page.goto(out.as_uri())
    return page, requests


@pytest.mark.parametrize("example", ["seed003_math_problem", "seed004_forward_pass",
                                     "seed000_1_single_neuron"])
def test_page_renders_fits_a_phone_and_shows_the_traced_values(browser, tmp_path, example):
    page, requests = _page(browser, tmp_path, example)
    assert requests == []  # offline: nothing fetched
    assert page.evaluate("document.scripts.length") == 0
    # MathML is laid out by the browser: a fraction has height, a math box has width
    sizes = page.evaluate("[...document.querySelectorAll('math')].map(m => "
                          "[m.getBoundingClientRect().width, m.getBoundingClientRect().height])")
    assert len(sizes) > 5 and all(w > 0 and h > 0 for w, h in sizes)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    too_wide = page.evaluate("[...document.querySelectorAll('.formula')].filter("
                             "f => f.scrollWidth > f.clientWidth + 1).length")
    assert too_wide == 0
    shown = set(page.evaluate("[...document.querySelectorAll('mn')].map(n => n.textContent)"))
    trace = load_problem(find(example)).trace()
    L = trace.network.L
    for value in np.ravel(trace.steps[0].values[f"A[{L}]"]):
        assert f"{value:.3f}" in shown or f"{value:.2f}" in shown, value
    page.emulate_media(media="print")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.context.close()


def _fits_a_phone_offline(page, requests):
    assert requests == [] and page.evaluate("document.scripts.length") == 0
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert page.evaluate("[...document.querySelectorAll('.formula')].filter("
                             "f => f.scrollWidth > f.clientWidth + 1).length") == 0


@pytest.mark.parametrize("example", ["seed003_math_problem", "seed002_three_layer_shapes",
                                     "seed000_4_dimensions"])
def test_a_variants_worksheet_solution_and_feedback_fit_a_phone(browser, tmp_path, example):
    write_class(find(example), tmp_path, 5, ["ann"])
    folder = tmp_path / "ann"
    answers = tmp_path / "ann.yaml"  # the key with its last line (a number) wrong
    *lines, last = (folder / "key.yaml").read_text().splitlines()
    answers.write_text("\n".join([*lines, last.split(":")[0] + ": 7"]) + "\n")
    assert mark_student(folder, answers, "ann").feedback
    problem = load_problem(folder / "problem.yaml")
    for name in ("worksheet.html", "solution.html", "feedback.html"):
        page, requests = _open(browser, folder / name)
        _fits_a_phone_offline(page, requests)
        text = page.evaluate("document.body.innerText")
        assert "variant ann" in page.title() or name == "feedback.html"
        if name == "worksheet.html" and problem.given_parameters:
            shown = set(page.evaluate("[...document.querySelectorAll('mn')]"
                                      ".map(n => n.textContent)"))
            W = problem.network.W[1]  # the variant's own numbers are on its worksheet
            assert all(f"{w:g}" in shown for w in np.abs(W).ravel()), (W, shown)
        if name == "feedback.html":
            assert "Where the working went astray" in text and "solution.md, line" in text
        page.context.close()
