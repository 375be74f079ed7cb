"""The `[intake]` part of the config file: your own addresses, partner domains, and the sources
`amtui intake run` reads (mail files and folders, IMAP accounts, web-form exports).

Passwords never sit in the file: an IMAP account names an environment variable
(`password_env`) or a command that prints the password (`password_command`); a `password` key
is refused with a message saying so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from amtui.core.errors import InputError
from amtui.core.structs import field, struct

#: Which parts of a form row a mapping names; every other non-empty column is a brief answer.
FORM_FIELDS = ("name", "email", "phone", "company", "title", "received", "row_id")


@struct(frozen=True)
class FormMapping:
    """Which column of a form export is what. Each field lists the header names it accepts
    (a preset accepts a form's English and Russian headers); `received_formats` are strptime
    formats tried in order after ISO 8601; `timezone` reads times that carry no offset."""

    name: str
    columns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    received_formats: tuple[str, ...] = ()
    timezone: str | None = None
    required: tuple[str, ...] = ()  # fields whose column must be in the file


@struct(frozen=True)
class ImapAccount:
    name: str
    host: str
    user: str
    port: int = 993
    security: str = "tls"  # "tls" (port 993), "starttls" (port 143) or "none" (tests only)
    password_env: str | None = None
    password_command: str | None = None
    folders: tuple[str, ...] = ("INBOX",)
    sent_folders: tuple[str, ...] = ()
    ca_file: str | None = None  # PEM certificates to trust besides the system's (own server)


@struct(frozen=True)
class FormSource:
    """A form export read on every `intake run`, with its preset or its own mapping."""

    name: str
    file: str | None
    mapping: FormMapping | None = None  # None: use `preset`
    preset: str | None = None
    timezone: str | None = None  # for times without an offset (default: yours)


@struct(frozen=True)
class IntakeSettings:
    me: tuple[str, ...] = ()  # your own addresses (`@agency.example` for a whole domain)
    partners: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # name → domains
    mail: tuple[str, ...] = ()  # mbox files, Maildir folders, .eml files read by `intake run`
    imap: Mapping[str, ImapAccount] = field(default_factory=dict)
    forms: Mapping[str, FormSource] = field(default_factory=dict)

    @property
    def has_sources(self) -> bool:
        return bool(self.mail or self.imap or any(f.file for f in self.forms.values()))


class _Table:
    """Typed reads from one TOML table, with the key's full name in every message."""

    def __init__(self, raw: Any, name: str, where: str, known: set[str] | None = None) -> None:
        if not isinstance(raw, dict):
            raise self._error(where, name, "a table")
        self.raw, self.name, self.where = raw, name, where
        if known is not None:
            unknown = sorted(set(raw) - known)
            if "password" in unknown:
                raise InputError(
                    f"{where}: {name}.password: never put a password in the config; use "
                    "password_env (an environment variable's name) or password_command"
                )
            if unknown:
                raise InputError(
                    f"{where}: unknown setting {name}.{unknown[0]}; accepted here: "
                    f"{', '.join(sorted(known))}"
                )

    @staticmethod
    def _error(where: str, name: str, expected: str) -> InputError:
        return InputError(f"{where}: {name} must be {expected}")

    def fail(self, key: str, expected: str) -> InputError:
        return self._error(self.where, f"{self.name}.{key}", expected)

    def string(self, key: str, default: str | None = None) -> str | None:
        value = self.raw.get(key, default)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise self.fail(key, "a non-empty string")
        return value

    def strings(self, key: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self.raw.get(key)
        if value is None:
            return default
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, "a string or a list of non-empty strings")
        return tuple(v.strip() for v in value)

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        value = self.raw.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.fail(key, f"a whole number from {low} to {high}")
        return value


_INTAKE_KEYS = {"me", "partners", "mail", "imap", "forms"}
_IMAP_KEYS = {
    "host",
    "port",
    "user",
    "security",
    "password_env",
    "password_command",
    "folders",
    "sent_folders",
    "ca_file",
}
_FORM_KEYS = {"file", "preset", "received_formats", "timezone", *FORM_FIELDS}


def read_intake(raw: Any, where: str) -> IntakeSettings:
    """Validate the `[intake]` table of the config file at `where`."""
    if raw is None:
        return IntakeSettings()
    table = _Table(raw, "intake", where, _INTAKE_KEYS)
    partners_raw = _Table(raw.get("partners", {}), "intake.partners", where)
    partners = {name: partners_raw.strings(name) for name in partners_raw.raw if name.strip()}
    imap_raw = _Table(raw.get("imap", {}), "intake.imap", where)
    imap = {name: _imap(name, imap_raw.raw[name], where) for name in imap_raw.raw}
    forms_raw = _Table(raw.get("forms", {}), "intake.forms", where)
    forms = {name: _form(name, forms_raw.raw[name], where) for name in forms_raw.raw}
    return IntakeSettings(
        me=table.strings("me"),
        partners=partners,
        mail=table.strings("mail"),
        imap=imap,
        forms=forms,
    )


def _imap(name: str, raw: Any, where: str) -> ImapAccount:
    table = _Table(raw, f"intake.imap.{name}", where, _IMAP_KEYS)
    host, user = table.string("host"), table.string("user")
    if host is None or user is None:
        raise table.fail("host" if host is None else "user", "set (the server and login)")
    security = table.string("security", "tls") or "tls"
    if security not in ("tls", "starttls", "none"):
        raise table.fail("security", "tls, starttls or none")
    port = table.integer("port", 993 if security == "tls" else 143, 1, 65535)
    password_env, password_command = table.string("password_env"), table.string("password_command")
    if not password_env and not password_command:
        raise table.fail("password_env", "set, or password_command (the password is never stored)")
    return ImapAccount(
        name=name,
        host=host,
        user=user,
        port=port,
        security=security,
        password_env=password_env,
        password_command=password_command,
        folders=table.strings("folders", ("INBOX",)),
        sent_folders=table.strings("sent_folders"),
        ca_file=table.string("ca_file"),
    )


#: strptime directives a form's timestamp needs: a year, a month and a day (without a year
#: strptime reads 1900, a date a lead can never have been received on).
_DATE_PARTS = {"year": ("%Y", "%y"), "month": ("%m", "%b", "%B"), "day": ("%d",)}


def _received_formats(table: _Table) -> tuple[str, ...]:
    formats = table.strings("received_formats")
    for form in formats:
        missing = [
            part
            for part, directives in _DATE_PARTS.items()
            if not any(directive in form for directive in directives)
        ]
        if missing:
            raise table.fail(
                "received_formats",
                f"strptime formats with a year, a month and a day ({form!r} has no "
                f'{" and no ".join(missing)}; e.g. "%d.%m.%Y %H:%M")',
            )
    return formats


def _form(name: str, raw: Any, where: str) -> FormSource:
    table = _Table(raw, f"intake.forms.{name}", where, _FORM_KEYS)
    preset = table.string("preset")
    columns = {key: table.strings(key) for key in FORM_FIELDS if key in table.raw}
    zone = table.string("timezone")
    if zone is not None:
        from amtui.core.validate import check_zone

        try:
            check_zone(zone)
        except InputError as error:
            raise InputError(f"{where}: intake.forms.{name}.timezone: {error}") from None
    mapping = None
    if columns:
        if preset is not None:
            raise table.fail("preset", "left out when the form names its own columns")
        if "email" not in columns and "phone" not in columns:
            raise table.fail("email", "set (or phone): the column a lead is answered at")
        mapping = FormMapping(
            name=name,
            columns=columns,
            received_formats=_received_formats(table),
            timezone=zone,
            required=tuple(columns),
        )
    elif preset is None:
        raise table.fail("preset", "set, or the columns: name, email, phone, company, …")
    return FormSource(
        name=name, file=table.string("file"), mapping=mapping, preset=preset, timezone=zone
    )
