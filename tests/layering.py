"""Read every import of a source tree and judge it against the layers.

Imports are read from the syntax tree, whatever their form: ``import a.b``, ``from a import b``,
relative ``from ..x import y`` (resolved against the importing module's package), and dynamic
imports with a literal name (``importlib.import_module("a.b")``, ``__import__("a")``), at module
level, in functions and under ``TYPE_CHECKING`` alike. Each import becomes an edge from the
importing module to the deepest module of the tree that it names.

The rules (`violations`):

- a package imports nothing above it (`FORBIDDEN`);
- production code never imports ``bench`` or ``tests``;
- a skill imports no other skill except through what that skill declares: the modules named in
  ``__interface__`` in its package's ``__init__.py`` (``__interface__ = ("grounding",)``), or the whole
  module of a one-module skill that sets ``__interface__``; ``skills/base.py``, ``schema.py`` and
  ``registry.py`` are every skill's shared contract (`SKILL_INTERFACES`);
- the demo shop and the test kits stay out of production's import graph (`SUPPORT`): only the demo's
  entry points import `knowledge.demo`, and no production module imports a test kit;
- no two modules depend on each other, directly or through others (no import cycles).
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PRODUCTION = ("agent", "skills", "knowledge", "training", "channels")
FORBIDDEN = {
    "knowledge": {"agent", "skills", "channels", "training", "bench", "tests"},
    "skills": {"agent", "channels", "training", "bench", "tests"},
    "agent": {"channels", "training", "bench", "tests"},
    "training": {"channels", "bench", "tests"},
    "channels": {"bench", "tests"},
}
SKILL_INTERFACES = frozenset({"skills", "skills.base", "skills.schema", "skills.registry"})
SUPPORT = {  # support code -> the production modules that may import it (tests and bench always may)
    "knowledge.demo": frozenset({"agent.runtime", "channels.cli.init"}),
    "channels.testing": frozenset(),
    "agent.llm.testkit": frozenset(),
}
_DYNAMIC = {("importlib", "import_module"), ("", "__import__"), ("", "import_module")}


@dataclass(frozen=True)
class Edge:
    source: str  # the importing module, dotted
    target: str  # the imported module, dotted (may lie outside the tree: "numpy")
    line: int


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            found[module_name(root, path)] = path
    return found


def imports(root: Path, path: Path) -> Iterator[Edge]:
    """Every module ``path`` imports, relative and dynamic imports resolved."""
    source = module_name(root, path)
    package = source if path.name == "__init__.py" else source.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        for target in _targets(node, package):
            yield Edge(source, target, getattr(node, "lineno", 0))


def _targets(node: ast.AST, package: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = _absolute(node.module or "", node.level, package)
        return [f"{base}.{alias.name}" if base else alias.name for alias in node.names if alias.name != "*"] \
            or [base]
    if isinstance(node, ast.Call) and _is_dynamic(node.func):
        literal = node.args[0] if node.args else None
        if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
            return [_absolute(literal.value.lstrip("."), len(literal.value) - len(literal.value.lstrip(".")),
                              package)]
    return []


def _absolute(name: str, level: int, package: str) -> str:
    if level == 0:
        return name
    parts = package.split(".") if package else []
    base = parts[: len(parts) - (level - 1)] if level - 1 <= len(parts) else []
    return ".".join(base + ([name] if name else []))


def _is_dynamic(func: ast.expr) -> bool:
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return (func.value.id, func.attr) in _DYNAMIC
    return isinstance(func, ast.Name) and ("", func.id) in _DYNAMIC


def resolve(target: str, known: dict[str, Path]) -> str:
    """The deepest module of the tree that ``target`` names (``a.b.func`` -> ``a.b``), else ``target``."""
    parts = target.split(".")
    for end in range(len(parts), 0, -1):
        name = ".".join(parts[:end])
        if name in known:
            return name
    return target


def graph(root: Path, packages: tuple[str, ...] = PRODUCTION) -> tuple[dict[str, set[str]], list[Edge]]:
    known = modules(root, packages + ("bench", "tests"))
    edges = [Edge(e.source, resolve(e.target, known), e.line)
             for name in modules(root, packages) for e in imports(root, known[name])]
    inside: dict[str, set[str]] = {name: set() for name in modules(root, packages)}
    for edge in edges:
        if edge.target in inside and edge.target != edge.source and not _is_ancestor(edge.target, edge.source):
            inside[edge.source].add(edge.target)
    return inside, edges


def _is_ancestor(package: str, module: str) -> bool:
    """A module importing its own package's ``__init__`` is how Python runs it, not a cycle."""
    return module.startswith(package + ".")


