"""Who may do what: permissions as data, resource by action by scope, per role.

One table (`GRANTS`) that every route of the pages declares against (web/permissions.py) and
that docs/permissions.md renders. A case director works on the cases assigned to them, a team
lead on those of the team, an analyst sees aggregates only, an auditor the access log and no
case content, an admin the accounts and no case content, the privacy officer one person's
data at a time for a data subject's request and nothing else (least privilege: AVG art. 25,
BIO).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CASE_DIRECTOR = "case_director"
    TEAM_LEAD = "team_lead"
    ANALYST = "analyst"
    AUDITOR = "auditor"
    ADMIN = "admin"
    #: The privacy officer (functionaris gegevensbescherming, FG): answers a data subject's
    #: requests (AVG art. 15-16) and keeps the register of processing activities (art. 30).
    PRIVACY_OFFICER = "privacy_officer"


class Resource(StrEnum):
    CASE = "case"  # a person's cases, readiness, timeline (personal data)
    FAMILY = "family"
    WORKLIST = "worklist"
    ASSIGNMENT = "assignment"
    #: Open cases no director has yet (V-number, opening day, track, nationality, family):
    #: what a team lead needs to hand new inflow to the team, and no more of the case.
    UNASSIGNED = "unassigned"
    #: Per director of the team: open cases, open and overdue worklist items; the team's open
    #: cases with their current director (to reassign them).
    WORKLOAD = "workload"
    FIGURES = "figures"  # aggregates only
    ACCESS_LOG = "access_log"
    USERS = "users"
    #: The webhook delivery log: partner, event id and type, state, attempts; no case content.
    WEBHOOKS = "webhooks"
    #: Everything held on one person, for their request (AVG art. 15): events withdrawn ones
    #: included, states over time, who read the case, the partners it was delivered to. Each
    #: look is logged with its purpose; no worklist, no recording.
    SUBJECT_ACCESS = "subject_access"


class Action(StrEnum):
    READ = "read"
    RECORD = "record"  # record an event, or an assignment


class Scope(StrEnum):
    OWN = "own"  # cases assigned to the user
    TEAM = "team"  # cases assigned to the user's team
    ALL = "all"


_CD, _TL, _AN, _AU, _AD, _PO = (Role.CASE_DIRECTOR, Role.TEAM_LEAD, Role.ANALYST,
                                Role.AUDITOR, Role.ADMIN, Role.PRIVACY_OFFICER)  # fmt: skip

#: (resource, action) -> role -> scope. A role not listed for a pair may not do it at all.
GRANTS: dict[tuple[Resource, Action], dict[Role, Scope]] = {
    (Resource.CASE, Action.READ): {_CD: Scope.OWN, _TL: Scope.TEAM},
    (Resource.CASE, Action.RECORD): {_CD: Scope.OWN, _TL: Scope.TEAM},
    (Resource.FAMILY, Action.READ): {_CD: Scope.OWN, _TL: Scope.TEAM},
    (Resource.FAMILY, Action.RECORD): {_CD: Scope.OWN, _TL: Scope.TEAM},
    (Resource.WORKLIST, Action.READ): {_CD: Scope.OWN, _TL: Scope.TEAM},
    (Resource.ASSIGNMENT, Action.RECORD): {_TL: Scope.TEAM},
    (Resource.UNASSIGNED, Action.READ): {_TL: Scope.ALL},
    (Resource.WORKLOAD, Action.READ): {_TL: Scope.TEAM},
    (Resource.FIGURES, Action.READ): {_AN: Scope.ALL, _TL: Scope.ALL},
    (Resource.ACCESS_LOG, Action.READ): {_AU: Scope.ALL},
    (Resource.USERS, Action.READ): {_AD: Scope.ALL},
    (Resource.USERS, Action.RECORD): {_AD: Scope.ALL},
    (Resource.WEBHOOKS, Action.READ): {_AD: Scope.ALL},
    (Resource.SUBJECT_ACCESS, Action.READ): {_PO: Scope.ALL},
}

#: Where a role lands after signing in: its first page.
HOME: dict[Role, str] = {
    Role.AUDITOR: "/audit",
    Role.ADMIN: "/admin/users",
    Role.ANALYST: "/dashboard",
    Role.PRIVACY_OFFICER: "/privacy",
}


def scope_of(role: Role, resource: Resource, action: Action) -> Scope | None:
    """The scope in which `role` may do `action` on `resource`; None when it may not."""
    return GRANTS.get((resource, action), {}).get(role)


def permissions_markdown() -> str:
    """The table as docs/permissions.md shows it (a test keeps the file equal to this)."""
    roles = list(Role)
    lines = [
        "# Permissions",
        "",
        "Generated from `GRANTS` in `src/terugkeer/domain/permissions.py`; every page route",
        "declares one of these (or is public: the login page, the language switch, logout,",
        "the published figures at /cijfers, the probes /health and /ready; /metrics takes",
        "its own bearer token, docs/operations.md).",
        "Scopes: **own** = cases assigned to the user, **team** = cases of the user's team,",
        "**all** = everything of that resource. An empty cell: not allowed (403).",
        "",
        "Every refusal is logged: a 403 (or, without a session, the way to the sign-in page)",
        "is one access-log row with the actor, the route and what was asked for (the V-number,",
        "the family); so is every API call refused for its token (docs/architecture.md).",
        "",
        "| resource | action | " + " | ".join(role.value for role in roles) + " |",
        "|---|---|" + "---|" * len(roles),
    ]
    for (resource, action), granted in GRANTS.items():
        cells = [granted[role].value if role in granted else "" for role in roles]
        lines.append(f"| {resource.value} | {action.value} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
