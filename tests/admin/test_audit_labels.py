"""The audit log's words: every action the code records, on every type of record, has a label; every type of record
has its kind, its states' labels and a page that exists; the accounts' security events are named already."""

import ast
from collections.abc import Iterator
from itertools import product
from pathlib import Path

from flask import url_for

from core.audit import AUDIT_KINDS, AUDIT_RECORDS, action_label, event_kind, record_links
from core.i18n import STATUS_LABELS
from core.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "accounts", "policies", "proposals", "review", "projects", "notifications", "admin")
# The account events the log records (ASVS V7), all of them security events on a user.
SECURITY_ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "sessions_ended",
    "change_password",
    "reset_password",
    "totp_enabled",
    "totp_disabled",
    "recovery_codes_renewed",
    "recovery_code_used",
    "login_code_failed",
    "deactivate",
    "activate",
    "register",
    "verify_email",
)


class _Calls:
    """Every call of the packages' code with the function it is made in, and every function by name, so that an
    argument passed on from a parameter is followed to the literals the callers give."""

    def __init__(self) -> None:
        self.calls: list[tuple[ast.Call, ast.FunctionDef | None, str]] = []
        self.functions: dict[str, list[ast.FunctionDef]] = {}
        for path in sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py")):
            self._walk(ast.parse(path.read_text("utf-8")), None, str(path.relative_to(ROOT)))

    def _walk(self, node: ast.AST, function: ast.FunctionDef | None, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef):
                self.functions.setdefault(child.name, []).append(child)
                self._walk(child, child, where)
                continue
            if isinstance(child, ast.Call):
                self.calls.append((child, function, f"{where}:{child.lineno}"))
            self._walk(child, function, where)

    def of(self, name: str) -> Iterator[tuple[ast.Call, ast.FunctionDef | None, str]]:
        """The calls of a function of that name (called by its name or as an attribute)."""
        for call, function, where in self.calls:
            callee = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
            if callee == name:
                yield call, function, where

    def values(self, node: ast.expr | None, function: ast.FunctionDef | None, where: str) -> set[str]:
        """The strings an argument can be: a literal, either branch of a conditional, or what the callers of the
        enclosing function pass for the parameter it is."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.IfExp):
            return self.values(node.body, function, where) | self.values(node.orelse, function, where)
        if isinstance(node, ast.Name) and function is not None:
            names = [a.arg for a in function.args.args]
            if node.id in names:
                position = names.index(node.id)
                found: set[str] = set()
                for call, caller, there in self.of(function.name):
                    found |= self.values(_argument(call, position, node.id), caller, there)
                return found
        raise AssertionError(f"{where}: record the action and the type of record as literals ({ast.unparse(node)})")


def _argument(call: ast.Call, position: int, name: str) -> ast.expr | None:
    """The argument given for a parameter, by position or by name."""
    if position < len(call.args):
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == name), None)


def recorded_pairs() -> set[tuple[str, str]]:
    """Every (action, type of record) the code can record."""
    calls = _Calls()
    pairs = set()
    for call, function, where in calls.of("record_event"):
        actions = calls.values(_argument(call, 0, "action"), function, where)
        object_types = calls.values(_argument(call, 1, "object_type"), function, where)
        pairs |= set(product(actions, object_types))
    return pairs


def test_the_collection_follows_parameters_to_their_callers(app):
    pairs = recorded_pairs()
    # perform_transition passes its object_type on; save_record and the closing steps pass theirs.
    assert {("transition", "proposal"), ("transition", "tranche"), ("save", "regime"), ("assets", "project")} <= pairs
    assert {("submit", "acceptance_member"), ("save", "acceptance_member")} <= pairs  # both branches of an if


def test_every_action_recorded_has_a_label_and_a_known_type_of_record(app):
    unknown, unnamed, stateless = [], [], []
    with app.test_request_context():
        for action, object_type in sorted(recorded_pairs()):
            if object_type not in AUDIT_RECORDS:
                unknown.append(object_type)
            elif action_label(action, object_type) == action or event_kind(action, object_type) not in AUDIT_KINDS:
                unnamed.append(f"{action} on {object_type}")
            elif action == "transition" and not AUDIT_RECORDS[object_type].states:
                stateless.append(object_type)
    assert not unknown, f"types of record to declare (register_audit_record in the package's audit.py): {unknown}"
    assert not unnamed, f"actions to name (register_audit_actions in the package's audit.py): {unnamed}"
    assert not stateless, f"types of record whose states need their labels: {stateless}"


def test_the_security_events_of_accounts_are_named_already(app):
    with app.test_request_context():
        unnamed = [action for action in SECURITY_ACTIONS if action_label(action, "user") == action]
    assert not unnamed
    assert {event_kind(action, "user") for action in SECURITY_ACTIONS} == {"security"}


def test_every_type_of_record_has_a_kind_states_and_a_page_that_exists(app):
    with app.test_request_context():
        for object_type, record in AUDIT_RECORDS.items():
            assert str(record.label) and record.kind in AUDIT_KINDS
            if record.states:
                assert any(key.startswith(f"{record.states}:") for key in STATUS_LABELS), object_type
            if record.link:
                assert url_for(record.link.endpoint, **dict.fromkeys(record.link.arguments, 1))
    assert {record.kind for record in AUDIT_RECORDS.values()} | {"security"} == set(AUDIT_KINDS)


def test_records_gone_have_no_page_whatever_their_types(app):
    """One query over every type of record with a page: none of these ids exists."""
    events = [AuditEvent(action="update", object_type=object_type, object_id=10**6) for object_type in AUDIT_RECORDS]
    with app.test_request_context():
        assert record_links(events) == {}
