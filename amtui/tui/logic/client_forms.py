"""A client in the app: `e` on a client (its view, a row of the accounts view) edits its name,
time zone, KAM scores, relationship stage and the locale its documents are written in, through
the same core service as `amtui client edit` (one transaction, the same checks and one-line
messages, shown in the form, which then stays open and writes nothing).

Only what was changed is saved; the scores preview the KAM quadrant they place the client in.
"""

from __future__ import annotations

from amtui.core.clients import edit_client, get_client_details
from amtui.core.config import Config
from amtui.core.db import Database
from amtui.core.errors import InputError
from amtui.core.kam import QUADRANTS, RELATIONSHIP_STAGES, kam_quadrant
from amtui.core.text import one_line
from amtui.core.validate import check_score, check_zone
from amtui.tui.logic.fields import Clock, FieldSpec, FormLoad, FormSpec, Saved
from amtui.tui.logic.text import safe

_STAGE_HINTS = {
    "tactical": "→ 1 of 4: one buyer, one seller, price-driven",
    "operational": "→ 2 of 4: a few contacts on each side, a preferred supplier",
    "functional": "→ 3 of 4: teams work together across functions",
    "strategic": "→ 4 of 4: a partner in the client's plans",
}

_SCORES = {"attractiveness": "attractiveness", "relationship": "relationship strength"}


def read_score(text: str, what: str) -> int | None:
    """A 1–5 score as typed (empty: not scored); core's check says what is accepted."""
    raw = text.strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise InputError(f"{what} must be a score from 1 to 5, not {one_line(raw)!r}")
    return check_score(int(raw), what)


def _score_field(name: str, label: str) -> FieldSpec:
    """A KAM score field; its hint reads the score as saving will."""

    def check(text: str) -> str:
        score = read_score(text, _SCORES[name])
        return "→ not scored" if score is None else f"→ {score} of 5"

    return FieldSpec(name, label, f"KAM {_SCORES[name]}, 1–5 (empty: not scored)", check=check)


def _zone_check(text: str) -> str:
    zone = check_zone(text)
    return f"→ {zone}" if zone else "→ no time zone"


def quadrant_text(attractiveness: int | None, relationship: int | None) -> str:
    """`Star: attractive, relationship still to build`, or what is missing."""
    quadrant = kam_quadrant(attractiveness, relationship)
    if quadrant is None:
        return "no KAM quadrant until both scores are given"
    return f"{quadrant}: {QUADRANTS[quadrant]}"


def client_form(db: Database, config: Config, now: Clock, reference: str) -> FormSpec:
    """`e` on a client: its fields as they are, changed ones saved by `edit_client`."""
    original: dict[str, str] = {}
    fields = [
        FieldSpec("name", "Name", "the client's name"),
        FieldSpec(
            "timezone",
            "Time zone",
            "Europe/Paris, Asia/Tokyo (empty: none)",
            check=_zone_check,
        ),
        _score_field("attractiveness", "Attraction"),
        _score_field("relationship", "Strength"),
        FieldSpec(
            "stage",
            "Stage",
            options=tuple((stage, stage) for stage in RELATIONSHIP_STAGES),
            check=lambda stage: _STAGE_HINTS.get(stage, ""),
            primary=True,
        ),
        FieldSpec(
            "locale", "Locale", "its documents' money and dates: ru_RU, de_DE (empty: the config's)"
        ),
    ]

    def load() -> FormLoad:
        client = get_client_details(db, reference).client
        original.update(
            name=client.name,
            timezone=client.timezone or "",
            attractiveness=_score_text(client.kam_attractiveness),
            relationship=_score_text(client.kam_relationship),
            stage=client.relationship_stage,
            locale=client.locale or "",
        )
        quadrant = quadrant_text(client.kam_attractiveness, client.kam_relationship)
        title = f"Edit {client.ref} {safe(client.name, 60)} ({quadrant.split(':')[0]})"
        return FormLoad(title=title, values=dict(original), replace=True)

    def save(values: dict[str, str]) -> Saved:
        field = {name: value.strip() for name, value in values.items()}
        changes: dict[str, object] = {}
        if field.get("name", "") != original.get("name", ""):
            changes["name"] = field.get("name", "")
        if field.get("timezone", "") != original.get("timezone", ""):
            changes["timezone"] = field.get("timezone") or None
        for name, what in _SCORES.items():
            if field.get(name, "") != original.get(name, ""):
                changes[f"kam_{name}"] = read_score(field.get(name, ""), what)
        if field.get("stage", "") != original.get("stage", ""):
            changes["relationship_stage"] = field.get("stage", "")
        if field.get("locale", "") != original.get("locale", ""):
            changes["locale"] = field.get("locale") or None
        if not changes:
            raise InputError("nothing changed; change a field, or Esc")
        client = edit_client(db, reference, now=now(), config=config, **changes)
        quadrant = quadrant_text(client.kam_attractiveness, client.kam_relationship)
        return Saved(f"Updated {client.ref} {safe(client.name, 60)}: {quadrant}", client.ref)

    return FormSpec(f"Edit {reference}", fields, {}, save, load=load, wait_for_load=True)


def _score_text(score: int | None) -> str:
    return "" if score is None else str(score)
