"""The register of processing activities (AVG art. 30(1)), generated from what this
installation is configured to do — never a hand-kept text that drifts from it:

- the controller and the data protection officer: settings;
- purposes: one per resource of the permission table (domain/permissions.py GRANTS, with the
  roles that hold it), the partners' intake and the open data;
- categories of data subjects and of personal data: the v1.1 exchange format's fields per event
  type (chain_events/schema.py), special categories (art. 9 health, art. 10 criminal) found by
  the values those fields may take;
- recipients: the roles, the chain partners configured (with what they read back) and their
  webhook subscriptions, the public (aggregates only);
- retention: `TERUGKEER_RETENTION_YEARS` and the session lifetimes; the rules table holds no
  retention rows (RULES.md §8: per category, [U]);
- security measures: what the settings switch on or leave off.

Every section names its source, so the privacy officer can check it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin, get_type_hints

from terugkeer.bootstrap import System
from terugkeer.chain_events.schema import DATA_SCHEMAS
from terugkeer.domain.permissions import GRANTS, Resource, Role
from terugkeer.services.accounts import accounts
from terugkeer.services.partners import list_partners
from terugkeer.services.webhooks import subscriptions

#: What each resource of the permission table is used for (nl, en). A test fails on a resource
#: without one: a new kind of access cannot enter the system without its purpose.
PURPOSES: dict[Resource, tuple[str, str]] = {
    Resource.CASE: ("Regie op de vertrekprocedure van een persoon: zaak, tijdlijn, gereedheid "
                    "voor vertrek, vastleggen van werk", "Directing a person's departure "
                    "procedure: case, timeline, removal readiness, recording work"),
    Resource.FAMILY: ("Een gezin samen behandelen", "Handling a family together"),
    Resource.WORKLIST: ("Werkvoorraad met wettelijke termijnen", "Worklist with legal deadlines"),
    Resource.ASSIGNMENT: ("Zaken toewijzen aan regievoerders", "Assigning cases to directors"),
    Resource.UNASSIGNED: ("Nieuwe zaken aan een team geven", "Handing new cases to a team"),
    Resource.WORKLOAD: ("Werklast van een team bewaken", "Watching a team's workload"),
    Resource.FIGURES: ("Sturing en verantwoording met geaggregeerde cijfers", "Management and "
                       "accountability with aggregate figures"),
    Resource.ACCESS_LOG: ("Controle op wie welke gegevens inzag (AVG art. 5(2), BIO)",
                          "Auditing who read which data (GDPR art. 5(2), BIO)"),
    Resource.USERS: ("Beheer van accounts", "Managing accounts"),
    Resource.WEBHOOKS: ("Toezicht op leveringen aan ketenpartners", "Overseeing deliveries to "
                        "chain partners"),
    Resource.SUBJECT_ACCESS: ("Rechten van betrokkenen (AVG art. 15-16) en dit register",
                              "Data subjects' rights (GDPR art. 15-16) and this register"),
}  # fmt: skip
#: Purposes that no role's page holds: the partners' intake and the open data.
BEYOND_ROLES: tuple[tuple[str, str, str], ...] = (
    ("intake", "Feiten ontvangen van ketenpartners (import, API)",
     "Receiving facts from chain partners (import, API)"),
    ("open_data", "Maandelijkse open data, afgerond, zonder persoonsgegevens (/cijfers)",
     "Monthly open data, rounded, without personal data (/cijfers)"),
)  # fmt: skip
LEGAL_BASIS = ("AVG art. 6(1)(e), taak van algemeen belang (Vreemdelingenwet 2000) [U: door de "
               "FG te bevestigen]", "GDPR art. 6(1)(e), public task (Aliens Act 2000) [U: to "
               "be confirmed by the DPO]")  # fmt: skip
ENVELOPE = ("id", "v_number", "occurred_at", "source")
_HEALTH, _CRIMINAL = ("medical",), ("criminal", "prison", "detention")


@dataclass(frozen=True, slots=True)
class Purpose:
    key: str
    nl: str
    en: str
    roles: tuple[str, ...]  # the roles that hold it; none for intake and open data


@dataclass(frozen=True, slots=True)
class DataCategory:
    event_type: str
    fields: tuple[str, ...]
    #: "art9" (health) and/or "art10" (criminal law): special categories it may hold.
    special: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Recipient:
    kind: str  # role | partner | webhook | public
    name: str
    receives: tuple[str, ...]
    active: bool = True


@dataclass(frozen=True, slots=True)
class Retention:
    """`person_years`: a person's events, projections and access-log rows are pseudonymised
    this long after their last case closed (TERUGKEER_RETENTION_YEARS, `retention run`). No
    period per data category: the rules table holds no retention rows (RULES.md §8, [U])."""

    person_years: int
    session_idle_minutes: int  # TERUGKEER_SESSION_IDLE_MINUTES
    session_absolute_hours: int  # TERUGKEER_SESSION_ABSOLUTE_HOURS
    per_category: None = None


@dataclass(frozen=True, slots=True)
class Security:
    """What the settings switch on: a pseudonym key of the installation's own (without it the
    public development key protects nothing), the hash chains (`audit verify`), HTTPS with
    Strict-Transport-Security, local sign-in beside single sign-on."""

    pseudonym_key: bool
    hash_chains: bool
    https: bool
    local_login: bool


@dataclass(frozen=True, slots=True)
class Register:
    controller: str
    officer: str
    legal_basis: tuple[str, str]
    purposes: list[Purpose]
    subjects: list[tuple[str, str]]  # (key, source)
    data: list[DataCategory]
    recipients: list[Recipient]
    retention: Retention
    security: Security
    sources: list[str]


def _values(annotation: Any) -> list[str]:
    """The words a field's type allows (its Literal values, through NotRequired and the like)."""
    if get_origin(annotation) is Literal:
        return [str(v) for v in get_args(annotation)]
    return [v for arg in get_args(annotation) for v in _values(arg)]


