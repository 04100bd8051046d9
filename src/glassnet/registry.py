"""Registries: how glassnet turns a name such as ``"relu"`` into the object it names.

Activations, losses, initializers, optimizers and schedules are each kept in a registry.
A registry accepts a name (case and ``-``/``_`` do not matter), a ``{"name": ..., **params}``
dictionary (the form saved in model files), or an object that is already of its kind.
An unknown name raises a ``ConfigError`` that lists the valid ones.
"""

import inspect
from typing import Any, Generic, TypeVar

from .errors import ConfigError, GlassnetError, GlassnetTypeError


def _normalize(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


T = TypeVar("T", bound="Named")


class Registry(Generic[T]):
    """A table of named classes of one kind (e.g. every activation function)."""

    def __init__(self, kind: str, base: type[T]) -> None:
        self.kind = kind
        self.base = base
        self._classes: dict[str, type[T]] = {}
        self._aliases: dict[str, str] = {}

    def register(self, cls: type[T]) -> type[T]:
        """Class decorator: enter ``cls`` under ``cls.name`` and each of ``cls.aliases``."""
        self._classes[cls.name] = cls
        for alias in (cls.name, *getattr(cls, "aliases", ())):
            self._aliases[_normalize(alias)] = cls.name
        return cls

    def registered(self, name: str) -> type[T] | None:
        """The class registered under ``name`` (canonical or alias), None if there is none."""
        key = self._aliases.get(_normalize(name))
        return None if key is None else self._classes[key]

    def names(self) -> list[str]:
        """The canonical names, in the order they were registered."""
        return list(self._classes)

    def get(self, spec: Any, **defaults: Any) -> T:
        """Return the object ``spec`` names: a name, a config dict, or an instance."""
        if isinstance(spec, self.base):
            return spec
        if isinstance(spec, str):
            return self._build(spec, defaults)
        if isinstance(spec, dict):
            params = dict(spec)
            name = params.pop("name", None)
            if not isinstance(name, str):
                raise ConfigError(f"a {self.kind} given as a dict needs a 'name' key, got {spec!r}")
            return self._build(name, {**defaults, **params})
        raise GlassnetTypeError(
            f"{self.kind} must be a name (one of {', '.join(self.names())}), "
            f"got {type(spec).__name__} {spec!r}"
        )

    def _build(self, name: str, params: dict[str, Any]) -> T:
        key = self._aliases.get(_normalize(name))
        if key is None:
            raise ConfigError(
                f"unknown {self.kind} {name!r}; valid names are: {', '.join(self.names())}"
            )
        cls = self._classes[key]
        if params:  # (inspect.signature takes tens of µs: only settings given need it)
            self._check_settings(key, cls, params)
        try:
            return cls(**params)
        except GlassnetError:
            raise
        except TypeError as exc:
            raise ConfigError(f"{self.kind} {key!r} does not take these settings: {exc}") from None

    def _check_settings(self, key: str, cls: type[T], params: dict[str, Any]) -> None:
        """A ConfigError naming the settings ``cls`` does not take, and those it does."""
        valid = [p for p in inspect.signature(cls).parameters if p != "self"]
        unknown = [p for p in params if p not in valid]
        if unknown:
            takes = (f"its settings are: {', '.join(valid)}" if valid
                     else "it takes no settings")
            raise ConfigError(
                f"{self.kind} {key!r} has no setting {', '.join(map(repr, unknown))}; {takes}")


class Named:
    """Mixin for registered objects: a ``name``, settings in ``config()``, a readable repr."""

    name: str = "?"
    aliases: tuple[str, ...] = ()

    def config(self) -> dict[str, Any]:
        """The name and the settings that rebuild this object through its registry."""
        return {"name": self.name, **self._params()}

    def _params(self) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self._params().items())
        return f"{type(self).__name__}({params})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.config() == other.config()

    def __hash__(self) -> int:
        return hash((type(self), tuple(sorted(self._params().items()))))
