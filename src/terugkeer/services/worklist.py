"""The worklist a case director works from: legal deadlines before practice items, grouped by
how soon they are due, counted per group and kind, filtered, sorted and paged; and going
straight to a person's case by V-number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from terugkeer.bootstrap import System
from terugkeer.domain.permissions import Action, Resource, Scope, scope_of
from terugkeer.domain.worklist import ItemKind, Urgency, urgency
from terugkeer.services.errors import ServiceError
from terugkeer.services.known import Reflected, reflected
from terugkeer.services.users import User
from terugkeer.services.workplace import ItemRow, NotYoursError, admit
from terugkeer.store import worklist as reads
from terugkeer.store.access_log import Access, record
from terugkeer.store.engine import writing

PER_PAGE = 25
#: Kind filters besides the kinds themselves.
LEGAL, PRACTICE = "legal", "practice"


@dataclass(frozen=True, slots=True)
class WorklistQuery:
    """What part of the worklist to show; every value already checked (web/worklist_params)."""

    director: str | None = None  # a team lead: one director of the team (None: the team)
    kind: str | None = None  # an ItemKind value, LEGAL or PRACTICE; None: every kind
    group: Urgency | None = None
    latest_first: bool = False
    page: int = 1

    def kinds(self) -> list[str] | None:
        if self.kind is None:
            return None
        if self.kind in (LEGAL, PRACTICE):
            return [k.value for k in ItemKind if k.is_legal == (self.kind == LEGAL)]
        return [self.kind]


class NoSuchPageError(ServiceError):
    """The page asked for is past the last one (the list shrank, or a hand-made address)."""

    def __init__(self, pages: int) -> None:
        super().__init__(f"the list has {pages} pages")
        self.pages = pages


@dataclass(frozen=True, slots=True)
class Section:
    """Items of a page that are alike in what they are (legal or practice) and how soon."""

    legal: bool
    urgency: Urgency
    total: int  # in the whole selection, on every page
    items: list[ItemRow]


@dataclass(frozen=True, slots=True)
class Worklist:
    on: date
    query: WorklistQuery
    items: list[ItemRow]  # the page
    #: (kind, urgency) -> items, over the whole list (the director filter applies, no other).
    counts: dict[tuple[str, Urgency], int]
    total: int  # items the filters select
    per_page: int = PER_PAGE
    reflected: Reflected | None = None  # the chain's events the list is derived from

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The number of the first item shown (1-based), 0 on an empty list."""
        return (self.query.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return (self.query.page - 1) * self.per_page + len(self.items)

    @property
    def all_items(self) -> int:
        return sum(self.counts.values())

    def by_urgency(self) -> list[tuple[Urgency, int]]:
        return [(u, sum(n for (_, g), n in self.counts.items() if g is u)) for u in Urgency]

    def sections(self) -> list[Section]:
        """The page's items in runs of the same (legal, urgency), in the page's order."""
        kinds = self.query.kinds()
        found: list[Section] = []
        for item in self.items:
            legal, group = ItemKind(item.kind).is_legal, urgency(item.due, self.on)
            if not found or (found[-1].legal, found[-1].urgency) != (legal, group):
                total = sum(
                    n for (k, g), n in self.counts.items()
                    if g is group and ItemKind(k).is_legal == legal
                    and (kinds is None or k in kinds)
                )  # fmt: skip
                found.append(Section(legal, group, total, []))
            found[-1].items.append(item)
        return found

    def by_kind(self) -> list[tuple[ItemKind, int]]:
        """The kinds on the list with their counts, legal deadlines first."""
        found = [
            (kind, sum(n for (k, _), n in self.counts.items() if k == kind.value))
            for kind in sorted(ItemKind, key=lambda k: not k.is_legal)
        ]
        return [(kind, n) for kind, n in found if n]


def _selected(counts: dict[tuple[str, Urgency], int], query: WorklistQuery) -> int:
    kinds = query.kinds()
    return sum(
        n
        for (kind, group), n in counts.items()
        if (kinds is None or kind in kinds) and (query.group is None or group is query.group)
    )


def worklist_of(system: System, user: User, on: date, query: WorklistQuery) -> Worklist:
    """One page of the user's worklist (a team lead: the team's, or one director's of it).
    Raises NoSuchPageError for a page past the last."""
    granted = scope_of(user.role, Resource.WORKLIST, Action.READ)
    if granted is None:
        raise NotYoursError("this role has no worklist", logged=False)
    if granted is Scope.OWN:
        scope = reads.Scope(director=user.name, team=None, on=on)
    else:  # a team lead: the team's, or one director's of the team
        scope = reads.Scope(director=query.director, team=user.team, on=on)
    with system.engine.connect() as connection:
        counts = reads.counts(connection, scope)
        total = _selected(counts, query)
        pages = max(1, -(-total // PER_PAGE))
        if query.page > pages:
            raise NoSuchPageError(pages)
        items = reads.page(
            connection, scope, kinds=query.kinds(), group=query.group,
            latest_first=query.latest_first, offset=(query.page - 1) * PER_PAGE, limit=PER_PAGE,
        )  # fmt: skip
        reach = reflected(connection)
    return Worklist(on, query, items, counts, total, reflected=reach)


def go_to(system: System, user: User, v_number: str, origin: str) -> None:
    """Admit `user` to the case of `v_number`, or raise NotYoursError. A refusal is logged
    with the V-number asked for (`case.goto.refused`), the same for a colleague's case and
    for a V-number nobody knows, so that the answer tells nothing about the person; the case
    page the user is then sent to logs the read itself."""
    admit(system, user, Resource.CASE, Access(user.name, "web", "case.goto", origin, v_number))


def log_malformed_go_to(system: System, user: User, origin: str) -> None:
    """A go-to with something that is no V-number: logged without it (it may be a name)."""
    with writing(system.engine) as connection:
        record(connection, Access(user.name, "web", "case.goto.malformed", origin), system.clock())
