"""Errors: what glassnet raises when an input does not fit the notes' conventions.

Every error is a ``GlassnetError`` and also a ``ValueError`` or ``TypeError``, so code
that already catches those keeps working. Messages name the culprit in the notes' terms:
"W[2] has shape (1, 3) but A[1] has 4 rows", never a bare NumPy traceback.
"""


class GlassnetError(Exception):
    """Base class of every error glassnet raises on purpose."""


class ShapeError(GlassnetError, ValueError):
    """An array does not have the shape the notes' conventions call for."""


class DataError(GlassnetError, ValueError):
    """Data holds values a computation cannot use: NaN, inf, labels out of range, no examples."""


class ConfigError(GlassnetError, ValueError):
    """A setting is unknown or out of range: a name, a learning rate, a layer size."""


class NumericError(GlassnetError, ValueError):
    """A computation left the range of finite numbers (an overflow to inf, or a NaN)."""


class DivergenceError(NumericError):
    """Training diverged: a cost or parameters not finite, or a cost that grew far.

    ``epoch`` is the epoch (counting from 1) that diverged; ``reason`` says how
    ("parameters", "cost", "grew", "rising", see ``glassnet.divergence``); the parameters
    are those at the start of ``restored_epoch``; ``suggested_rate`` is a learning rate
    that lowered the cost when tried on a copy of the network (None if none did);
    ``history`` holds what training recorded before.
    """

    def __init__(self, message, epoch, history=None, reason=None, restored_epoch=None,
                 suggested_rate=None):
        super().__init__(message)
        self.epoch = epoch
        self.history = history
        self.reason = reason
        self.restored_epoch = restored_epoch
        self.suggested_rate = suggested_rate


class NotFittedError(GlassnetError, ValueError):
    """A network or estimator was used before it had parameters to use."""


class FileFormatError(GlassnetError, ValueError):
    """A file is not a glassnet file, or is truncated, corrupt or of an unknown version."""


class LayerIndexError(GlassnetError, IndexError):
    """A layer number outside 1 … L (or 0 … L for A[l]), as ``net.W[5]`` on a 2-layer net."""


class GlassnetTypeError(GlassnetError, TypeError):
    """An argument has the wrong type (a string where a number is needed, say)."""
