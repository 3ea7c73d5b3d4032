"""The register of processing activities as Markdown (`terugkeer privacy register`) and JSON,
in Dutch or English."""

from __future__ import annotations

import dataclasses
from typing import Any

from terugkeer.services.processing_register import Register

WORDS = {
    "nl": {
        "title": "Register van verwerkingsactiviteiten (AVG art. 30)",
        "generated": "Gegenereerd uit de configuratie van deze installatie; bronnen onderaan.",
        "controller": "Verwerkingsverantwoordelijke", "officer": "Functionaris "
        "gegevensbescherming", "basis": "Grondslag", "purposes": "Doeleinden",
        "roles": "rollen", "subjects": "Categorieën betrokkenen", "data": "Categorieën "
        "persoonsgegevens", "envelope": "Bij elk feit: id, V-nummer, tijdstip, afzender.",
        "art9": "bijzonder: gezondheid (art. 9)", "art10": "strafrechtelijk (art. 10)",
        "recipients": "Ontvangers", "inactive": "niet meer actief", "retention": "Bewaartermijnen",
        "security": "Beveiligingsmaatregelen (art. 32)", "sources": "Bronnen",
        "person": "Feiten, afgeleide gegevens en toegangslog van een persoon: gepseudonimiseerd "
        "{years} jaar na het sluiten van de laatste zaak (TERUGKEER_RETENTION_YEARS)",
        "category": "Per gegevenscategorie: niet ingesteld, één termijn voor alles [U] (RULES.md "
        "§8; de regeltabel heeft geen bewaarregels)",
        "sessions": "Sessies: {idle} minuten zonder gebruik, ten hoogste {hours} uur",
        "key": "Eigen sleutel voor pseudoniemen", "chains": "Hashketens over feiten en "
        "toegangslog (terugkeer audit verify)", "https": "HTTPS met Strict-Transport-Security",
        "local": "Lokaal inloggen naast single sign-on", "on": "aan", "off": "uit",
        "no_key": "NIET INGESTELD: de openbare ontwikkelsleutel beschermt niets",
    },
    "en": {
        "title": "Register of processing activities (GDPR art. 30)",
        "generated": "Generated from this installation's configuration; sources at the end.",
        "controller": "Controller", "officer": "Data protection officer", "basis": "Legal basis",
        "purposes": "Purposes", "roles": "roles", "subjects": "Categories of data subjects",
        "data": "Categories of personal data", "envelope": "With every fact: id, V-number, "
        "time, sender.", "art9": "special: health (art. 9)", "art10": "criminal law (art. 10)",
        "recipients": "Recipients", "inactive": "no longer active", "retention": "Retention "
        "periods", "security": "Security measures (art. 32)", "sources": "Sources",
        "person": "A person's facts, derived data and access-log rows: pseudonymised {years} "
        "years after their last case closed (TERUGKEER_RETENTION_YEARS)",
        "category": "Per data category: not configured, one period for all [U] (RULES.md §8; "
        "the rules table holds no retention rows)",
        "sessions": "Sessions: {idle} minutes without use, {hours} hours at most",
        "key": "A pseudonym key of its own", "chains": "Hash chains over facts and access log "
        "(terugkeer audit verify)", "https": "HTTPS with Strict-Transport-Security",
        "local": "Local sign-in beside single sign-on", "on": "on", "off": "off",
        "no_key": "NOT SET: the public development key protects nothing",
    },
}  # fmt: skip


def register_json(found: Register) -> dict[str, Any]:
    return {"format": "terugkeer.processing-register/1", **dataclasses.asdict(found)}


def register_markdown(found: Register, lang: str = "nl") -> str:
    w = WORDS[lang]
    nl = lang == "nl"
    out = [f"# {w['title']}", "", w["generated"], "",
           f"- **{w['controller']}**: {found.controller}", f"- **{w['officer']}**: {found.officer}",
           f"- **{w['basis']}**: {found.legal_basis[0 if nl else 1]}", "", f"## {w['purposes']}",
           ""]  # fmt: skip
    for p in found.purposes:
        roles = f" ({w['roles']}: {', '.join(p.roles)})" if p.roles else ""
        out.append(f"- `{p.key}`: {p.nl if nl else p.en}{roles}")
    out += ["", f"## {w['subjects']}", ""]
    out += [f"- `{key}` — {source}" for key, source in found.subjects]
    out += ["", f"## {w['data']}", "", w["envelope"], ""]
    for c in found.data:
        special = "".join(f" **{w[s]}**" for s in c.special)
        out.append(f"- `{c.event_type}`: {', '.join(c.fields) or '—'}{special}")
    out += ["", f"## {w['recipients']}", ""]
    for r in found.recipients:
        gone = "" if r.active else f" ({w['inactive']})"
        out.append(f"- {r.kind} `{r.name}`{gone}: {', '.join(r.receives)}")
    kept, safe = found.retention, found.security
    out += ["", f"## {w['retention']}", "", "- " + w["person"].format(years=kept.person_years),
            "- " + w["category"],
            "- " + w["sessions"].format(idle=kept.session_idle_minutes,
                                        hours=kept.session_absolute_hours)]  # fmt: skip
    out += [
        "",
        f"## {w['security']}",
        "",
        f"- {w['key']}: {w['on'] if safe.pseudonym_key else w['no_key']}",
    ]
    for key, on in (("chains", safe.hash_chains), ("https", safe.https),
                    ("local", safe.local_login)):  # fmt: skip
        out.append(f"- {w[key]}: {w['on'] if on else w['off']}")
    out += ["", f"## {w['sources']}", ""] + [f"- {s}" for s in found.sources]
    return "\n".join(out) + "\n"
