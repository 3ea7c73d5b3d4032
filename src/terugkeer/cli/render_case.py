"""A case file as text for a terminal (its JSON form: services/case_json.py)."""

from __future__ import annotations

from terugkeer.domain.transfer import Ground
from terugkeer.services.cases import CaseFile

WORDS = {
    "nl": {
        "title": "Dossier {v} op {on}",
        "ready": "Gereed voor gedwongen vertrek: {answer} (informatie voor een besluit van een "
        "mens, geen besluit)",
        "yes": "ja",
        "no": "nee",
        "holds": "voldaan",
        "fails": "niet voldaan",
        "source": "bron",
        "safeguard": "waarborg",
        "case": "zaak {key}: geopend {opened}, {status}, {nationality}, spoor {track}",
        "open": "open",
        "closed": "gesloten ({how})",
        "dublin": "Dublin {state}: termijn {deadline}{left} ({regime}; {source})",
        "left": ", nog {days} dagen",
        "suspended": "geschorst door {ref}",
        "ground": "  grond: {ground}",
        "dublin_transfer": "Dublin-overdracht naar {state}",
        "no_claim": "Dublin-overdracht (nog geen aanvaarde claim)",
        "return_decision": "terugkeerbesluit",
    },
    "en": {
        "title": "Case file {v} on {on}",
        "ready": "Ready for forced removal: {answer} (information for a person's decision, "
        "not a decision)",
        "yes": "yes",
        "no": "no",
        "holds": "holds",
        "fails": "does not hold",
        "source": "source",
        "safeguard": "safeguard",
        "case": "case {key}: opened {opened}, {status}, {nationality}, track {track}",
        "open": "open",
        "closed": "closed ({how})",
        "dublin": "Dublin {state}: deadline {deadline}{left} ({regime}; {source})",
        "left": ", {days} days left",
        "suspended": "suspended by {ref}",
        "ground": "  ground: {ground}",
        "dublin_transfer": "Dublin transfer to {state}",
        "no_claim": "Dublin transfer (no accepted claim yet)",
        "return_decision": "return decision",
    },
}


def case_file_text(found: CaseFile, lang: str) -> str:
    w = WORDS[lang]
    lines = [w["title"].format(v=found.v_number, on=found.on.isoformat())]
    lines.append(w["ready"].format(answer=w["yes"] if found.ready else w["no"]))
    if found.no_open_case:
        lines.append(f"  {found.no_open_case}")
    lines.append(w["ground"].format(ground=_ground(found, w)))
    for c in found.readiness.conditions:
        label = c.label_nl if lang == "nl" else c.label_en
        verdict = w["holds"] if c.holds else w["fails"]
        lines.append(f"  {label}: {verdict} — {c.reason} [{w['source']}: {c.source}]")
    lines += [f"  {w['safeguard']}: {s}" for s in found.readiness.safeguards]
    for view in found.cases:
        s = view.state
        how = w["closed"].format(how=s.closed_by) if s.closed_by else w["open"]
        lines.append(
            w["case"].format(
                key=view.key,
                opened=s.opened_at.date().isoformat(),
                status=how,
                nationality=s.nationality,
                track=s.track,
            )
        )
    for d in found.dublin:
        deadline = d.deadline
        when = deadline.deadline.isoformat() if deadline.deadline else "—"
        left = w["left"].format(days=d.days_left) if d.days_left is not None else ""
        state = deadline.member_state
        if deadline.suspended_by:
            state += " " + w["suspended"].format(ref=deadline.suspended_by)
        lines.append(
            w["dublin"].format(
                state=state, deadline=when, left=left, regime=deadline.regime, source=d.source
            )
        )
    return "\n".join(lines)


def _ground(found: CaseFile, w: dict[str, str]) -> str:
    """What legally removable is judged by: a transfer (a Dublin transfer is not a return)."""
    ground = found.readiness.ground
    if ground.kind == Ground.RETURN_DECISION:
        return w["return_decision"]
    state = ground.member_state
    return w["dublin_transfer"].format(state=state) if state else w["no_claim"]
