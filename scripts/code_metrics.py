"""Structure figures of the ``deepdiff`` package, read from its source (nothing is imported or run).

Prints, for the package under ``deepdiff/``:

- the loose modules (``.py`` files at the top of the package, besides ``__init__``/``__main__``);
- the functions longer than a limit (80 lines unless ``--max-lines``);
- the imports made inside functions, and those that re-import a module the file already imports at its top;
- the cycles of the module-level import graph (imports inside functions included, as they run too).

Usage: ``python scripts/code_metrics.py [--max-lines 80] [--json]``.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "deepdiff"
TOP_LEVEL_ALLOWED = {"__init__.py", "__main__.py"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute module an ``ImportFrom`` names."""
    if node.level == 0:
        return node.module or ""
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imported_modules(importer: str, is_package: bool, node: ast.Import | ast.ImportFrom, known: set[str]):
    """The package modules an import statement loads (``from pkg import module`` counts the module)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name.split(".")[0] == PACKAGE}
    target = resolve(importer, is_package, node)
    if target.split(".")[0] != PACKAGE:
        return set()
    found = {target}
    for alias in node.names:
        if f"{target}.{alias.name}" in known:
            found.add(f"{target}.{alias.name}")
    return found


def analyse(package_dir: Path, max_lines: int) -> dict:
    files = sorted(p for p in package_dir.rglob("*.py"))
    known = {module_name(p) for p in files}
    long_functions: list[dict] = []
    inner_imports: list[dict] = []
    reimports: list[dict] = []
    graph: dict[str, set[str]] = {}
    for path in files:
        name = module_name(path)
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(), filename=str(path))
        top_imports: set[str] = set()
        for node in tree.body:  # imports under `if TYPE_CHECKING:` do not run, so they are not counted
            for sub in [node]:
                if isinstance(sub, ast.Import):
                    top_imports |= {alias.name for alias in sub.names}
                elif isinstance(sub, ast.ImportFrom):
                    target = resolve(name, is_package, sub)
                    top_imports.add(target)
                    top_imports |= {f"{target}.{alias.name}" for alias in sub.names}
        edges: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                edges |= imported_modules(name, is_package, node, known)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > max_lines:
                    long_functions.append({"where": f"{path.relative_to(ROOT)}:{node.name}", "lines": length})
                for inner in ast.walk(node):
                    if not isinstance(inner, (ast.Import, ast.ImportFrom)):
                        continue
                    if isinstance(inner, ast.Import):
                        targets = {alias.name for alias in inner.names}
                    else:
                        base = resolve(name, is_package, inner)
                        targets = {base} | {f"{base}.{alias.name}" for alias in inner.names}
                    where = f"{path.relative_to(ROOT)}:{inner.lineno}"
                    entry = {"where": where, "function": node.name, "imports": sorted(targets)}
                    if entry not in inner_imports:
                        inner_imports.append(entry)
                        module_targets = {t for t in targets if t in known or "." not in t}
                        first = sorted(targets)[0]
                        if (module_targets & top_imports) or (
                            isinstance(inner, ast.ImportFrom) and first in top_imports
                        ):
                            reimports.append(entry)
        graph[name] = {e for e in edges if e in known and e != name}
    loose = sorted(p.name for p in package_dir.glob("*.py") if p.name not in TOP_LEVEL_ALLOWED)
    return {
        "modules": len(files),
        "lines": sum(len(p.read_text().splitlines()) for p in files),
        "loose_modules": loose,
        "long_functions": sorted(long_functions, key=lambda f: -f["lines"]),
        "imports_inside_functions": len(inner_imports),
        "reimports_inside_functions": reimports,
        "import_cycles": cycles(graph),
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), as sorted lists.

    A package's ``__init__`` is left out of the edges into it: importing ``pkg.mod`` runs ``pkg/__init__``,
    which is not a design dependency on everything ``__init__`` re-exports lazily.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-lines", type=int, default=80, help="report functions longer than this")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = analyse(ROOT / PACKAGE, args.max_lines)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"{figures['modules']} modules, {figures['lines']} lines")
    print(f"loose modules ({len(figures['loose_modules'])}): {', '.join(figures['loose_modules']) or 'none'}")
    print(f"functions over {args.max_lines} lines ({len(figures['long_functions'])}):")
    for entry in figures["long_functions"]:
        print(f"  {entry['where']} {entry['lines']}")
    print(f"imports inside functions: {figures['imports_inside_functions']}")
    print(
        f"  of which re-import a module the file imports at its top: {len(figures['reimports_inside_functions'])}"
    )
    for entry in figures["reimports_inside_functions"]:
        print(f"    {entry['where']} ({entry['function']}): {', '.join(entry['imports'])}")
    print(f"import cycles ({len(figures['import_cycles'])}):")
    for cycle in figures["import_cycles"]:
        print(f"  {' <-> '.join(cycle)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
