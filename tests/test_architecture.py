"""The house's layers hold: import-linter's contracts (pyproject.toml) are kept, and no toolkit
module imports another one inside a function or under TYPE_CHECKING, the two ways a cycle hides
from the reader (import-linter counts those imports, but not an import of a sibling in the same
package). Lazy imports of heavy third-party packages (papermill, nbconvert, matplotlib,
weasyprint, clevercsv) stay allowed: they keep `toolkit run` from paying for what it may not use."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "toolkit"


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level == 0:
        return [node.module or ""]
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - node.level + 1]
    return [".".join([*base, node.module] if node.module else base)]


def hidden_toolkit_imports(path: Path, module: str | None = None) -> Iterator[str]:
    """`file:line: imports X inside f()` for each toolkit import not at the top of a module
    (`module`: the file's dotted name, by default from its place under the repository)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module, is_package = module or _module(path), path.name == "__init__.py"
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name

    def visit(node: ast.AST, where: str | None) -> Iterator[str]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield from visit(child, f"inside {child.name}()")
            elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                yield from visit(child, "under TYPE_CHECKING")
            elif isinstance(child, (ast.Import, ast.ImportFrom)) and where is not None:
                for name in _imported(child, module, is_package):
                    if name == "toolkit" or name.startswith("toolkit."):
                        yield f"{shown}:{child.lineno}: imports {name} {where}"
            else:
                yield from visit(child, where)

    yield from visit(tree, None)


def test_no_toolkit_module_is_imported_inside_a_function_or_under_type_checking() -> None:
    found = [line for path in sorted(PACKAGE.rglob("*.py")) for line in hidden_toolkit_imports(path)]
    assert found == []


def test_the_checker_finds_imports_hidden_in_a_function_or_under_type_checking(tmp_path: Path) -> None:
    path = tmp_path / "example.py"
    path.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from toolkit.job import JobContext\n"
        "def f():\n    import papermill\n    from .registry import JOB_KINDS\n",
        encoding="utf-8",
    )
    assert list(hidden_toolkit_imports(path, "toolkit.example")) == [
        "example.py:3: imports toolkit.job under TYPE_CHECKING",
        "example.py:6: imports toolkit.registry inside f()",
    ]


@pytest.mark.skipif(
    shutil.which("lint-imports") is None, reason="import-linter is in the test extra: pip install -e '.[test]'"
)
def test_import_linter_contracts_are_kept() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "broken" in done.stdout and " 0 broken" in done.stdout
