"""Formatting, search normalization, security headers, error pages, CSRF."""

from datetime import date, datetime

import pytest

from core import create_app
from core.formatting import format_date, format_datetime, format_long_date, format_money, parse_money
from core.text import normalize_search
from tests.conftest import make_test_config


def test_money_format_and_parse():
    assert format_money(1234567) == "1.234.567 ₫"
    assert format_money(0) == "0 ₫"
    for text in ("1.234.567", "1234567", "1,234,567", "1.234.567 ₫", "1234567đ"):
        assert parse_money(text) == 1234567
    for bad in ("12.34", "abc", "1.2345.678", "-5"):
        with pytest.raises(ValueError):
            parse_money(bad)


def test_dates_are_local_and_ddmmyyyy():
    assert format_date(date(2024, 6, 18)) == "18/06/2024"
    assert format_datetime(datetime(2026, 1, 1, 17, 30)) == "00:30 02/01/2026"  # UTC+7
    assert format_long_date(date(2024, 6, 18)) == "ngày 18 tháng 6 năm 2024"
    assert format_long_date(date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"


def test_search_normalization_handles_d_stroke():
    assert normalize_search("Đồng Tháp") == "dong thap"
    assert normalize_search("  Sở  KH&CN Long An ") == "so kh&cn long an"
    assert normalize_search("Đức Hòa", None, "đường") == "duc hoa duong"


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.get_data(as_text=True)  # no inline script


def test_cookie_flags(app, database_url):
    app = create_app(make_test_config(database_url, SESSION_COOKIE_SECURE=True))
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    with app.test_client() as client:
        client.post("/language", data={"language": "en"})
        cookie = client.get_cookie("session")
        assert cookie.secure and cookie.http_only


@pytest.mark.parametrize("language, text", [("vi", "Không tìm thấy trang"), ("en", "Page not found")])
def test_error_pages_in_both_languages(client, language, text):
    client.post("/language", data={"language": language})
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


def test_413_page(app, database_url):
    app = create_app(make_test_config(database_url, MAX_CONTENT_LENGTH=100))
    response = app.test_client().post("/login", data={"email": "x" * 500})
    assert response.status_code == 413


def test_csrf_is_enforced(app, database_url):
    app = create_app(make_test_config(database_url, WTF_CSRF_ENABLED=True))
    response = app.test_client().post("/language", data={"language": "en"})
    assert response.status_code == 400


def test_secret_key_is_required(database_url):
    config = make_test_config(database_url)
    config["SECRET_KEY"] = None
    with pytest.raises(RuntimeError):
        create_app(config)
