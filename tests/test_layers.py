"""The package's layers: every import points downward, and there is no import cycle.

Read with ``ast`` (nothing is imported), so a broken module still gets checked.
Layer 1 is the top; a module may import its own layer and any layer with a larger number.
"""

import ast
from pathlib import Path

PACKAGE = "glmnet_bridge"
PACKAGE_DIR = Path(__file__).resolve().parents[1] / PACKAGE

# Subpackage (or bottom module) → layer, top to bottom. A new subpackage must be placed here.
# ``glmnet_bridge/__init__.py`` (the public API) sits above every layer and may import anything.
LAYERS = {
    "glmnet_bridge.presentation": 1,  # plots, report/, cli: reads results, never fits
    "glmnet_bridge.comparison": 2,  # compare, hidden: neurons beside the GLMs they equal
    "glmnet_bridge.glmnet": 3,  # path, point, cv: the regularisation path and its CV
    "glmnet_bridge.estimation": 4,  # design, checks, model, results, inference, fit, …
    "glmnet_bridge.solvers": 5,  # Newton, L-BFGS, descent, proximal (elastic net)
    "glmnet_bridge.engines": 6,  # cost, gradient and X'WX at β, by row blocks
    "glmnet_bridge.neural": 7,  # perceptrons, circuits, the SGD network
    "glmnet_bridge.core": 8,  # activations, costs, penalties
    "glmnet_bridge.exceptions": 9,  # bottom: the errors and warnings
    "glmnet_bridge.datasets": 9,  # bottom: the bundled data
}
TOP = 0  # the layer of the package's own __init__

# Upward imports the public API contract asks for: a result object with a ``.plot()`` or
# ``.report()`` that draws it. Each is deferred to the method (imported inside it, never at
# module level) and uses only public names of the module it reaches. Nothing else goes here.
ALLOWED_UPWARD = {
    # Comparison.plot(): the contract's ``cmp.plot()`` returns a Figure.
    ("glmnet_bridge.comparison.compare", "glmnet_bridge.presentation.plots"),
    # Comparison.report(): the contract's ``cmp.report(path)`` writes HTML or Markdown.
    ("glmnet_bridge.comparison.compare", "glmnet_bridge.presentation.report"),
    # GlmnetPath.plot() and CVGlmnet.plot(): coefficient paths and the CV curve.
    ("glmnet_bridge.glmnet.path", "glmnet_bridge.presentation.plots"),
    ("glmnet_bridge.glmnet.cv", "glmnet_bridge.presentation.plots"),
    ("glmnet_bridge.glmnet.multinomial", "glmnet_bridge.presentation.plots"),
    # ModelComparison.plot(): cross-validated deviance against the number of parameters.
    ("glmnet_bridge.comparison.hidden", "glmnet_bridge.presentation.plots"),
    # NeuronFit.plot_diagnostics(): R's four residual panels of a GLM.
    ("glmnet_bridge.estimation.glm_results", "glmnet_bridge.presentation.plots"),
}


# ----------------------------------------------------------------------------- reading


