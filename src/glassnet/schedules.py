"""Learning-rate schedules: the learning rate α of each epoch, from the starting rate α₀.

* ``constant``:      α = α₀
* ``inverse_time``:  α = α₀ / (1 + decay·epoch)           (the notes' "learning rate decay")
* ``exponential``:   α = α₀ · decay^epoch
* ``step``:          α = α₀ · drop^⌊epoch / every⌋

``epoch`` counts from 0 for the first epoch, so every schedule starts at α₀.
"""

from .registry import Named, Registry
from .validation import check_non_negative, check_positive_int


class Schedule(Named):
    """A rule for the learning rate of each epoch."""

    def rate(self, base_rate, epoch):
        raise NotImplementedError


schedules = Registry("learning-rate schedule", Schedule)


@schedules.register
class Constant(Schedule):
    """α = α₀ every epoch."""

    name = "constant"

    def rate(self, base_rate, epoch):
        return base_rate


@schedules.register
class InverseTime(Schedule):
    """α = α₀ / (1 + decay·epoch)."""

    name = "inverse_time"
    aliases = ("invscaling", "decay")

    def __init__(self, decay=0.01):
        self.decay = check_non_negative(decay, "decay")

    def _params(self):
        return {"decay": self.decay}

    def rate(self, base_rate, epoch):
        return base_rate / (1.0 + self.decay * epoch)


@schedules.register
class Exponential(Schedule):
    """α = α₀ · decay^epoch."""

    name = "exponential"

    def __init__(self, decay=0.99):
        self.decay = check_non_negative(decay, "decay")

    def _params(self):
        return {"decay": self.decay}

    def rate(self, base_rate, epoch):
        return base_rate * self.decay ** epoch


@schedules.register
class Step(Schedule):
    """α = α₀ · drop^⌊epoch / every⌋: the rate falls by ``drop`` every ``every`` epochs."""

    name = "step"

    def __init__(self, drop=0.5, every=10):
        self.drop = check_non_negative(drop, "drop")
        self.every = check_positive_int(every, "every")

    def _params(self):
        return {"drop": self.drop, "every": self.every}

    def rate(self, base_rate, epoch):
        return base_rate * self.drop ** (epoch // self.every)


def get(spec):
    """The schedule ``spec`` names (a name, a config dict or a Schedule)."""
    return schedules.get(spec)
