"""The package's layers, read from its source: no import cycle, no private reach-in, one
epoch runner.

The imports are read with ``ast`` (nothing is imported to find them). A module's imports
at import time are those outside functions and outside ``if TYPE_CHECKING:``; an import
inside a function runs when it is called (``Network.fit`` imports ``training`` so).
"""

import ast
from pathlib import Path

import numpy as np

import glassnet as gn
from glassnet import epochs
from glassnet.playground.session import Session
from glassnet.training import train

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "glassnet"


def module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(path, module, at_import_time):
    """(the module imported from, the names taken) of each import in ``path``."""
    is_package = path.name == "__init__.py"
    found = []

    def visit(node, top):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            inside = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if top or not at_import_time:
                if isinstance(child, ast.ImportFrom):
                    found.append((_resolve(module, is_package, child),
                                  [alias.name for alias in child.names]))
                elif isinstance(child, ast.Import):
                    found.extend((alias.name, []) for alias in child.names)
            visit(child, top and not inside)

    visit(ast.parse(path.read_text(encoding="utf-8")), True)
    return found


def _resolve(module, is_package, node):
    """The absolute name of the module a ``from … import`` reads from."""
    if node.level == 0:
        return node.module
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def graph(at_import_time):
    """Each glassnet module → the glassnet modules it imports."""
    edges = {}
    for module, path in MODULES.items():
        targets = set()
        for source, names in imports(path, module, at_import_time):
            submodules = {f"{source}.{name}" for name in names} & MODULES.keys()
            targets |= submodules or {source}  # `from . import io` is glassnet.io
        edges[module] = {t for t in targets if t in MODULES and t != module}
    return edges


def cycles(edges):
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def connect(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_reader_sees_what_the_package_imports():
    edges = graph(at_import_time=True)
    assert {"glassnet.epochs", "glassnet.callbacks"} <= edges["glassnet.training"]
    assert "glassnet.training" not in edges["glassnet.network"]  # only inside fit
    assert "glassnet.training" in graph(at_import_time=False)["glassnet.network"]


def test_no_module_imports_one_that_imports_it_back():
    assert cycles(graph(at_import_time=True)) == []


def test_network_fit_is_the_only_import_that_points_back_up():
    edges = graph(at_import_time=False)
    assert cycles(edges) != []  # fit: network → training → callbacks → io → network
    edges["glassnet.network"] = edges["glassnet.network"] - {"glassnet.training"}
    assert cycles(edges) == []
    tree = ast.parse(MODULES["glassnet.network"].read_text(encoding="utf-8"))
    importers = [function.name for function in ast.walk(tree)
                 if isinstance(function, ast.FunctionDef)
                 for node in ast.walk(function)
                 if isinstance(node, ast.ImportFrom) and node.module == "training"]
    assert importers == ["fit"]


def test_the_divergence_rule_stays_below_the_runner():
    edges = graph(at_import_time=False)
    assert "glassnet.divergence" in edges["glassnet.epochs"]
    assert "glassnet.epochs" not in edges["glassnet.divergence"]


def private_imports(folder, only_glassnet):
    """``file: from module import _name`` for every private name imported in ``folder``."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        module = module_name(path) if folder == PACKAGE else path.stem
        for source, names in imports(path, module, at_import_time=False):
            if only_glassnet and not source.startswith("glassnet"):
                continue
            found += [f"{path.relative_to(ROOT)}: from {source} import {name}"
                      for name in names if name.startswith("_") and not name.startswith("__")]
    return found


def test_no_private_name_is_imported_from_another_module():
    assert private_imports(PACKAGE, only_glassnet=False) == []
    assert private_imports(ROOT / "tests", only_glassnet=True) == []


def _private(name):
    return name.startswith("_") and not name.startswith("__")


def private_names_defined(tree):
    """The private names a module defines: its functions, classes and module-level names,
    and the attributes it sets on ``self`` or ``cls``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
              and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            names.add(node.attr)
    return {name for name in names if _private(name)}


def private_attribute_uses(path, module):
    """``file:line: obj._name`` for each private attribute used on an object other than
    ``self``/``cls`` that the module does not define itself."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = private_names_defined(tree)
    return [f"{module}:{node.lineno}: {ast.unparse(node)}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and _private(node.attr)
            and node.attr not in own
            and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))]


def test_the_private_attribute_reader_sees_a_reach_in(tmp_path):
    path = tmp_path / "probe.py"
    path.write_text("class A:\n    def f(self):\n        self._mine = 1\n"
                    "def g(a, net):\n    return a._mine + net._forward(1)\n")
    assert private_attribute_uses(path, "probe") == ["probe:5: net._forward"]


# The one reach-in allowed, and why: Numba has no public way to ask whether a kernel's
# machine code is in its disk cache, so glassnet.warmup reads the cache's own index (the
# key load_overload would look up); tests/test_warmup.py fails if Numba changes them.
NUMBA_CACHE_INTERNALS = {"_cache", "_index_key", "_cache_file", "_load_index", "_data_path"}


def test_no_private_attribute_of_another_module_is_used():
    found = [use for module, path in MODULES.items()
             for use in private_attribute_uses(path, module)
             if not (module == "glassnet.warmup"
                     and use.rsplit(".", 1)[-1].removesuffix("()") in NUMBA_CACHE_INTERNALS)]
    assert found == []


def test_train_and_the_playground_session_run_the_same_epoch_runner(monkeypatch):
    runs = []
    original = epochs.EpochRunner.run_epoch

    def counted(runner, optimizer, learning_rate):
        runs.append(isinstance(runner.engine, epochs.NumpyEngine))
        return original(runner, optimizer, learning_rate)

    monkeypatch.setattr(epochs.EpochRunner, "run_epoch", counted)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(2, 20)), (rng.uniform(size=(1, 20)) > 0.5).astype(float)
    train(gn.Network([2, 3, 1], seed=0), X, Y, epochs=2)
    Session(engine="numpy").train(3)
    assert runs == [True] * 5  # NumPy's engine (the session's keeps its last step's caches)
