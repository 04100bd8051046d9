"""Learning-rate schedules: the learning rate α of each epoch, from the starting rate α₀.

* ``constant``:      α = α₀
* ``inverse_time``:  α = α₀ / (1 + decay·epoch)           (the notes' "learning rate decay")
* ``exponential``:   α = α₀ · decay^epoch
* ``step``:          α = α₀ · drop^⌊epoch / every⌋

``epoch`` counts from 0 for the first epoch, so every schedule starts at α₀; a later
``fit`` on the same network goes on counting (see docs/training.md). Each rate only
falls: decay and drop are in [0, 1].
"""

from typing import Any

from .errors import ConfigError
from .registry import Named, Registry
from .validation import check_non_negative, check_positive_int


class Schedule(Named):
    """A rule for the learning rate of each epoch."""

    def rate(self, learning_rate: float, epoch: int) -> float:
        raise NotImplementedError


schedules = Registry("learning-rate schedule", Schedule)


@schedules.register
class Constant(Schedule):
    """α = α₀ every epoch."""

    name = "constant"

    def rate(self, learning_rate: float, epoch: int) -> float:
        return learning_rate


@schedules.register
class InverseTime(Schedule):
    """α = α₀ / (1 + decay·epoch)."""

    name = "inverse_time"
    aliases = ("invscaling", "decay")

    def __init__(self, decay: float = 0.01) -> None:
        self.decay = check_non_negative(decay, "decay")

    def _params(self):
        return {"decay": self.decay}

    def rate(self, learning_rate: float, epoch: int) -> float:
        return learning_rate / (1.0 + self.decay * epoch)


@schedules.register
class Exponential(Schedule):
    """α = α₀ · decay^epoch, with 0 ≤ decay ≤ 1 (a rate that grows is not a decay)."""

    name = "exponential"

    def __init__(self, decay: float = 0.99) -> None:
        self.decay = _fraction(decay, "the exponential schedule's decay")

    def _params(self):
        return {"decay": self.decay}

    def rate(self, learning_rate: float, epoch: int) -> float:
        return learning_rate * self.decay ** epoch


@schedules.register
class Step(Schedule):
    """α = α₀ · drop^⌊epoch / every⌋: the rate falls by ``drop`` (0 ≤ drop ≤ 1) every
    ``every`` epochs."""

    name = "step"

    def __init__(self, drop: float = 0.5, every: int = 10) -> None:
        self.drop = _fraction(drop, "the step schedule's drop")
        self.every = check_positive_int(every, "every")

    def _params(self):
        return {"drop": self.drop, "every": self.every}

    def rate(self, learning_rate: float, epoch: int) -> float:
        return learning_rate * self.drop ** (epoch // self.every)


def _fraction(value, name):
    """A factor in [0, 1]: a larger one would make the rate grow (and overflow); 0 leaves
    α₀ for the first epoch(s) and then stops the steps."""
    value = check_non_negative(value, name)
    if value > 1:
        raise ConfigError(f"{name} must be in [0, 1] (the rate may only fall), got {value!r}")
    return value


def get(spec: Any) -> Schedule:
    """The schedule ``spec`` names (a name, a config dict or a Schedule)."""
    return schedules.get(spec)
