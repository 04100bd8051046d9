"""The playground end to end: a real Chromium (Debian's, driven by Playwright) on a live server.

Each test reads what the page shows (text, canvas pixels, the URL) and saves a screenshot
to the artifacts folder ($GLASSNET_ARTIFACTS, or a pytest temporary folder). With
GLASSNET_UPDATE_SCREENSHOT=1 the README's docs/images/playground.png is taken afresh.
"""

import base64
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import glassnet as gn
from glassnet import datasets
from glassnet.playground.wire import GRID, quantize

pytestmark = pytest.mark.browser

TIMEOUT_MS = 15_000
MAP = (34, 8, 300)  # the big map's left, top and size inside its canvas (app.js)
ROOT = Path(__file__).resolve().parents[1]


def serve(**options):
    """Serve create_app(**options) in a thread on a free port; yields its address."""
    import uvicorn

    from glassnet.playground.server import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(create_app(**options), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "the playground server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def server_url():
    yield from serve()


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory):
    folder = os.environ.get("GLASSNET_ARTIFACTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return Path(folder)
    return tmp_path_factory.mktemp("playground-artifacts")


@pytest.fixture
def page(browser, server_url, artifacts, request):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    context = browser.new_context(viewport={"width": 1400, "height": 950},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.url_base = server_url
    yield page
    page.screenshot(path=str(artifacts / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def open_page(page, link=""):
    from playwright.sync_api import expect

    page.goto(page.url_base + link)
    expect(page.locator(".node.neuron").first).to_be_visible()
    page.wait_for_function("window.playground && playground.store.frame !== null "
                           "&& playground.store.desc !== null")


def epoch(page):
    return int(page.inner_text("#epoch-number").replace(",", ""))


def percent(page, which):
    return float(page.inner_text(f"#accuracy-{which}").rstrip("%"))


def map_pixels(page):
    """The big map's RGB pixels, shape (size, size, 3), read from the canvas."""
    left, top, size = MAP
    data = page.evaluate(f"""(() => {{ const d = document.getElementById('heatmap')
        .getContext('2d').getImageData({left}, {top}, {size}, {size}).data;
        let text = '';  // as base64: a JSON list of 360,000 numbers takes seconds
        for (let i = 0; i < d.length; i += 8192)
            text += String.fromCharCode(...d.subarray(i, i + 8192));
        return btoa(text); }})()""")
    pixels = np.frombuffer(base64.b64decode(data), dtype=np.uint8)
    return pixels.reshape(size, size, 4)[..., :3].astype(int)


def at(view_x1, view_x2):
    """Pixel (row, col) of a point of the [-6, 6]² view in map_pixels."""
    size = MAP[2]
    return int((6 - view_x2) / 12 * (size - 1)), int((view_x1 + 6) / 12 * (size - 1))


def blue_share(pixels, row, col, half=12):
    patch = pixels[row - half:row + half, col - half:col + half]
    blue = patch[..., 2] > patch[..., 0] + 40
    orange = patch[..., 0] > patch[..., 2] + 40
    return blue.sum() / max(1, blue.sum() + orange.sum())


def play_until(page, condition, limit_seconds=20):
    page.click("#play-pause-button")
    deadline = time.monotonic() + limit_seconds
    try:
        while not condition():
            assert time.monotonic() < deadline, "the condition was not reached in time"
            page.wait_for_timeout(100)
    finally:
        page.click("#play-pause-button")
        page.wait_for_function("!playground.store.desc.playing")


# ---------------------------------------------------------------------- the tests
def test_page_loads_with_the_default_setup(page):
    from playwright.sync_api import expect

    open_page(page)
    expect(page.locator("#epoch-number")).to_have_text("000,000")
    assert page.locator(".node.feature").count() == 7
    assert page.locator(".node.feature.active").count() == 2
    assert page.locator(".node.neuron").count() == 4 + 2 + 1
    assert page.locator(".dataset").count() == 6
    expect(page.locator(".dataset.selected")).to_have_attribute("data-name", "circle")
    assert page.input_value("#learningRate") == "0.03"
    assert page.input_value("#activation") == "tanh"
    assert "networkShape=4,2" in page.evaluate("location.hash")
    assert page.inner_text("#loss-test") != "–"
    pixels = map_pixels(page)
    assert pixels.std() > 0  # something is drawn


def test_play_reaches_95_percent_test_accuracy_on_circle(page):
    open_page(page, "#speed=10")
    play_until(page, lambda: percent(page, "test") >= 95)
    reached = epoch(page)
    assert 0 < reached <= 1500, f"95 % took {reached} epochs"
    assert float(page.inner_text("#loss-test")) < 0.3


def test_output_map_has_each_colour_where_it_belongs(page):
    open_page(page, "#speed=20")
    play_until(page, lambda: percent(page, "test") >= 97)
    pixels = map_pixels(page)
    assert blue_share(pixels, *at(0, 0)) > 0.9  # inside the circle: class +1, blue
    for corner in [(-5.3, 5.3), (5.3, 5.3), (-5.3, -5.3), (5.3, -5.3)]:
        assert blue_share(pixels, *at(*corner)) < 0.1  # outside: class −1, orange


def test_changing_controls_updates_the_url_and_reloading_restores_it(page):
    from playwright.sync_api import expect

    open_page(page)

    def then(part):  # each change reaches the URL before the next one is made
        page.wait_for_function(f"location.hash.includes({part!r})")

    page.select_option("#learningRate", "0.1")
    then("learningRate=0.1&")
    page.select_option("#activation", "relu")
    then("activation=relu&")
    page.click("#add-layer")
    then("networkShape=4,2,2&")
    page.locator("#noise").fill("20")
    then("noise=20&")
    page.check("#showTestData")
    then("showTestData=true")
    page.locator(".dataset[data-name='xor']").click()
    then("dataset=xor&")
    link = page.evaluate("location.hash")
    page.reload()
    open_page(page, link)
    assert page.input_value("#learningRate") == "0.1"
    assert page.input_value("#activation") == "relu"
    expect(page.locator("#num-layers")).to_have_text("3")
    expect(page.locator("#noise-value")).to_have_text("20")
    assert page.is_checked("#showTestData")
    expect(page.locator(".dataset.selected")).to_have_attribute("data-name", "xor")
    page.evaluate("location.hash = '#networkShape=3&dataset=gauss'")  # a link typed in
    expect(page.locator("#num-layers")).to_have_text("1")
    expect(page.locator(".dataset.selected")).to_have_attribute("data-name", "gauss")


def test_classroom_link_hides_controls_and_limits_hold(page):
    from playwright.sync_api import expect

    open_page(page, "#noise_hide=true&playButton_hide=true&networkShape=9,4")
    expect(page.locator("#message")).to_contain_text("from 1 to 8")
    assert not page.is_visible("#noise") and not page.is_visible("#play-pause-button")
    assert page.is_visible("#learningRate")
    assert page.locator(".node.neuron").count() == 4 + 2 + 1  # the default shape instead


def test_hover_and_edit_a_weight_changes_the_map(page):
    from playwright.sync_api import expect

    open_page(page)
    before = map_pixels(page)
    # the last link drawn runs from the last hidden neuron to the output neuron: W[3]
    link = page.locator("#links path.link-hit").last
    link.hover()
    expect(page.locator("#tip")).to_contain_text("W[3] row 1, column 2 =")
    link.click()
    expect(page.locator("#editor")).to_be_visible()
    page.fill("#editor-input", "-6")
    page.press("#editor-input", "Enter")
    page.wait_for_function("playground.store.frame.header.W[2][0][1] === -6")
    after = map_pixels(page)
    assert np.abs(after - before).sum() > 1000
    # the output bias is drawn and editable too
    page.locator("#links rect.bias").last.click()
    page.fill("#editor-input", "3")
    page.press("#editor-input", "Enter")
    page.wait_for_function("playground.store.frame.header.b[2][0] === 3")


def test_csv_upload_trains(page, tmp_path):
    from playwright.sync_api import expect

    rng = np.random.default_rng(1)
    X = rng.uniform(-4, 4, size=(120, 2))
    rows = [f"{a:.4f},{b:.4f},{int(a * b > 0)}" for a, b in X]
    path = tmp_path / "quadrants.csv"
    path.write_text("x1,x2,label\n" + "\n".join(rows) + "\n")
    open_page(page, "#speed=10&xTimesY=true")
    page.set_input_files("#upload", str(path))
    expect(page.locator(".upload-item")).to_be_visible()
    expect(page.locator("#message")).to_contain_text("Training on quadrants.csv")
    expect(page.locator("#epoch-number")).to_have_text("000,000")
    start = float(page.inner_text("#loss-train"))
    play_until(page, lambda: epoch(page) >= 150)
    assert float(page.inner_text("#loss-train")) < 0.5 * start
    assert percent(page, "train") > 85
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n1,2,0\n3,oops,1\n")
    page.set_input_files("#upload", str(bad))
    expect(page.locator("#message")).to_contain_text("bad.csv, line 3, column 2")


def test_exported_model_predicts_what_the_page_showed(page, tmp_path):
    open_page(page, "#speed=10&xSquared=true&networkShape=3")
    play_until(page, lambda: epoch(page) >= 50)
    with page.expect_download() as download:
        page.click("#export-model")
    path = tmp_path / "model.npz"
    download.value.save_as(str(path))
    net = gn.load(str(path))
    shown = np.array(page.evaluate(
        "Array.from(playground.mapOf(playground.store.desc.sizes.length - 1, 0))"))
    ticks = np.linspace(-6, 6, GRID)
    x1, x2 = np.meshgrid(ticks, ticks[::-1])
    grid = np.vstack([x1.ravel(), x2.ravel()])
    A = net.forward(datasets.features(grid, ["x1", "x2", "x1^2"]))
    expected = quantize(2 * A - 1).ravel().astype(int)  # the page's scale: 2a − 1
    assert np.abs(shown - expected).max() <= 1
    test = page.evaluate("playground.store.points.test")
    X_test = np.array([test["x1"], test["x2"]])
    A_test = net.forward(datasets.features(X_test, ["x1", "x2", "x1^2"]))
    loss = net.loss.cost(A_test, np.array(test["label"]).reshape(1, -1))
    assert float(page.inner_text("#loss-test")) == pytest.approx(loss, abs=6e-4)


def test_extras_three_classes_maths_chart_and_hover(page):
    from playwright.sync_api import expect

    open_page(page, "#dataset=spiral3&speed=10&networkShape=6,4")
    expect(page.locator("#legend-labels span")).to_have_count(3)
    play_until(page, lambda: epoch(page) >= 60)
    pixels = map_pixels(page)
    greenish = (pixels[..., 1] > pixels[..., 0] + 30) & (pixels[..., 1] > pixels[..., 2])
    assert greenish.mean() > 0.05  # the third class has its own colour on the map
    page.locator(".node.neuron").first.hover()
    expect(page.locator("#map-caption")).to_contain_text("Neuron 1 of hidden layer 1")
    page.locator(".node.neuron").first.click()
    expect(page.locator("#explain-body")).to_contain_text("z[1]_1 = Σⱼ W[1]_1ⱼ")
    expect(page.locator("#explain-body")).to_contain_text("x1 = 1.000")
    page.locator("#loss-chart").hover()
    expect(page.locator("#chart-tip")).to_contain_text("epoch")


def test_divergence_is_explained_on_the_page(page):
    from playwright.sync_api import expect

    open_page(page, "#problem=regression&learningRate=10&activation=relu&batchSize=1"
                    "&networkShape=8,8&speed=20")
    page.click("#play-pause-button")
    expect(page.locator("#message")).to_contain_text("Training is paused")
    expect(page.locator("#message")).to_contain_text("learning rate")
    page.wait_for_function("!playground.store.desc.playing")
    # defect 5: the state put back is finite and sane, not weights of ~7e24 and "–" losses
    page.wait_for_function("playground.store.frame.header.trainLoss !== null")
    assert page.inner_text("#loss-train") != "–" and page.inner_text("#loss-test") != "–"
    W = page.evaluate("playground.store.frame.header.W.flat(2)")
    assert np.isfinite(W).all() and np.abs(W).max() < 100


def test_readme_screenshot(page, artifacts):
    open_page(page, "#speed=20&networkShape=4,2&showTestData=false")
    play_until(page, lambda: epoch(page) >= 300)
    page.locator(".node.neuron").nth(5).click()
    page.wait_for_function("document.getElementById('explain-body').textContent.length > 0")
    page.mouse.move(5, 900)  # off the neuron: the big map shows the output again
    path = artifacts / "playground.png"
    page.screenshot(path=str(path), full_page=True)
    if os.environ.get("GLASSNET_UPDATE_SCREENSHOT"):
        shutil.copy(path, ROOT / "docs" / "images" / "playground.png")


def test_counter_names_discretized_neurons_and_step_button(page):
    """Defects 2, 11, 12, 13: the button follows the session after Step, the counter past
    999,999, activation names, discretized neuron maps."""
    from playwright.sync_api import expect

    open_page(page, "#speed=1&discretize=true")
    texts = page.evaluate("import('/static/text.js').then((m) => "
                          "[m.epochText(1234567), m.epochText(123), m.epochText(999999)])")
    assert texts == ["1,234,567", "000,123", "999,999"]
    names = page.locator("#activation option").all_inner_texts()
    assert "Leaky ReLU" in names and not any("_" in n or n.islower() for n in names)
    page.click("#play-pause-button")
    expect(page.locator("#play-pause-button")).to_have_class(re.compile("playing"))
    page.click("#step-button")
    expect(page.locator("#play-pause-button")).not_to_have_class(re.compile("playing"))
    shown = epoch(page)
    page.click("#play-pause-button")  # one click resumes
    page.wait_for_function(f"parseInt(document.getElementById('epoch-number').textContent"
                           f".replace(',', '')) > {shown + 2}")
    values = page.evaluate("""(() => { const c = document.querySelector('.node.neuron canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        return Array.from(new Set(Array.from({length: d.length / 4}, (_, i) =>
            d[4 * i] + ',' + d[4 * i + 1] + ',' + d[4 * i + 2]))); })()""")
    assert len(values) <= 2  # thresholded: orange or blue only


# ---------------------------------------------------------------------- for every person
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
AXE_INSTALL = ("axe-core is needed for the accessibility checks: npm install --prefix "
               "tests/browser --no-package-lock (.ci/run does it)")
#: every kind of control on the page; each visible one must be a Tab stop
CONTROLS = "button, select, input, a[href], .node, .link-hit, .bias"


#: the focused control's check number and whether its focus is seen: a 3 px ring (on the
#: Upload CSV label for its hidden file input), or a blue stroke on a weight or bias
FOCUS_RING = """(() => {
    const el = document.activeElement, seen = el.type === 'file' ? el.parentElement : el;
    const style = getComputedStyle(seen);
    const ring = el instanceof SVGElement ? style.stroke.startsWith('rgba(8, 119, 189') ||
        style.stroke === 'rgb(8, 119, 189)' :
        style.outlineStyle === 'solid' && style.outlineWidth === '3px';
    return [el.getAttribute('data-tab-check'), ring]; })()"""


def axe_problems(page):
    """axe-core's serious and critical violations on the page as it is now, one line each."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(AXE_INSTALL)
        pytest.skip(AXE_INSTALL)
    if not page.evaluate("'axe' in window"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:5]]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def focus_is(page, selector):
    return page.evaluate("(s) => document.activeElement.matches(s)", selector)


def tab_to(page, selector, limit=250):
    """Press Tab until the focus is on `selector`: the keyboard alone gets there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focus_is(page, selector):
            return
    raise AssertionError(f"Tab never reaches {selector}")


def state(page, key):
    return page.evaluate(f"playground.store.desc.state[{key!r}]")


def test_axe_finds_nothing_serious_in_the_main_states(page):
    from playwright.sync_api import expect

    open_page(page, "#speed=10")
    assert axe_problems(page) == [], "default"
    page.locator(".node.neuron").first.click()
    expect(page.locator("#explain-body")).to_contain_text("z[1]_1")
    assert axe_problems(page) == [], "the maths panel open"
    play_until(page, lambda: epoch(page) >= 30)
    assert axe_problems(page) == [], "after training"
    page.select_option("#problem", "regression")
    page.wait_for_function("playground.store.desc.nClasses === 0")
    assert axe_problems(page) == [], "regression"
    page.set_viewport_size({"width": 390, "height": 844})
    assert axe_problems(page) == [], "phone width"
    page.emulate_media(color_scheme="dark")  # dark.css: prefers-color-scheme
    assert axe_problems(page) == [], "dark mode"


def test_every_visible_control_is_a_tab_stop_with_a_name(page):
    open_page(page)
    count = page.evaluate("""(s) => {
        const shown = Array.from(document.querySelectorAll(s)).filter((el) =>
            el.getClientRects().length && !el.disabled && !el.closest('[hidden]'));
        shown.forEach((el, i) => el.setAttribute('data-tab-check', i));
        return shown.length; }""", CONTROLS)
    reached, unseen = set(), []
    for _ in range(count + 20):
        page.keyboard.press("Tab")
        where, ring = page.evaluate(FOCUS_RING)
        reached.add(where)
        if not ring and where is not None:  # None: past the last control, on the page
            unseen.append(where)
    assert unseen == []  # every control shows where the focus is
    missed = page.evaluate("""(reached) => Array.from(document.querySelectorAll('[data-tab-check]'))
        .filter((el) => !reached.includes(el.getAttribute('data-tab-check')))
        .map((el) => el.outerHTML.slice(0, 90))""", [r for r in reached if r is not None])
    assert count > 60 and missed == []
    unnamed = page.evaluate("""Array.from(document.querySelectorAll('button, [role=button]'))
        .map((el) => el.getAttribute('aria-label') || el.textContent.trim())
        .filter((name) => !/[a-z]{2}/i.test(name))""")
    assert unnamed == []  # "↺", "▶", "+" are not names


def test_the_keyboard_alone_picks_data_features_neurons_and_weights(page):
    from playwright.sync_api import expect

    open_page(page)
    tab_to(page, ".dataset[data-name='xor']")
    ring = page.evaluate("getComputedStyle(document.activeElement)")  # the focus is seen
    assert ring["outlineStyle"] == "solid" and ring["outlineWidth"] == "3px"
    page.keyboard.press("Enter")
    page.wait_for_function("playground.store.desc.state.dataset === 'xor'")
    assert focus_is(page, ".dataset.selected[data-name='xor']")
    tab_to(page, ".node.feature.ui-xSquared")
    page.keyboard.press(" ")
    page.wait_for_function("playground.store.desc.state.xSquared === true")
    expect(page.locator(".node.feature.ui-xSquared")).to_have_attribute("aria-checked", "true")
    assert focus_is(page, ".node.feature.ui-xSquared")  # the rebuilt diagram keeps the place
    tab_to(page, ".node.neuron")
    expect(page.locator("#map-caption")).to_contain_text("Neuron 1 of hidden layer 1")
    page.keyboard.press("Enter")
    expect(page.locator("#explain-body")).to_contain_text("z[1]_1 = Σⱼ W[1]_1ⱼ")
    tab_to(page, "#links path.link-hit[data-key='W:3:0:1']")
    expect(page.locator("#tip")).to_contain_text("W[3] row 1, column 2 =")
    page.keyboard.press("Enter")
    assert focus_is(page, "#editor-input")
    page.keyboard.press("Escape")  # closes the editor, back on the weight
    assert focus_is(page, "#links path.link-hit[data-key='W:3:0:1']")
    page.keyboard.press("Enter")
    page.keyboard.type("-6")
    page.keyboard.press("Enter")
    page.wait_for_function("playground.store.frame.header.W[2][0][1] === -6")
    assert focus_is(page, "#links path.link-hit[data-key='W:3:0:1']")
    page.keyboard.press("Tab")  # the output's bias square, drawn after its weights
    assert focus_is(page, "#links rect.bias[data-key='b:3:0:0']")
    page.keyboard.press("Enter")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    page.wait_for_function("playground.store.frame.header.b[2][0] === 2")


def test_the_keyboard_alone_trains_and_uploads(page, tmp_path):
    from playwright.sync_api import expect

    # Playwright turns on Chromium's file-chooser interception only when a listener is
    # added, without waiting for the browser to confirm. A listener added just before the
    # key press can lose that race on a loaded machine, and the chooser then opens unseen.
    # Adding one here, long before the press, keeps the interception on from the start.
    page.on("filechooser", lambda chooser: None)
    open_page(page, "#speed=1")
    tab_to(page, "#play-pause-button")
    page.keyboard.press(" ")
    page.wait_for_function("playground.store.desc.playing")
    page.keyboard.press("Enter")
    page.wait_for_function("!playground.store.desc.playing")
    tab_to(page, "#activation")
    page.keyboard.press("ArrowDown")
    page.wait_for_function("playground.store.desc.state.activation !== 'tanh'")
    path = tmp_path / "four.csv"
    path.write_text("x1,x2,label\n1,1,1\n-1,-1,1\n1,-1,0\n-1,1,0\n2,2,1\n-2,2,0\n")
    tab_to(page, "#upload")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press(" ")
    chooser.value.set_files(str(path))
    expect(page.locator(".upload-item")).to_be_visible()


def test_phone_shows_play_the_map_and_the_losses_together(browser, server_url, artifacts):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        for link in ["", "#networkShape=8,8,8,8,8,8&problem=regression"]:
            page.url_base = server_url
            open_page(page, link)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, link
            for part in ["#play-pause-button", "#heatmap", "#losses"]:
                box = page.locator(part).bounding_box()
                assert box["x"] >= 0 and box["y"] >= 0, (link, part, box)
                assert box["x"] + box["width"] <= 390 and box["y"] + box["height"] <= 844, \
                    (link, part, box)
            page.screenshot(path=str(artifacts / f"phone{len(link)}.png"))
        page.locator("#links path.link-hit").last.focus()  # its tip and editor stay on screen
        assert page.locator("#tip").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.keyboard.press("Enter")
        page.wait_for_selector("#editor", state="visible")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


# ---------------------------------------------------------------------- issue 11's defects
# Each test below failed on the page (or the server) before the defect's fix.
TF_LINK = ("#activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane"
           "&learningRate=0.03&regularizationRate=0&noise=0&networkShape=4,2&seed=0.06373"
           "&showTestData=false&discretize=false&percTrainData=50&x=true&y=true"
           "&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false&cosY=false"
           "&sinY=false&collectStats=false&problem=classification&initZero=false"
           "&hideText=false&numNodes1_hide=true")


def wait_state(page, condition):
    page.wait_for_function(f"(() => {{ const s = playground.store.desc.state; "
                           f"return {condition}; }})()")


def test_leaving_the_1d_curve_gives_circle_its_features_back(page):  # defect 1
    from playwright.sync_api import expect

    open_page(page)
    page.select_option("#problem", "regression")
    page.locator(".dataset[data-name='curve']").click()
    page.wait_for_function("playground.store.desc.oneD === true")
    page.select_option("#problem", "classification")
    wait_state(page, "s.problem === 'classification' && s.dataset === 'circle'")
    expect(page.locator(".node.feature.active")).to_have_count(2)  # x₁ alone before the fix
    expect(page.locator(".node.feature.ui-y")).to_have_attribute("aria-checked", "true")


def test_problem_type_data_and_output_agree_after_two_uploads(page, tmp_path):  # defect 3
    from playwright.sync_api import expect

    classes, values = tmp_path / "classes.csv", tmp_path / "values.csv"
    classes.write_text("x1,x2,label\n" + "".join(f"{i},{(i * 7) % 5},{i % 2}\n"
                                                 for i in range(20)))
    values.write_text("x1,y\n" + "".join(f"{i / 7:.4f},{0.5 * i + 0.25}\n" for i in range(20)))
    open_page(page)
    page.set_input_files("#upload", str(classes))
    expect(page.locator("#message")).to_contain_text("Training on classes.csv")
    page.set_input_files("#upload", str(values))
    expect(page.locator("#message")).to_contain_text("Training on values.csv")
    expect(page.locator("#problem")).to_have_value("regression")
    page.select_option("#problem", "classification")
    wait_state(page, "s.problem === 'classification' && s.dataset === 'circle'")
    page.wait_for_function("playground.store.desc.nClasses === 2 && "
                           "playground.store.points.train.x1.length === 250")
    expect(page.locator(".upload-item")).to_have_count(0)
    expect(page.locator(".dataset.selected")).to_have_attribute("data-name", "circle")
    expect(page.locator(".layer-head .hint").first).to_have_text("sigmoid")
    expect(page.locator("#accuracy-test")).to_be_visible()


def test_output_map_is_translucent_under_the_points(page):  # defect 4
    open_page(page)
    left, top, size = MAP
    alphas = page.evaluate(f"""(() => {{ const d = document.getElementById('heatmap')
        .getContext('2d').getImageData({left}, {top}, {size}, {size}).data, n = {{}};
        for (let p = 3; p < d.length; p += 4) n[d[p]] = (n[d[p]] || 0) + 1;
        return n; }})()""")
    most = max(alphas, key=alphas.get)
    assert most == "160" and alphas[most] > 0.8 * size * size  # as TensorFlow; 255 before


def test_a_dead_network_is_named_on_the_page(page):  # defect 5
    from playwright.sync_api import expect

    open_page(page, "#activation=relu&learningRate=10&initSeed=1&speed=1")
    page.click("#play-pause-button")
    expect(page.locator("#message")).to_contain_text("the network is dead")
    page.wait_for_function("!playground.store.desc.playing")
    expect(page.locator("#play-pause-button")).not_to_have_class(re.compile("playing"))


def test_a_live_activation_change_keeps_the_link_equal_to_the_screen(page):  # defect 8
    open_page(page)
    page.select_option("#activation", "relu")
    page.wait_for_function("location.hash.includes('activation=relu&')")
    other = page.context.new_page()
    other.url_base = page.url_base
    open_page(other, page.evaluate("location.hash"))
    W = other.evaluate("JSON.stringify(playground.store.frame.header.W)")
    other.close()
    # the link's page starts from the weights this page shows (before the fix: Xavier here,
    # He there)
    page.wait_for_function("(W) => JSON.stringify(playground.store.frame.header.W) === W", arg=W)


def test_tensorflow_links_open_without_complaint_and_hide_keys_hide(page):  # defect 9
    from playwright.sync_api import expect

    open_page(page, TF_LINK)
    assert state(page, "seed") == 6373
    assert not page.is_visible("#message")  # no "seed must be a whole number" banner
    expect(page.locator(".layer-head .ui-numNodes1")).to_be_hidden()  # TF's own _hide key
    expect(page.locator(".layer-head .ui-numNodes2")).to_be_visible()
    open_page(page, "#learningRate=abc&noise=-5&networkShape=3")
    for culprit in ["learningRate", "noise"]:  # every bad value, not only the last
        expect(page.locator("#message")).to_contain_text(culprit)
    open_page(page, "#numHiddenLayers_hide=true&features_hide=true")
    for part in ["#add-layer", ".layer-head button", ".node.feature", ".feature-label"]:
        expect(page.locator(part).first).to_be_hidden()
    open_page(page, "#x_hide=true")
    expect(page.locator(".node.feature.ui-x")).to_be_hidden()
    expect(page.locator(".node.feature.ui-y")).to_be_visible()


def test_arrow_keys_on_the_ratio_slider_all_count(page):  # defect 10
    """The server's answer to the first → arrives after the second → was pressed: the
    slider must not fall back to it (it did, and four presses from 10 ended at 40)."""
    from playwright.sync_api import expect

    held, holding = [], [False]

    def route(ws):  # the page's WebSocket, with the server's messages held on demand
        server = ws.connect_to_server()
        ws.on_message(server.send)
        server.on_message(lambda m: held.append(m) if holding[0] else ws.send(m))
        route.ws = ws

    def release(count):  # pass on the first `count` messages held
        for m in held[:count]:
            route.ws.send(m)
        del held[:count]

    def states():
        return [i for i, m in enumerate(held) if isinstance(m, str) and '"state"' in m]

    page.route_web_socket(re.compile(r"/ws$"), route)
    open_page(page, "#percTrainData=10")
    page.focus("#percTrainData")
    holding[0] = True
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    while len(states()) < 2:  # the server has answered both presses
        page.wait_for_timeout(20)
    release(states()[0] + 1)  # the answer to the first press only: percTrainData 20
    wait_state(page, "s.percTrainData === 20")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    holding[0] = False
    release(len(held))
    wait_state(page, "s.percTrainData === 50")
    page.wait_for_function("playground.store.points.train.x1.length === 250")  # 50 % of 500
    expect(page.locator("#percTrainData")).to_have_value("50")
    expect(page.locator("#percTrainData-value")).to_have_text("50")


def test_clicking_a_neuron_brings_its_maths_into_view(page):  # defect 14
    page.set_viewport_size({"width": 1400, "height": 800})
    open_page(page)
    page.locator(".node.neuron.output").click()
    page.wait_for_function("document.getElementById('explain-body').textContent.length > 0")
    page.wait_for_function("""(() => { const r = document.getElementById('explain')
        .getBoundingClientRect(); return r.top >= 0 && r.top + 120 <= innerHeight; })()""")


@pytest.fixture
def small_server():
    """A playground server of its own that takes one tab only."""
    from glassnet.playground.server import Limits

    yield from serve(limits=Limits(sessions=1))


def test_the_tab_over_the_limit_keeps_its_reason_on_screen(page, small_server):  # defect 7
    from playwright.sync_api import expect

    page.url_base = small_server
    open_page(page)
    second = page.context.new_page()
    second.goto(small_server)
    second.wait_for_function("playground.connection.ws.readyState === WebSocket.CLOSED")
    expect(second.locator("#message")).to_contain_text("already runs 1 sessions")
    expect(second.locator("#message")).not_to_contain_text("lost")
    second.close()


def test_a_killed_server_is_shown_and_the_page_reconnects_from_its_link(page):  # defect 6
    from playwright.sync_api import expect

    with socket.socket() as sock:  # a free port, for both runs of the server
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    def start():
        server = subprocess.Popen([sys.executable, "-m", "glassnet", "playground", "--port",
                                   str(port)], stdout=subprocess.PIPE, text=True)
        assert "playground at" in server.stdout.readline()
        return server

    server = start()
    try:
        page.url_base = f"http://127.0.0.1:{port}/"
        open_page(page, "#learningRate=0.1&networkShape=3&speed=1")
        page.click("#play-pause-button")
        page.wait_for_function("playground.store.desc.playing")
        server.kill()
        server.wait()
        expect(page.locator("#message")).to_contain_text("connection to the playground "
                                                         "server was lost")
        expect(page.locator("#play-pause-button")).not_to_have_class(re.compile("playing"))
        page.click("#play-pause-button")  # a click while away changes nothing
        expect(page.locator("#play-pause-button")).not_to_have_class(re.compile("playing"))
        server = start()
        expect(page.locator("#message")).to_contain_text("Reconnected", timeout=30_000)
        expect(page.locator("#message")).to_contain_text("were lost")
        wait_state(page, "s.learningRate === 0.1 && s.networkShape.join() === '3'")
        page.click("#play-pause-button")
        page.wait_for_function("playground.store.desc.playing")
    finally:
        server.kill()
        server.wait()
