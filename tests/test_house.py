"""The rules of the house that a reading of the code can check: thin views through the one request edge, modules of a
readable size, formatting owned by ruff."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "accounts", "policies", "proposals", "review", "projects", "notifications", "reports", "admin")
MAX_VIEW_LINES = 25
MAX_MODULE_LINES = 400


def _modules(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def _views(tree: ast.Module) -> list[ast.FunctionDef]:
    """Functions registered as routes (decorated with `<blueprint>.route(...)`)."""

    def is_route(decorator: ast.expr) -> bool:
        call = decorator.func if isinstance(decorator, ast.Call) else decorator
        return isinstance(call, ast.Attribute) and call.attr == "route"

    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef) and any(is_route(d) for d in node.decorator_list)
    ]


def _parsed() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in _modules(*PACKAGES)]


def test_no_view_body_is_longer_than_the_limit():
    long = [
        f"{path.relative_to(ROOT)}:{view.lineno} {view.name} ({view.end_lineno - view.body[0].lineno + 1} lines)"
        for path, tree in _parsed()
        for view in _views(tree)
        if view.end_lineno - view.body[0].lineno + 1 > MAX_VIEW_LINES
    ]
    assert not long, f"views over {MAX_VIEW_LINES} lines: {long}"


def test_the_request_edge_alone_commits_and_rolls_back_for_views():
    """Views call core.edge; no module that registers routes commits or rolls back the session itself."""
    found = []
    for path, tree in _parsed():
        if not _views(tree):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("commit", "rollback"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}()")
    assert not found, f"transactions handled outside core.edge: {found}"


def test_views_do_not_catch_domain_errors():
    """A refused action is the edge's to explain: no view module has an `except DomainError` of its own."""
    found = []
    for path, tree in _parsed():
        if not _views(tree):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
                if names & {"DomainError", "StaleObjectError"}:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, f"views catching DomainError: {found}"


@pytest.mark.parametrize("folder", (*PACKAGES, "bench", "tests"))
def test_modules_stay_under_the_size_limit(folder):
    long = [
        f"{path.relative_to(ROOT)} ({n} lines)"
        for path in _modules(folder)
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert not long, f"split these modules (DESIGN.md: a subpackage before ~{MAX_MODULE_LINES} lines): {long}"


def test_formatting_is_left_to_ruff():
    marker = "fmt: " + "skip"
    marked = [str(p.relative_to(ROOT)) for p in _modules(*PACKAGES, "bench", "tests") if marker in p.read_text("utf-8")]
    assert not marked, f"hand-packed lines ({marker}) in {marked}"
