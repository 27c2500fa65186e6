"""`next` with a control character: refused like a foreign host, never a 500 from a split Location header."""

import pytest

from accounts.urls import is_safe_next
from core.extensions import db
from tests.factories import PASSWORD, make_user

SPLITTING = ("/%0D%0ALocation:%20https://evil.example/", "/calls%0Aevil", "/calls%09", "/calls%00", "/calls%7F")


def test_control_characters_are_not_safe():
    for target in ("/\r\nLocation: https://evil.example/", "/calls\n", "/calls\t", "/calls\x00", "/calls\x7f", "/\x85"):
        assert not is_safe_next(target)
    assert is_safe_next("/calls?q=%0D%0A")  # still percent-encoded: harmless in the header
    assert is_safe_next("/calls/3?page=2")


@pytest.mark.parametrize("target", SPLITTING)
def test_login_with_a_control_character_in_next_goes_home(client, app, target):
    make_user("n@example.vn")
    db.session.commit()
    response = client.post(f"/login?next={target}", data={"email": "n@example.vn", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/me"
    assert "evil" not in response.headers["Location"]


@pytest.mark.parametrize("target", ["/\r\nLocation: https://evil.example/", "/calls\n", "/calls\x00"])
def test_language_with_a_control_character_in_next_goes_home(client, target):
    response = client.post("/language", data={"language": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
