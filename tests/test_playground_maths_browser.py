"""The maths panel in a real Chromium: a clicked neuron's backward pass of the last step
(issue 11, defect 14) shows the numbers the server computed from the network's caches."""

import json
import re

import pytest

import test_playground_browser as shared
from test_playground_browser import open_page

pytestmark = pytest.mark.browser
# the browser tests' server and page, shared (the browser is conftest.py's)
server_url, artifacts, page = shared.server_url, shared.artifacts, shared.page


def number(text):
    return float(text.replace("−", "-"))


def test_the_panel_shows_the_last_steps_backward_pass(page):
    from playwright.sync_api import expect

    explained = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: explained.append(
        json.loads(payload)) if isinstance(payload, str) and '"explain"' in payload else None))
    open_page(page)
    page.locator(".node.neuron").first.click()
    expect(page.locator("#explain-body")).to_contain_text("backward pass: none yet")
    page.click("#step-button")
    page.wait_for_function("playground.store.frame.header.epoch === 1")
    page.locator(".node.neuron").first.click()  # hidden layer 1, neuron 1
    body = page.locator("#explain-body")
    expect(body).to_contain_text("on its minibatch of m = 10 examples")
    back = explained[-1]["backward"]
    text = body.inner_text()
    for name in ("dA[1]_1 =", "dZ[1]_1 = dA[1]_1 · g′(z[1]_1)", "dW[1]_1ⱼ ="):
        assert name in text
    dA = re.search(r"dA\[1\]_1 = ∂L/∂a\[1\]_1 = \(([^)]*)\)", text).group(1).split(", ")
    assert len(dA) == 10 and [number(v) for v in dA] == pytest.approx(back["dA"], rel=5e-4, abs=1e-12)
    dW = re.search(r"= \(([^)]*)\)  \(j = 1…2\)", text).group(1).split(", ")
    assert [number(v) for v in dW] == pytest.approx(back["dW"], rel=5e-4, abs=1e-12)
    db = re.search(r"db\[1\]_1 = \(1/m\) Σₖ dZ\[1\]_1ₖ = (\S+)", text).group(1)
    assert number(db) == pytest.approx(back["db"], rel=5e-4)
    page.locator(".node.neuron.output").click()  # the output: dZ[L] = a − y
    expect(body).to_contain_text("dZ[3]_1 = a[3]_1 − y_1")