def _category(event_type: str, schema: type) -> DataCategory:
    hints = get_type_hints(schema, include_extras=True)
    words = [event_type, *hints, *(v for h in hints.values() for v in _values(h))]
    special = []
    if any(s in w for w in words for s in _HEALTH):
        special.append("art9")
    if any(s in w for w in words for s in _CRIMINAL):
        special.append("art10")
    return DataCategory(event_type, tuple(hints), tuple(special))


def _purposes() -> list[Purpose]:
    found = []
    for resource, (nl, en) in PURPOSES.items():
        roles = sorted({r.value for (res, _), g in GRANTS.items() if res is resource for r in g})
        found.append(Purpose(resource.value, nl, en, tuple(roles)))
    return found + [Purpose(key, nl, en, ()) for key, nl, en in BEYOND_ROLES]


def _recipients(system: System) -> list[Recipient]:
    found = [
        Recipient("role", role.value, tuple(sorted(
            f"{res.value} {act.value}" for (res, act), g in GRANTS.items() if role in g
        )))
        for role in Role
    ]  # fmt: skip
    for partner in list_partners(system):
        reads = sorted(partner.reads) if partner.kind == "partner" else ["key figures"]
        found.append(Recipient("partner", partner.name, tuple(reads), not partner.revoked))
    for sub in subscriptions(system):
        found.append(Recipient("webhook", sub.partner, tuple(sorted(sub.types)), not sub.removed))
    found.append(Recipient("public", "/cijfers", ("aggregates, rounded to tens",)))
    return found


def processing_register(system: System) -> Register:
    settings = system.settings
    intake = DATA_SCHEMAS["intake"].__annotations__
    subjects = [("persons_obliged_to_leave", "EVENTS.md: v_number of every event")]
    if "family" in intake:
        subjects.append(("family_members", "EVENTS.md: intake.family"))
    if "unaccompanied_minor" in intake:
        subjects.append(("unaccompanied_minors", "EVENTS.md: intake.unaccompanied_minor"))
    staff = sorted({a.role.value for a in accounts(system)})
    subjects.append(("staff_accounts", "users table: " + (", ".join(staff) or "none yet")))
    retention = Retention(
        settings.retention_years, settings.session_idle_minutes,
        settings.session_absolute_hours,
    )  # fmt: skip
    security = Security(
        pseudonym_key=settings.pseudonym_key is not None, hash_chains=True,
        https=settings.served_over_tls, local_login=settings.local_login,
    )  # fmt: skip
    return Register(
        settings.controller_name, settings.privacy_officer_contact, LEGAL_BASIS, _purposes(),
        subjects, [_category(t, s) for t, s in DATA_SCHEMAS.items()], _recipients(system),
        retention, security,
        ["settings (TERUGKEER_CONTROLLER_NAME, TERUGKEER_PRIVACY_OFFICER_CONTACT, ...)",
         "GRANTS in src/terugkeer/domain/permissions.py",
         "DATA_SCHEMAS in src/terugkeer/chain_events/schema.py (EVENTS.md v1.1)",
         "partners, subscriptions and users tables of this store",
         "TERUGKEER_RETENTION_YEARS, TERUGKEER_SESSION_*; rules table (no retention rows)"],
    )  # fmt: skip
