"""Playground stop conditions (issue 16): at an epoch, a test loss, a test accuracy/R²."""

import pytest

from glassnet.errors import ConfigError
from glassnet.playground import protocol
from glassnet.playground.session import Session


def session_with(**changes):
    return Session(protocol.check_settings(changes, protocol.defaults()))


def test_stop_at_epoch_pauses_there_and_says_why():
    s = session_with(stopEpoch=3)
    s.playing = True
    s.train(10)
    assert s.epoch == 3 and not s.playing
    assert "epoch 3" in s.stopped


def test_stop_at_test_loss_stops_once_it_is_reached():
    s = session_with(stopLoss=1e6)  # any finite loss is below it: stops after epoch 1
    s.train(10)
    assert s.epoch == 1 and "test loss" in s.stopped
    assert s.scores()["testLoss"] <= 1e6


def test_stop_at_accuracy_and_r2():
    s = session_with(stopScore=1e-9, learningRate=0.3, seed=1)
    s.train(200)
    assert "test accuracy" in s.stopped and s.scores()["testAccuracy"] >= 1e-9
    r = session_with(problem="regression", stopScore=0.5, learningRate=0.03)
    r.train(300)
    assert r.stopped is None or "R²" in r.stopped


def test_no_condition_never_stops():
    s = session_with()
    s.train(5)
    assert s.epoch == 5 and s.stopped is None


def test_stop_settings_are_in_the_link():
    state = protocol.check_settings({"stopEpoch": 40, "stopLoss": 0.05, "stopScore": 0.9},
                                    protocol.defaults())
    back = protocol.parse_hash(protocol.to_hash(state))
    back = back[0] if isinstance(back, tuple) else back
    assert (back["stopEpoch"], back["stopLoss"], back["stopScore"]) == (40, 0.05, 0.9)


@pytest.mark.parametrize("changes", [{"stopScore": 1.5}, {"stopLoss": -1},
                                     {"stopEpoch": -2}, {"stopLoss": "nan"}])
def test_bad_stop_values_are_refused_naming_the_setting(changes):
    with pytest.raises(ConfigError, match=next(iter(changes))):
        protocol.check_settings(changes, protocol.defaults())
