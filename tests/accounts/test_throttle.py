"""The login throttle holds under concurrency, per account and per client address, and an unknown account costs
a password check like a known one."""

import threading

import pytest

from accounts import services
from accounts.models import LoginThrottle
from core.edge import attempt
from core.extensions import db
from tests.conftest import login, run_at_once, vi_text
from tests.factories import PASSWORD, make_user


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """The passwords checked against a hash, as the real function checks them."""
    seen: list[str] = []
    lock = threading.Lock()
    real = services.check_password_hash

    def counting(hashed: str, password: str) -> bool:
        with lock:
            seen.append(password)
        return real(hashed, password)

    monkeypatch.setattr(services, "check_password_hash", counting)
    return seen


def _try(email: str, password: str, address: str = "10.0.0.1") -> None:
    attempt(lambda: services.authenticate(email, password, address), refusal_commits=True)


def test_forty_simultaneous_attempts_check_at_most_the_limit(app, checks):
    make_user("dong@example.vn")
    db.session.commit()
    errors = run_at_once(app, _try, [("dong@example.vn", f"wrong-{n}") for n in range(40)])
    assert not errors
    assert len(checks) == app.config["LOGIN_MAX_FAILURES"]
    assert db.session.get(LoginThrottle, "account:dong@example.vn").attempts == 40


def test_one_password_sprayed_over_many_accounts_from_one_address_is_stopped(app, client, checks):
    for n in range(25):
        make_user(f"nguoi{n}@example.vn")
    db.session.commit()
    limit = app.config["LOGIN_MAX_PER_ADDRESS"]
    too_many = vi_text(app, "Too many failed attempts. Wait %(minutes)d minutes, or reset your password.", minutes=15)
    pages = [login(client, f"nguoi{n}@example.vn", "Password123!").get_data(as_text=True) for n in range(25)]
    assert len(checks) == limit
    assert all(too_many in page for page in pages[limit:])
    # Another address is not held back, and a right password from this one is refused until the window ends.
    _try("nguoi0@example.vn", PASSWORD, address="10.9.9.9")
    assert len(checks) == limit + 1
    assert too_many in login(client, "nguoi1@example.vn", PASSWORD).get_data(as_text=True)


def test_a_right_password_forgives_the_account_and_refunds_the_address(app, client):
    make_user("dung@example.vn")
    db.session.commit()
    for _ in range(3):
        login(client, "dung@example.vn", "wrong-password")
    assert login(client, "dung@example.vn", PASSWORD).status_code == 302
    assert db.session.get(LoginThrottle, "account:dung@example.vn") is None
    assert db.session.get(LoginThrottle, "address:127.0.0.1").attempts == 3


def test_an_unknown_account_costs_one_password_check(app, client, checks):
    make_user("co@example.vn")
    db.session.commit()
    unknown = login(client, "khong-co@example.vn", "some-password").get_data(as_text=True)
    known = login(client, "co@example.vn", "some-password").get_data(as_text=True)
    assert checks == ["some-password", "some-password"]
    wrong = vi_text(app, "Wrong email or password.")
    assert wrong in unknown and wrong in known