def module_name(path):
    """Dotted name of the module in ``path`` (a package's __init__ is the package)."""
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files():
    """Every .py file of the package, by module name."""
    return {module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


MODULES = source_files()


def _is_package(module):
    return MODULES[module].name == "__init__.py"


def _is_type_checking(test):
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _target(base, name):
    """``from base import name``: the submodule ``base.name`` if it is one, else ``base``."""
    sub = f"{base}.{name}" if base else name
    return sub if sub in MODULES else base


class _Imports(ast.NodeVisitor):
    """Collect (line, imported module, names, at module level) for one module."""

    def __init__(self, module, is_package=None):
        self.module = module
        is_package = _is_package(module) if is_package is None else is_package
        self.package = module if is_package else module.rpartition(".")[0]
        self.depth = 0  # > 0 inside a function or method body
        self.type_checking = 0  # > 0 inside ``if TYPE_CHECKING:``
        self.found = []

    def _add(self, line, imported, names=()):
        if imported == PACKAGE or imported.startswith(PACKAGE + "."):
            module_level = self.depth == 0 and self.type_checking == 0
            self.found.append((line, imported, tuple(names), module_level))

    def _function(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_If(self, node):
        if _is_type_checking(node.test):
            self.type_checking += 1
            for child in node.body:
                self.visit(child)
            self.type_checking -= 1
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def visit_Import(self, node):
        for alias in node.names:
            self._add(node.lineno, alias.name)

    def visit_ImportFrom(self, node):
        if node.level:
            anchor = self.package.split(".")
            base = ".".join(anchor[: len(anchor) - (node.level - 1)])
            base = f"{base}.{node.module}" if node.module else base
        else:
            base = node.module or ""
        by_target = {}
        for alias in node.names:
            by_target.setdefault(_target(base, alias.name), []).append(alias.name)
        for imported, names in by_target.items():
            self._add(node.lineno, imported, names)

    def visit_Call(self, node):
        # importlib.import_module(".presentation.plots", __name__) and the absolute form.
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if (name == "import_module" and node.args and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            target = node.args[0].value
            if target.startswith("."):  # relative to the second argument, as importlib does
                level = len(target) - len(target.lstrip("."))
                given = node.args[1] if len(node.args) > 1 else None
                if isinstance(given, ast.Constant) and isinstance(given.value, str):
                    anchor = given.value.split(".")
                elif isinstance(given, ast.Name) and given.id == "__name__":
                    anchor = self.module.split(".")
                else:  # __package__
                    anchor = self.package.split(".")
                base = ".".join(anchor[: len(anchor) - (level - 1)])
                rest = target.lstrip(".")
                target = f"{base}.{rest}" if rest else base
            self._add(node.lineno, target)
        self.generic_visit(node)


def imports_of(module):
    """Every import of the package in ``module``: (line, imported, names, module_level)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"), filename=str(MODULES[module]))
    visitor = _Imports(module)
    visitor.visit(tree)
    return visitor.found


IMPORTS = {m: imports_of(m) for m in MODULES}


def layer_of(module):
    """Return (layer, key) of a module, or (None, None) if no layer holds it."""
    if module == PACKAGE:
        return TOP, PACKAGE
    for key in sorted(LAYERS, key=len, reverse=True):
        if module == key or module.startswith(key + "."):
            return LAYERS[key], key
    return None, None


def _where(module, line):
    return f"{MODULES[module].relative_to(PACKAGE_DIR.parent)}:{line}"


def upward_imports():
    """Every import of a higher layer: (module, line, imported, names, module_level)."""
    out = []
    for module, found in IMPORTS.items():
        own, _ = layer_of(module)
        for line, imported, names, module_level in found:
            theirs, _ = layer_of(imported)
            if own is not None and theirs is not None and theirs < own:
                out.append((module, line, imported, names, module_level))
    return out


# ----------------------------------------------------------------------------- tests


def test_imports_point_downward():
    problems = []
    for module, line, imported, names, module_level in upward_imports():
        own, own_key = layer_of(module)
        theirs, their_key = layer_of(imported)
        head = (f"{_where(module, line)}  {module} (layer {own}, {own_key}) imports "
                f"{imported} (layer {theirs}, {their_key})")
        if (module, imported) not in ALLOWED_UPWARD:
            problems.append(head)
        elif module_level:
            problems.append(f"{head}: an allowed convenience, but at module level "
                            "(import it inside the method)")
        elif private := [n for n in names if n.startswith("_")]:
            problems.append(f"{head}: an allowed convenience, but takes the private "
                            f"{', '.join(private)}")
    assert not problems, (f"{len(problems)} import(s) point up the layers:\n  "
                          + "\n  ".join(problems))


def test_allowlist_has_no_stale_entries():
    seen = {(module, imported) for module, _, imported, _, _ in upward_imports()}
    stale = sorted(ALLOWED_UPWARD - seen)
    assert not stale, f"allowlisted upward imports that no longer occur: {stale}"


def test_every_module_has_a_layer():
    unplaced = sorted(m for m in MODULES if m != PACKAGE and layer_of(m)[0] is None)
    assert not unplaced, (f"modules in no layer (add their subpackage to LAYERS in "
                          f"tests/test_layers.py): {unplaced}")
    missing = sorted(key for key in LAYERS if key not in MODULES)
    assert not missing, f"LAYERS names modules that do not exist: {missing}"


def _module_graph():
    """Module-level imports only: module → {imported module: first line}."""
    graph = {m: {} for m in MODULES}
    for module, found in IMPORTS.items():
        for line, imported, _, module_level in found:
            if module_level and imported in MODULES and imported != module:
                graph[module].setdefault(imported, line)
    return graph


def _cycles(graph):
    """One cycle [a, b, …, a] per strongly connected component that has one (Tarjan)."""
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def connect(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(component)

    for v in sorted(graph):
        if v not in index:
            connect(v)

    cycles = []
    for component in components:
        start = min(component)
        paths = {start: [start]}  # breadth-first within the component, back to start
        queue = [start]
        while queue:
            v = queue.pop(0)
            nxt = sorted(w for w in graph[v] if w in component)
            if start in nxt:
                cycles.append(paths[v] + [start])
                break
            for w in nxt:
                if w not in paths:
                    paths[w] = paths[v] + [w]
                    queue.append(w)
    return cycles


def test_no_import_cycle_at_module_level():
    graph = _module_graph()
    cycles = _cycles(graph)
    described = [
        " → ".join(f"{a} ({_where(a, graph[a][b])})" for a, b in zip(c, c[1:], strict=False))
        + f" → {c[-1]}"
        for c in cycles
    ]
    assert not cycles, "module-level import cycles:\n  " + "\n  ".join(described)


def test_the_reader_sees_every_kind_of_import():
    source = """
from __future__ import annotations
import numpy
import glmnet_bridge.engines.memory as memory
from .. import datasets
from . import design
from ..core.costs import get_cost, _private
from glmnet_bridge.solvers import newton
if TYPE_CHECKING:
    from ..neural.network import Network
class Result:
    def plot(self):
        from ..presentation import plots
        return importlib.import_module(".presentation.report", "glmnet_bridge")
"""
    reader = _Imports("glmnet_bridge.estimation.example", is_package=False)
    reader.visit(ast.parse(source))
    assert reader.found == [
        (4, "glmnet_bridge.engines.memory", (), True),
        (5, "glmnet_bridge.datasets", ("datasets",), True),
        (6, "glmnet_bridge.estimation.design", ("design",), True),
        (7, "glmnet_bridge.core.costs", ("get_cost", "_private"), True),
        (8, "glmnet_bridge.solvers.newton", ("newton",), True),
        (10, "glmnet_bridge.neural.network", ("Network",), False),
        (13, "glmnet_bridge.presentation.plots", ("plots",), False),
        (14, "glmnet_bridge.presentation.report", (), False),
    ]
