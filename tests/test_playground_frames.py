"""The playground's frames in a real Chromium: how many arrive, how big, and how smoothly.

These tests print figures (run with ``-s``) and assert only what must be true at any speed:
frames arrive, the epoch counter advances and the page draws them. The goals (the largest
network at 25 frames/s or more with no stall over 100 ms, the default network at 300 KB/s
or less per tab) are figures to read, not timed assertions: a loaded machine is slower.

Bytes are counted as the page receives them (each WebSocket message's payload, from
Playwright's ``framereceived`` events); stalls are the longest time between two animation
frames of the page (its main thread busy) and between two frames drawn.
"""

import os
import time

import pytest

import test_playground_browser as shared
from test_playground_browser import map_pixels, open_page

pytestmark = pytest.mark.browser
# the browser tests' server and page, shared (the browser is conftest.py's)
server_url, artifacts, page = shared.server_url, shared.artifacts, shared.page

LARGEST = ("#networkShape=8,8,8,8,8,8&x=true&y=true&xSquared=true&ySquared=true"
           "&xTimesY=true&sinX=true&sinY=true")

# Each animation frame, the page's time, the epoch it shows and whether a new frame came.
SAMPLER = """() => { window.samples = []; let last = null;
  const tick = (t) => { const f = playground.store.frame;
    samples.push([t, f.header.epoch, f !== last ? 1 : 0]); last = f;
    if (!window.stopSampling) requestAnimationFrame(tick); };
  requestAnimationFrame(tick); }"""


def figures(page, link, seconds=5.0):
    """Play at the fastest speed for ``seconds``; what arrived and how it was drawn."""
    received = []  # (time, bytes) of every message from the server
    page.on("websocket", lambda ws: ws.on("framereceived", lambda payload: received.append(
        (time.perf_counter(), len(payload)))))
    open_page(page, link + "&speed=0")
    page.evaluate(SAMPLER)
    page.click("#play-pause-button")
    page.wait_for_function("playground.store.desc.playing")
    start = time.perf_counter()
    page.wait_for_timeout(1000 * seconds)
    end = time.perf_counter()
    page.evaluate("window.stopSampling = true")
    samples = page.evaluate("samples")
    page.click("#play-pause-button")
    page.wait_for_function("!playground.store.desc.playing")
    window = [s for s in samples if s[0] >= samples[0][0] + 500]  # after Play took effect
    drawn = [s for s in window if s[2]]
    span = (window[-1][0] - window[0][0]) / 1000
    arrived = [b for t, b in received if start <= t <= end]
    return {
        "frames_per_second": len(drawn) / span,
        "epochs_per_second": (window[-1][1] - window[0][1]) / span,
        "bytes_per_second": sum(arrived) / (end - start),
        "longest_animation_gap_ms": max(b[0] - a[0] for a, b in zip(window, window[1:])),
        "longest_wait_for_a_frame_ms": max(b[0] - a[0] for a, b in zip(drawn, drawn[1:])),
        "frames": len(drawn),
        "epochs": window[-1][1],
    }


def report(what, r):
    load = os.getloadavg()[0]  # the figures depend on what else the machine runs
    print(f"\n{what} (load average {load:.1f}): {r['frames_per_second']:.1f} frames/s drawn, "
          f"{r['epochs_per_second']:,.0f} epochs/s, {r['bytes_per_second'] / 1000:,.0f} KB/s, "
          f"longest wait for a frame {r['longest_wait_for_a_frame_ms']:.0f} ms, longest "
          f"gap between animation frames {r['longest_animation_gap_ms']:.0f} ms")


@pytest.mark.parametrize("what, link", [("default network [4, 2]", "#networkShape=4,2"),
                                        ("largest network 6 x 8, 7 features", LARGEST)])
def test_frames_arrive_and_are_drawn_at_full_speed(page, what, link):
    r = figures(page, link)
    report(what, r)
    assert r["frames"] >= 5 and r["epochs"] > 0
    assert map_pixels(page).std() > 0
