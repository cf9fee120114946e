"""The house rules of the code base, checked (issue #8).

Small modules and functions, and data flowing one way:
base helpers <- io <- geocode <- measures <- pockets <- plan / maps <- pipeline <- monitor / verify / scale <- cli.
ruff (complexity, arguments, statements, branches) and mypy run in .ci/run; these tests
check what they do not: module and function length and the direction of imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kantong"
MAX_MODULE_LINES = 800
MAX_FUNCTION_LINES = 80

#: layer of each top-level part of kantong; a part may import only parts of a lower or
#: equal layer, and plan and maps never import one another
LAYERS: dict[str, float] = {
    "_errors": 0, "_i18n": 0, "_vocab": 0, "_normalize": 0, "_validate": 0, "_family": 0, "_xlsx": 0, "data": 0,
    "io": 1,
    "geocode": 2,
    "measures": 2.5,
    "pockets": 3,
    "synthetic": 3,
    "plan": 4, "maps": 4, "assets": 4,
    "pipeline": 5,
    "verify": 5.5, "scale": 5.5, "monitor": 5.5,
    "__init__": 6,
    "cli": 7,
}
SIBLINGS = {"plan", "maps", "assets"}
ALLOWED_SIBLING = {("monitor", "maps"), ("monitor", "assets"), ("maps", "assets"), ("assets", "maps")}


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "data" not in p.relative_to(PACKAGE).parts[:1])


def part_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def code_lines(node: ast.AST, source: list[str]) -> int:
    """Lines of code of a function: not blank, not a comment, not its docstring."""
    start, end = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
    doc = set()
    body = getattr(node, "body", [])
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        doc = set(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    count = 0
    for i in range(start, end + 1):
        text = source[i - 1].strip()
        if text and not text.startswith("#") and i not in doc:
            count += 1
    return count


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_is_small(path: Path) -> None:
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_MODULE_LINES, f"{path.relative_to(PACKAGE)} has {n} lines (limit {MAX_MODULE_LINES}): split it"


def test_functions_are_short() -> None:
    long = []
    for path in modules():
        text = path.read_text(encoding="utf-8")
        source = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = code_lines(node, source)
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} ({n} lines)")
    assert not long, "functions over 80 lines of code: " + "; ".join(long)


def imported_parts(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "kantong":
                names += [f"kantong.{a.name}" for a in node.names]
        for name in names:
            bits = name.split(".")
            if bits[0] == "kantong" and len(bits) > 1:
                parts.add(bits[1])
    return parts


def test_imports_flow_one_way() -> None:
    wrong = []
    for path in modules():
        me = part_of(path)
        if me not in LAYERS:
            wrong.append(f"{path.relative_to(PACKAGE)}: part '{me}' has no layer in LAYERS")
            continue
        for other in imported_parts(path) - {me}:
            if other not in LAYERS:
                continue  # a name imported from the kantong package itself (re-export)
            if me in SIBLINGS and other in SIBLINGS and (me, other) not in ALLOWED_SIBLING:
                wrong.append(f"{path.relative_to(PACKAGE)} ({me}) imports {other}")
            elif LAYERS[other] > LAYERS[me]:
                wrong.append(f"{path.relative_to(PACKAGE)} ({me}) imports the later stage {other}")
    assert not wrong, "; ".join(wrong)


def test_package_ships_type_information() -> None:
    assert (PACKAGE / "py.typed").exists()


def test_every_package_is_installed() -> None:
    """pyproject.toml lists every package (a wheel built from it holds them all)."""
    import tomllib

    listed = set(tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {"kantong"} | {
        "kantong." + ".".join(p.parent.relative_to(PACKAGE).parts) for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE
    }
    found.discard("kantong.data")  # a symlink in some checkouts; the real one is data/
    assert found <= listed, f"add to pyproject.toml [tool.setuptools] packages: {sorted(found - listed)}"
    assert "kantong.data" in listed
