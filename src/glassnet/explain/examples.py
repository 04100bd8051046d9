"""Examples: the lecture notes' exercises, shipped as problem files (and answer files).

They live in the package folder ``glassnet/examples``: ``seed003_math_problem.yaml`` is the
worked problem of seed 003, ``seed003_notes_answers.yaml`` the notes' own hand values for
it. ``examples()`` lists the problem files by name; ``example_path(name)`` finds one by
its name, with or without the suffix, so that ``glassnet explain seed003_math_problem``
works from any folder; ``find(text)`` takes a file's path or an example's name, as the
command line does.
"""

import os
from importlib import resources
from pathlib import Path

from ..errors import ConfigError, FileFormatError

_SUFFIXES = (".yaml", ".yml", ".json")


def _folder():
    return Path(str(resources.files("glassnet") / "examples"))


def examples(answers: bool = False) -> list[str]:
    """The names of the shipped problem files (or, with ``answers``, answer files)."""
    names = sorted(p.stem for p in _folder().iterdir() if p.suffix in _SUFFIXES)
    return [n for n in names if n.endswith("_answers") == answers]


def example_path(name: str | os.PathLike) -> Path:
    """The path of the shipped file ``name`` ("seed003_math_problem", suffix optional)."""
    for suffix in ("", *_SUFFIXES):
        path = _folder() / f"{name}{suffix}"
        if path.is_file():
            return path
    raise ConfigError(f"no example named {name!r}; the examples are: "
                      f"{', '.join(examples() + examples(answers=True))}")


def find(text: str | os.PathLike) -> Path:
    """The file ``text`` names: a path that exists, or the shipped example of that name."""
    path = Path(text)
    if path.exists():
        return path
    try:
        return example_path(text)
    except ConfigError:
        raise FileFormatError(f"cannot read {text}: no such file, and no shipped example of "
                              "that name (glassnet explain --list)") from None
