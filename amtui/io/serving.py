"""What amtui's servers share (the calendar feed, `amtui web`): secret tokens and the Host rule.

DESIGN §8a: anything amtui serves listens on 127.0.0.1 unless told otherwise and requires a
random token. A token is 256 bits from `secrets`, URL-safe, compared in constant time. The
Host rule stops DNS rebinding: a web page on evil.example whose name the attacker re-points
at 127.0.0.1 makes the browser send `Host: evil.example:8000`, which is refused, so the page
never reads an answer (it would need the token too).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

from amtui.core.errors import InputError

TOKEN_BYTES = 32
#: What `secrets.token_urlsafe(32)` gives: 43 characters of A–Z a–z 0–9 - _.
TOKEN_LENGTH = 43


def new_token() -> str:
    """A fresh secret for a URL (256 bits, URL-safe)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_matches(given: str, token: str) -> bool:
    """`given` is the token, compared in constant time (only a length difference shows)."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), token.encode())


def is_token(text: str) -> bool:
    return len(text) >= TOKEN_LENGTH and text.replace("-", "").replace("_", "").isalnum()


def load_token(path: Path, *, renew: bool = False, strict: bool = False) -> str:
    """The token kept in `path` (readable by the user only), so that a URL survives a restart;
    made on first use, or anew with `renew` (the old URL stops working).

    `strict` (a path the user named): a file there that holds no token is refused rather than
    replaced, and so is one that others can read."""
    if not renew and path.exists():
        try:
            text = path.read_text(encoding="ascii", errors="replace").strip()
        except OSError as error:
            raise InputError(f"cannot read the token file {path}: {error.strerror}") from None
        if is_token(text):
            if strict and os.name == "posix" and path.stat().st_mode & 0o077:
                raise InputError(
                    f"the token file {path} can be read by other users; "
                    f"make it private (chmod 600 {path}) or give another path"
                )
            return text
        if strict:
            raise InputError(
                f"{path} holds no amtui token ({TOKEN_LENGTH}+ characters A-Z a-z 0-9 - _); "
                "give a new path (amtui makes the file) or delete it"
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    token = new_token()
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.unlink(missing_ok=True)
        with open(temporary, "x", encoding="ascii", opener=_private) as handle:
            handle.write(token + "\n")
        temporary.replace(path)
    except OSError as error:
        raise InputError(f"cannot write the token file {path}: {error.strerror}") from None
    return token


def _private(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)


def check_host(host: str | None) -> str | None:
    """`--host` as given (None: left out). Empty or blank is refused: a socket bound to "" listens
    on every interface, the opposite of what leaving the option out does (127.0.0.1 only)."""
    if host is None:
        return None
    if not host.strip():
        raise InputError("--host is empty; give an address such as 127.0.0.1 or leave it out")
    return host.strip()


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name.removeprefix("[").removesuffix("]"))
    except ValueError:
        return None


def url_host(address: str) -> str:
    """An address as it stands in a URL (IPv6 in brackets)."""
    return f"[{address}]" if ":" in address else address


@dataclass(frozen=True)
class HostRule:
    """Which `Host` headers a server bound to `address:port` answers.

    Loopback: the address itself and `localhost`. Another address: that address, and the name
    given to `--host` if it was one. A wildcard bind (0.0.0.0, ::): any IP address and
    `localhost`, but no other name, since a name is how a rebinding page arrives. The port must
    be the served one (absent only on port 80)."""

    port: int
    names: frozenset[str]
    any_address: bool = False

    @classmethod
    def for_bind(cls, address: str, port: int, asked: str | None = None) -> HostRule:
        names = {url_host(address).lower()}
        ip = _ip(address)
        if ip is not None and ip.is_loopback:
            names.add("localhost")
        if asked:
            names.add(url_host(asked).lower())
        wildcard = ip is not None and ip.is_unspecified
        if wildcard:
            names.add("localhost")
        return cls(port, frozenset(names), wildcard)

    def allows(self, header: str | None) -> bool:
        host = (header or "").strip().lower()
        if host.startswith("["):
            name, _, rest = host.partition("]")
            name += "]"
            if rest and not rest.startswith(":"):
                return False
            port = rest[1:]
        else:
            name, colon, port = host.rpartition(":")
            if not colon:
                name, port = host, ""
        if port != str(self.port) and not (port == "" and self.port == 80):
            return False
        if name in self.names:
            return True
        return self.any_address and _ip(name) is not None

    def describe(self) -> str:
        """For a refusal message: `127.0.0.1:8000 or localhost:8000`."""
        shown = [f"{name}:{self.port}" for name in sorted(self.names)]
        if self.any_address:
            shown.append(f"an IP address of this machine:{self.port}")
        return " or ".join(shown)


def warn_exposed(address: str, what: str) -> None:
    """One line on stderr when a server listens beyond this machine."""
    print(
        f"amtui: listening on {address}, not only on this machine: anyone who can reach it "
        f"and has the URL can {what}",
        file=sys.stderr,
        flush=True,
    )