def cycles(deps: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other (strongly connected components of more than one)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(deps):
        if start not in index:
            _strong(start, deps, index, low, stack, on_stack, found)
    return found


def _strong(start, deps, index, low, stack, on_stack, found) -> None:
    """Tarjan's algorithm without recursion (deep graphs must not hit the recursion limit)."""
    work = [(start, iter(sorted(deps[start])))]
    index[start] = low[start] = len(index)
    stack.append(start)
    on_stack.add(start)
    while work:
        node, children = work[-1]
        child = next(children, None)
        if child is None:
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                _pop_component(node, stack, on_stack, found)
        elif child not in index:
            index[child] = low[child] = len(index)
            stack.append(child)
            on_stack.add(child)
            work.append((child, iter(sorted(deps[child]))))
        elif child in on_stack:
            low[node] = min(low[node], index[child])


def _pop_component(node: str, stack: list[str], on_stack: set[str], found: list[list[str]]) -> None:
    component = []
    while True:
        member = stack.pop()
        on_stack.discard(member)
        component.append(member)
        if member == node:
            break
    if len(component) > 1:
        found.append(sorted(component))


def _skill_of(module: str) -> str | None:
    """``skills.orders.status`` -> ``skills.orders``; shared interfaces have no skill."""
    if not module.startswith("skills.") or module in SKILL_INTERFACES:
        return None
    return ".".join(module.split(".")[:2])


def declared_interfaces(root: Path) -> set[str]:
    """The skill modules other skills may import, as each skill declares them (``__interface__``)."""
    declared = set()
    for path in sorted((root / "skills").glob("*.py")) + sorted((root / "skills").glob("*/__init__.py")):
        names = _interface_of(path)
        if names is None:
            continue
        skill = module_name(root, path)
        declared |= {skill} if path.name != "__init__.py" else {f"{skill}.{name}" for name in names}
    return declared


def _interface_of(path: Path) -> tuple[str, ...] | None:
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__interface__" for t in node.targets):
            value = ast.literal_eval(node.value)
            return tuple(value) if isinstance(value, (tuple, list)) else ()
    return None


def violations(root: Path) -> list[str]:
    """Every broken rule in the tree at ``root``, one readable line each; empty when all hold."""
    deps, edges = graph(root)
    interfaces = declared_interfaces(root)
    found = []
    for edge in edges:
        top, layer = edge.target.split(".")[0], edge.source.split(".")[0]
        where = f"{edge.source} (line {edge.line}) imports {edge.target}"
        if top in FORBIDDEN.get(layer, ()):
            found.append(f"{where}: {layer}/ may not import {top}/")
        support = next((name for name in SUPPORT if edge.target == name or edge.target.startswith(name + ".")), None)
        if support and edge.source not in SUPPORT[support] and not edge.source.startswith(support):
            found.append(f"{where}: only {sorted(SUPPORT[support]) or 'tests and bench'} may use {support}")
        skill, other = _skill_of(edge.source), _skill_of(edge.target)
        if skill and other and skill != other and edge.target not in interfaces:
            found.append(f"{where}: a skill may use another skill only through what it declares in __interface__")
    found += [f"import cycle: {' -> '.join(group)}" for group in cycles(deps)]
    return found
