"""The history of a training run: one list per recorded quantity, one entry per epoch.

The notes' names are the keys: ``"cost"`` (the training cost J of each epoch),
``"val_cost"`` (J on the validation data after each epoch), one key per metric
(``"accuracy"``, ``"r2"``) and its ``"val_"`` twin. ``history.history`` is the same as a
plain dict of lists with Keras' names beside them: ``"loss"`` is ``"cost"`` and
``"val_loss"`` is ``"val_cost"`` (Keras calls J the loss; the notes keep "loss" for one
example's L(a, y)).
"""

from collections.abc import Iterator, KeysView

from .display import curve_svg, html_table

#: the notes' name → Keras' name, for the keys that differ
KERAS_NAMES = {"cost": "loss", "val_cost": "val_loss"}


class History:
    """What training recorded, epoch by epoch.

    ``history["cost"]`` (also ``history.cost``) is the training cost per epoch; see the
    module docstring for the other keys and ``history.history`` for Keras' names.
    ``epochs`` is how many epochs ran, ``stopped_early`` whether early stopping ended the
    run, ``best_epoch`` the epoch at whose end the parameters early stopping restored
    stood (0: the parameters training started from), ``seconds`` how long it took.
    """

    def __init__(self) -> None:
        self.records: dict[str, list[float]] = {"cost": []}
        self.epochs = 0
        self.stopped_early = False
        self.best_epoch: int | None = None
        self.seconds = 0.0

    def __getitem__(self, key: str) -> list[float]:
        return self.records[key]

    def __contains__(self, key: object) -> bool:
        return key in self.records

    def keys(self) -> KeysView[str]:
        return self.records.keys()

    @property
    def cost(self) -> list[float]:
        return self.records["cost"]

    @property
    def history(self) -> dict[str, list[float]]:
        """A dict of lists: the notes' keys and, beside them, Keras' ("loss", "val_loss")."""
        return {key: list(values) for key, values in self._by_both_names()}

    def _by_both_names(self) -> Iterator[tuple[str, list[float]]]:
        """(key, the record) for each record, and again under Keras' name where it differs."""
        for key, values in self.records.items():
            yield key, values
            if key in KERAS_NAMES:
                yield KERAS_NAMES[key], values

    @property
    def epoch(self) -> list[int]:
        """The epochs recorded, counting from 0 (Keras' ``History.epoch``)."""
        return list(range(self.epochs))

    def add(self, scores: dict[str, float]) -> None:
        """Append one epoch's scores ({name: value}) and count the epoch."""
        for key, value in scores.items():
            self.records.setdefault(key, []).append(value)
        self.epochs += 1

    def last(self) -> dict[str, float]:
        """The last epoch's scores under both names (the ``logs`` callbacks receive)."""
        return {key: values[-1] for key, values in self._by_both_names() if values}

    def __repr__(self) -> str:
        last = {k: round(v[-1], 6) for k, v in self.records.items() if v}
        return f"History(epochs={self.epochs}, last={last})"

    def _repr_html_(self) -> str:
        """The cost curve (training and validation J) and the last epoch's scores, as HTML
        for a Jupyter notebook."""
        curves = {name: self.records[key] for key, name in
                  (("cost", "training cost J"), ("val_cost", "validation cost J"))
                  if key in self.records}
        rows = [("quantity", "last epoch")] + [(key, f"{values[-1]:.6g}")
                                               for key, values in self.records.items() if values]
        caption = (f"History of {self.epochs} epoch(s)"
                   + ("; stopped early" if self.stopped_early else "")
                   + ("" if self.best_epoch is None else f"; best epoch {self.best_epoch}"))
        curve = curve_svg(curves) if self.epochs else ""  # no epoch, nothing to draw
        return f"<div>{curve}{html_table(rows, caption)}</div>"
