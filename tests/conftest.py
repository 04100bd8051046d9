"""Test settings shared by every test file.

Hypothesis draws new random cases on every run, which is how the fuzzers find new bugs on
a developer's machine. On CI (the ``CI`` variable set) it draws the same cases every time
(``derandomize``), so that a submission's result does not depend on luck; run the fuzzers
locally, with ``GLASSNET_FUZZ_EXAMPLES=2000`` for a longer search.

The browser tests share one Chromium (Debian's, driven by Playwright), launched once per
test session by the ``browser`` fixture: each test opens its own context in it.
"""

import os

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
                 if os.path.exists(p)), None)
INSTALL = ("Chromium is needed for the browser tests: apt-get install -y "
           "--no-install-recommends chromium (and pip install playwright; never run "
           "`playwright install`)")


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per browser test module; skipped (failed on CI) without it.

    Module-scoped, not session-scoped: Playwright's sync API keeps an asyncio event loop
    running in this thread while it is open, and later tests that call ``asyncio.run``
    (the robust server tests) would fail beside it.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if CHROMIUM is None or sync_playwright is None:
        if os.environ.get("CI"):
            pytest.fail(INSTALL)
        pytest.skip(INSTALL)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--disable-gpu", "--disable-quic"])
        yield browser
        browser.close()
