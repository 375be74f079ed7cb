"""What amtui's servers share: the token (made, kept, compared) and the Host rule."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from amtui.core.errors import InputError
from amtui.io.serving import HostRule, is_token, load_token, new_token, token_matches


def test_tokens_are_long_random_and_url_safe() -> None:
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(token) >= 43 and is_token(token) for token in tokens)


def test_a_token_matches_only_itself() -> None:
    token = new_token()
    assert token_matches(token, token)
    assert not token_matches(token[:-1], token)
    assert not token_matches(token + "x", token)
    assert not token_matches("", token)
    assert not token_matches(token.swapcase(), token)
    assert not token_matches("\udcff" + token[1:], token)  # not even encodable: no exception


def test_a_named_token_file_is_made_private_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "web-token"
    first = load_token(path, strict=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_token(path, strict=True) == first


def test_a_named_file_that_holds_no_token_is_refused_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my shopping list\n", encoding="utf-8")
    with pytest.raises(InputError, match="holds no amtui token"):
        load_token(path, strict=True)
    assert path.read_text(encoding="utf-8") == "my shopping list\n"


def test_a_token_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "web-token"
    load_token(path, strict=True)
    path.chmod(0o644)
    with pytest.raises(InputError, match="chmod 600"):
        load_token(path, strict=True)


@pytest.mark.parametrize(
    ("header", "allowed"),
    [
        ("127.0.0.1:8000", True),
        ("localhost:8000", True),
        ("LOCALHOST:8000", True),
        ("127.0.0.1:8001", False),  # another port: not what was served
        ("127.0.0.1", False),
        ("evil.example:8000", False),  # a rebinding DNS name
        ("localhost.evil.example:8000", False),
        ("127.0.0.1.nip.io:8000", False),
        ("[::1]:8000", False),  # bound to 127.0.0.1 only
        ("127.0.0.1:8000@evil", False),
        ("", False),
        (None, False),
    ],
)
def test_loopback_answers_its_address_and_localhost(header: str | None, allowed: bool) -> None:
    assert HostRule.for_bind("127.0.0.1", 8000).allows(header) is allowed


def test_ipv6_loopback_in_brackets() -> None:
    rule = HostRule.for_bind("::1", 8000)
    assert rule.allows("[::1]:8000") and rule.allows("localhost:8000")
    assert not rule.allows("::1:8000") and not rule.allows("[::1]x:8000")


def test_a_named_address_answers_that_name() -> None:
    rule = HostRule.for_bind("100.101.102.103", 8000, "laptop.tailnet.example")
    assert rule.allows("100.101.102.103:8000") and rule.allows("laptop.tailnet.example:8000")
    assert not rule.allows("localhost:8000") and not rule.allows("evil.example:8000")


def test_a_wildcard_bind_answers_addresses_but_no_other_name() -> None:
    rule = HostRule.for_bind("0.0.0.0", 8000)
    assert rule.allows("192.0.2.7:8000") and rule.allows("localhost:8000")
    assert rule.allows("[2001:db8::1]:8000")
    assert not rule.allows("evil.example:8000") and not rule.allows("192.0.2.7:9000")
    assert "an IP address of this machine" in rule.describe()


def test_port_80_may_be_left_out() -> None:
    rule = HostRule.for_bind("127.0.0.1", 80)
    assert rule.allows("127.0.0.1") and rule.allows("localhost:80")
