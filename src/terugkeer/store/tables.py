"""The relational schema: the append-only event table, its hash-chain head, and projections.

Kept in step with the Alembic migrations in `store/migrations/versions` (a test compares them).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    false,
)

metadata = MetaData()

#: A 64-bit key that is SQLite's rowid there (only INTEGER PRIMARY KEY is): no second index.
Key = BigInteger().with_variant(Integer(), "sqlite")

#: Every accepted chain event, in receipt order (`seq`, contiguous from 1). Append-only: rows are
#: never updated or deleted; `hash` chains each row to the one before (see store/hashchain.py).
events = Table(
    "events",
    metadata,
    Column("seq", Key, primary_key=True, autoincrement=False),
    Column("id", String(100), nullable=False),
    Column("type", String(32), nullable=False),
    Column("v_number", String(32), nullable=False),  # after retention: the subject
    Column("case_seq", BigInteger, nullable=False),  # seq of the intake of the event's case
    # ISO 8601 with the sender's offset (normalised); the exact text is in `body`.
    Column("occurred_at", String(40), nullable=False),
    Column("occurred_us", BigInteger, nullable=False),  # UTC microseconds since the epoch
    Column("local_date", Date, nullable=False),  # Europe/Amsterdam day of occurred_at
    Column("source", String(16), nullable=False),
    Column("category", String(40)),  # the type's main enum field (domain.events.CATEGORY_FIELD)
    Column("reference", Text),  # JSON-escaped (store/codec.py column_text)
    Column("body", Text, nullable=False),  # the whole line, canonical JSON
    Column("recorded_at", String(32), nullable=False),  # when the store accepted it (UTC)
    Column("hash", String(64), nullable=False),
    # Chain scheme 2 (store/pseudonyms.py): the history's keyed pseudonym, and a salted
    # commitment to the row's identifying values. NULL in rows of a scheme-1 store.
    Column("subject", String(32)),
    Column("commitment", String(64)),
    # The idempotency key (EVENTS.md v1.1): an id is unique per sender, not across senders.
    # Led by the id: the store looks a batch's ids up before it knows which are known.
    Index("ux_events_id_source", "id", "source", unique=True),
    # Covering for the counts of a period (inflow by source, confirmations): the rows, with
    # their bodies, are never read for them.
    # On PostgreSQL they carry the seq too (SQLite's rowid is in every index already), so that
    # leaving withdrawn events out (store/live.py) keeps them covering.
    Index(
        "ix_events_type_day", "type", "local_date", "category", "source", postgresql_include=["seq"]
    ),
    # Covering indexes for loading a person's history and a case's steps (forecast, infographic).
    Index(
        "ix_events_person",
        "v_number",
        "type",
        "occurred_us",
        "reference",
        postgresql_include=["seq"],
    ),
    Index(
        "ix_events_case", "case_seq", "type", "occurred_us", "category", postgresql_include=["seq"]
    ),
)

#: The last link of the hash chain, so that deleting the newest rows is detected too.
chain_head = Table(
    "chain_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("last_hash", String(64), nullable=False),
    # 1: every column hashed (stores begun before retention existed); 2: the pseudonymous form.
    Column("scheme", Integer, nullable=False, server_default="2"),
    Column("key_check", String(64)),  # HMAC of a constant under the pseudonym key, not the key
    # The first seq from which the projections' versions are whole (store/versions.py): a
    # question "as known on" an earlier moment is answered by a replay instead.
    Column("versions_from", BigInteger, nullable=False, server_default="0"),
)

#: One salt per history (subject) for the identity commitments; retention deletes it.
identity_salts = Table(
    "identity_salts",
    metadata,
    Column("subject", String(32), primary_key=True),
    Column("salt", String(32), nullable=False),  # 16 random bytes, hex
)

#: Every retention run: when, the cut-off, how many people and events it pseudonymised.
retention_runs = Table(
    "retention_runs",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("closed_before", Date, nullable=False),
    Column("persons", Integer, nullable=False),
    Column("events", Integer, nullable=False),
)

#: From which day the store holds the caseload whole (issue 28): each setting appended, the
#: latest rules; a figure or comparison reaching before it is "not comparable". A simulated
#: store's warm-up ends there; a real store's is the day its caseload was migrated whole.
completeness = Table(
    "completeness",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("complete_from", Date, nullable=False),
    Column("set_at", String(32), nullable=False),  # UTC ISO, the form of `recorded_at`
    Column("set_by", String(64), nullable=False),
    Column("why", String(500), nullable=False),
)

#: Projection: one row per case with its current state, rebuilt from the person's history in the
#: same transaction as the events that change it.
cases = Table(
    "cases",
    metadata,
    Column("case_seq", Key, primary_key=True, autoincrement=False),
    Column("v_number", String(32), nullable=False, index=True),
    Column("nationality", String(3), nullable=False),
    Column("track", String(16), nullable=False),
    Column("unaccompanied_minor", Boolean, nullable=False),
    Column("opened_us", BigInteger, nullable=False),
    Column("closed_us", BigInteger),
    Column("closed_date", Date),
    Column("closing_type", String(32)),
    Column("closing_category", String(40)),
    Column("dublin_transfer", Boolean, nullable=False),
    Column("destination", String(3)),
    Column("stance", String(20)),
    Column("location_kind", String(24)),
    Column("family", Text, index=True),  # the intake's family id: members are handled together
    # The caseload at an end: closed after it or still open, then opened before it. Led by the
    # closing, as few cases close after a recent end while nearly all opened before it; it also
    # covers the top nationalities and the people of the caseload, and orders the open cases
    # by waiting time (the unassigned list).
    Index("ix_cases_open_at", "closed_us", "opened_us", "track", "nationality", "v_number"),
    # Covering for the closed procedures and Dublin transfers of a period.
    Index(
        "ix_cases_closed_on",
        "closed_date",
        "closing_type",
        "closing_category",
        "dublin_transfer",
        "destination",
    ),
)

#: Projection: every withdrawn event (EVENTS.md v1.1, Corrections), with the retraction that
#: withdrew it. Figures read the events table without these rows (`store/live.py`).
withdrawals = Table(
    "withdrawals",
    metadata,
    Column("seq", Key, primary_key=True, autoincrement=False),  # of the withdrawn event
    Column("v_number", String(32), nullable=False),
    Column("case_seq", BigInteger, nullable=False),  # the case it was withdrawn from
    Column("retraction_seq", BigInteger, nullable=False),
)

#: Projection: one row per accepted Dublin claim with its transfer deadline (RULES.md §2).
dublin_claims = Table(
    "dublin_claims",
    metadata,
    Column("accepted_seq", Key, primary_key=True, autoincrement=False),
    Column("case_seq", BigInteger, nullable=False, index=True),
    Column("v_number", String(32), nullable=False),
    Column("member_state", String(3), nullable=False),
    Column("regime", String(24), nullable=False),
    Column("base_date", Date),
    Column("deadline", Date, index=True),
    Column("transferred", Boolean, nullable=False),
    Column("expired", Boolean, nullable=False),
)

#: Projection: every procedure of a person, a start paired with the decision that refers to it
#: (domain/procedures.py), across all their cases; a decision that finds its start already
#: decided is a row of its own (it still counts as a decision). Keyed by the seq of the start
#: or of that decision. What "repeated procedures at the end of the period" aggregates.
procedures = Table(
    "procedures",
    metadata,
    Column("seq", Key, primary_key=True, autoincrement=False),
    Column("v_number", String(32), nullable=False),
    Column("kind", String(24)),  # of the start; none for a decision without a start of its own
    Column("started_us", BigInteger),
    Column("decided_us", BigInteger),
    Index("ix_procedures_person", "v_number", "started_us", "decided_us"),
)

#: Projection: where a person stayed within a case: each `location_changed` until the next one
#: of the case (by occurred_at, ties by receipt order) or until the case closed; `until_us` none
#: while it is where the person of an open case stays. What "at emergency reception at the end
#: of the period" aggregates: ending at the closing keeps the spells still running few.
location_spells = Table(
    "location_spells",
    metadata,
    Column("seq", Key, primary_key=True, autoincrement=False),  # of the location change
    Column("case_seq", BigInteger, nullable=False),
    Column("v_number", String(32), nullable=False, index=True),
    Column("kind", String(24), nullable=False),
    Column("from_us", BigInteger, nullable=False),
    Column("until_us", BigInteger),
    Index("ix_location_spells_kind", "kind", "until_us", "from_us", "case_seq"),
)

#: What each open case needs from its case director, and by when (domain/worklist.py). Rebuilt
#: with the case's other projections in the transaction that appends its events.
worklist_items = Table(
    "worklist_items",
    metadata,
    Column("case_seq", BigInteger, primary_key=True, autoincrement=False),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("v_number", String(32), nullable=False, index=True),
    Column("kind", String(48), nullable=False),
    Column("due", Date, nullable=False),
    Column("shows_from", Date, nullable=False),
    Column("shows_until", Date),
    Column("source", Text, nullable=False),
    Column("details", Text, nullable=False),  # JSON object of strings
    # Everything the worklist filters, counts and orders by (store/worklist.py): read from
    # the index alone for the cases of a director or a team (migration 0011).
    Index("ix_worklist_items_showing", "case_seq", "shows_from", "shows_until", "due", "kind"),
)

#: Who read or changed which case (store/access_log.py). Append-only, like `events`.
access_log = Table(
    "access_log",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),  # UTC, like recorded_at
    Column("actor", String(100), nullable=False),
    Column("channel", String(8), nullable=False),
    Column("action", String(40), nullable=False),
    Column("origin", String(255), nullable=False),
    Column("v_number", String(32)),
    Column("detail", String(120)),  # an API call's status and counts; never event contents
    # The hash chain (store/access_chain.py): contiguous from 1 in the order rows were logged.
    Column("seq", BigInteger),
    Column("hash", String(64)),
    # A rejection's reason, which retention removes: a keyed MAC of it, which the hash covers.
    Column("commitment", String(64)),
    # The HTTP request that wrote the row (web/signals.py), also in the JSON request log; NULL
    # for the CLI and for rows from before 0017. Hashed only where present (access_log.py).
    Column("request_id", String(64)),
    Index("ix_access_log_v_number", "v_number", "at"),
    Index("ix_access_log_actor", "actor", "at"),
    Index("ix_access_log_seq", "seq", unique=True),
    # From a log line to its rows: the auditor's filter by request id (/audit).
    Index("ix_access_log_request_id", "request_id"),
)

#: The last link of the access log's chain; its row lock serialises writers of the log.
access_log_head = Table(
    "access_log_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("last_hash", String(64), nullable=False),
    #: Rows logged before the chain existed (migration 0012), chained without their V-number.
    Column("unkeyed_rows", BigInteger, nullable=False),
    #: A MAC of unkeyed_rows and the last unkeyed row's hash, written by the first keyed write
    #: (migration 0015): without the key nobody can move that boundary.
    Column("unkeyed_seal", String(64)),
)


#: The people who use the pages (store/users.py). Passwords only as argon2 hashes.
users = Table(
    "users",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("team", String(60)),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("failed_logins", Integer, nullable=False),  # unused since 0013 (sign_in_throttle)
    Column("locked_until", String(32)),  # UTC; no login before then (HARD_LOCK: until unlocked)
    Column("created_at", String(32), nullable=False),
    #: A one-time password (set by `users add`, an admin or the demo): nothing but choosing a
    #: new one until it is done (migration 0010).
    Column("must_change_password", Boolean, nullable=False, server_default=false()),
    #: Made by single sign-on: the provider's subject (`sub`) the name belongs to; NULL for a
    #: local account, which single sign-on never takes over (migration 0014).
    Column("sso_subject", String(255)),
)

#: Failed sign-ins, counted to slow guessing down (domain/sign_in_throttle.py; migration 0013).
#: One row per (name tried, origin), per origin (`name_key` "*") and per name (`origin` "*").
#: The name is kept as its SHA-256 only: people type passwords into the name field too.
sign_in_throttle = Table(
    "sign_in_throttle",
    metadata,
    Column("name_key", String(64), primary_key=True),
    Column("origin", String(100), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("since", String(32), nullable=False),  # UTC; the window's first failure
    Column("blocked_until", String(32)),  # UTC; no try judged before then
)

#: Signed-in sessions. The cookie holds a random token; only its SHA-256 is stored, so a copy of
#: the database does not let anyone sign in.
sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_name", String(100), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("last_seen", String(32), nullable=False),
    #: A single sign-on session: the provider's ID token, sent back as `id_token_hint` when
    #: the user signs out there too (migration 0014).
    Column("id_token", Text),
)

#: Who is the case director of a case, as team leads decided. Append-only: the current director
#: is the latest row of the case (`case_directors` keeps it at hand).
assignments = Table(
    "assignments",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("case_seq", BigInteger, nullable=False, index=True),
    Column("v_number", String(32), nullable=False),
    Column("director", String(100), nullable=False),
    Column("team", String(60)),
    Column("assigned_by", String(100), nullable=False),
    Column("at", String(32), nullable=False),
)

#: The current director of each assigned case: the latest `assignments` row of the case.
case_directors = Table(
    "case_directors",
    metadata,
    Column("case_seq", BigInteger, primary_key=True, autoincrement=False),
    Column("v_number", String(32), nullable=False, index=True),
    Column("director", String(100), nullable=False, index=True),
    Column("team", String(60), index=True),
    # The team lead's workload: a team's rows by director, with the case to join, from the
    # index alone (store/team.py; migration 0010).
    Index("ix_case_directors_team_director", "team", "director", "case_seq"),
)

#: Who recorded an event through the pages (the chain format has no actor field): the user,
#: written in the transaction that appends the event. Partner events have no row here.
recorded_by = Table(
    "recorded_by",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("actor", String(100), nullable=False),
)

#: Partner systems that call the API (issue 10). A token is shown once and stored as its
#: SHA-256 only; after a rotation the previous token stays valid until `previous_until`.
partners = Table(
    "partners",
    metadata,
    Column("name", String(100), primary_key=True),
    # partner: a chain partner that sends events; analyst: reads aggregates only
    Column("kind", String(16), nullable=False, server_default="partner"),
    Column("source", String(16)),  # the v1 `source` its events must carry; none for analysts
    Column("types", Text, nullable=False),  # event types it may send, comma-separated
    # what it may read back of the persons in its reach: event types, and `case` (the
    # person's cases, case state and removal readiness); comma-separated
    Column("reads", Text, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("previous_hash", String(64), unique=True),
    Column("previous_until", String(32)),  # UTC
    Column("created_at", String(32), nullable=False),
    Column("revoked_at", String(32)),  # UTC; no call is accepted from then on
)

#: Case directors' shares of a person with a chain partner (issue 26): the partner may read
#: the person's case file and other senders' events until `until` (inclusive). Append-only: a
#: start row (with `until`) and, when ended early, an end row naming it in `ends`; each with who
#: and when. The access log holds both too.
reach_shares = Table(
    "reach_shares",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("partner", String(100), nullable=False),
    Column("v_number", String(32), nullable=False),  # after retention: the subject
    Column("until", Date),  # a start: its last day; none on an end row
    Column("ends", BigInteger),  # an end row: the id of the share it ends
    Column("actor", String(100), nullable=False),
    Column("at", String(32), nullable=False),  # UTC
    Index("ix_reach_shares_person", "v_number", "partner"),
    Index("ix_reach_shares_ends", "ends"),
)

#: Admin-configured reach rules of a partner (domain/reach.py): which facts of which trusted
#: sources bring a person into its reach. Removing one stamps it; nothing is deleted.
reach_rules = Table(
    "reach_rules",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("partner", String(100), nullable=False, index=True),
    Column("kind", String(24), nullable=False),
    Column("days", Integer, nullable=False),
    Column("trusted", Text, nullable=False),  # sources, comma-separated
    Column("actor", String(100), nullable=False),
    Column("at", String(32), nullable=False),
    Column("removed_by", String(100)),
    Column("removed_at", String(32)),
)

#: A partner's webhook: events of `types` (within its agreement's reads), its own and others'
#: about the persons in its reach (store/reach.py), are POSTed to `url`, signed with `secret`
#: (shown once; it must be kept to sign, so it is stored as it is, like every webhook
#: sender's). Admin-configured.
subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("partner", String(100), nullable=False, index=True),
    Column("url", Text, nullable=False),
    Column("types", Text, nullable=False),  # comma-separated
    Column("secret", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("removed_at", String(32)),  # UTC; nothing is queued for it from then on
)

#: One delivery due per (subscription, event), written in the transaction that appends the
#: event (an outbox): delivery state survives a crash or restart, and intake never waits on a
#: partner's endpoint. Holds no event contents (the body is read from `events` when sent).
webhook_outbox = Table(
    "webhook_outbox",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("subscription_id", BigInteger, nullable=False),
    Column("event_seq", BigInteger, nullable=False),
    Column("event_id", String(128), nullable=False),
    Column("event_type", String(40), nullable=False),
    Column("state", String(16), nullable=False),  # pending, delivered, failed (gave up)
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_us", BigInteger, nullable=False),  # UTC epoch microseconds
    Column("lease_until_us", BigInteger),  # a deliverer holds it until then
    Column("last_result", String(120)),  # HTTP status or the kind of failure; no content
    Column("delivered_at", String(32)),
    Index("ux_webhook_outbox_event", "subscription_id", "event_seq", unique=True),
    Index("ix_webhook_outbox_due", "state", "next_attempt_us"),
    # The oldest pending delivery at once, for the readiness probe and the metrics.
    Index("ix_webhook_outbox_pending", "state", "event_seq"),
)

#: Every delivery attempt (the admin's delivery log): when, the answer, how long it took.
webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("outbox_id", BigInteger, nullable=False, index=True),
    Column("attempt", Integer, nullable=False),
    Column("at", String(32), nullable=False),
    Column("status", Integer),  # the HTTP status; none when no answer came
    Column("result", String(120), nullable=False),  # delivered, or why not (no content)
    Column("ms", Integer, nullable=False),
)


#: What the store held at each commit that appended events: the seq of its last event. A
#: projection version starts at one of these (store/versions.py).
projection_marks = Table(
    "projection_marks",
    metadata,
    Column("seq", Key, primary_key=True, autoincrement=False),
)


def _versions_of(table: Table, *mirrored: str) -> Table:
    """`table`'s rows with the range of prefixes in which each held: `[from_seq, to_seq)`,
    `to_seq` the sentinel `CURRENT` while it still holds (store/versions.py). The `mirrored`
    indexes of the table are kept on the versions too, with the range last: the figures read
    the versions through them "as known on" as they read the table now."""
    keys = [column.name for column in table.primary_key.columns]
    indexes = [
        Index(f"{index.name}_versions", *(c.name for c in index.columns), "to_seq", "from_seq")
        for index in sorted(table.indexes, key=lambda index: str(index.name))
        if index.name in mirrored
    ]
    return Table(
        f"{table.name}_versions",
        metadata,
        *(Column(c.name, c.type, nullable=c.nullable) for c in table.columns),
        Column("from_seq", BigInteger, nullable=False),
        Column("to_seq", BigInteger, nullable=False),
        PrimaryKeyConstraint(*keys, "from_seq"),
        # A writer closes a person's current rows; retention renames a person's every row.
        Index(f"ix_{table.name}_versions_person", "v_number", "to_seq"),
        *indexes,
    )


#: The versioned projections: what the figures read, "as known on" any moment.
cases_versions = _versions_of(cases, "ix_cases_open_at", "ix_cases_closed_on")
withdrawals_versions = _versions_of(withdrawals)
dublin_claims_versions = _versions_of(dublin_claims)
procedures_versions = _versions_of(procedures, "ix_procedures_person")
location_spells_versions = _versions_of(location_spells, "ix_location_spells_kind")
