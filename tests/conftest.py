"""Test settings shared by every test file.

Hypothesis draws new random cases on every run, which is how the fuzzers find new bugs on
a developer's machine. On CI (the ``CI`` variable set) it draws the same cases every time
(``derandomize``), so that a submission's result does not depend on luck; run the fuzzers
locally, with ``GLASSNET_FUZZ_EXAMPLES=2000`` for a longer search.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
