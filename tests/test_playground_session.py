"""The playground's Session on its own, without a server."""

import math

from glassnet.playground.session import Session


def test_fastest_speed_trains_until_the_time_is_up():
    """Speed 0 (fastest) asks for ``math.inf`` epochs bounded by seconds: it must train,
    not fail on ``range(math.inf)`` (the server's loop died silently on it once)."""
    session = Session()
    session.train(math.inf, seconds=0.05)
    assert session.epoch >= 1
