"""The access log's action names in the reader's language: a catalogue of labels for the codes
the services write (`case.read`, `user.reset`, ...), and the endings they add (`.refused`).

A code not in the catalogue is shown as it is: the log never hides an entry."""

from __future__ import annotations

from collections.abc import Callable


def _(message: str) -> str:
    """Marks a label for scripts/catalogues.py; translated when shown."""
    return message


LABELS = {
    "case.read": _("opened a case"),
    "case.assign": _("assigned a case"),
    "case.withdraw": _("withdrew an entry"),
    "case.record": _("recorded an entry"),
    "case.correct": _("corrected an entry"),
    "case.goto": _("went to a V-number"),
    "family.read": _("opened a family"),
    "worklist.read": _("viewed the worklist"),
    "unassigned.read": _("viewed the new cases"),
    "workload.read": _("viewed the team's workload"),
    "access_log.read": _("viewed the access log"),
    "access_log.export": _("exported the access log"),
    "webhooks.read": _("viewed the webhook deliveries"),
    "privacy.read": _("viewed the privacy page"),
    "subject.read": _("viewed everything held on a person (data subject's request)"),
    "subject.export": _("exported everything held on a person (data subject's request)"),
    "users.read": _("viewed the accounts"),
    "user.add": _("added an account"),
    "user.disable": _("disabled an account"),
    "user.enable": _("enabled an account"),
    "user.unlock": _("unlocked an account"),
    "user.reset": _("reset a password"),
    "user.change": _("changed a role or team"),
    "password.change": _("changed their own password"),
    "session.sign_in": _("signed in"),
    "session.throttled": _("had to wait after failed sign-ins"),
    "session.sign_out": _("signed out"),
    "user.lock": _("account locked after failed sign-ins"),  # rows written before the change
    "user.untrusted_limit": _("sign-ins from unknown browsers held back after failed sign-ins"),
    "session.sign_in.sso": _("signed in through single sign-on"),
    "session.sign_out.sso": _("signed out (single sign-on)"),
    "events.post": _("sent events"),
    "reach_rule.add": _("added a reach rule"),
    "reach_rule.remove": _("removed a reach rule"),
    "share.start": _("shared a case with a partner"),
    "share.end": _("ended a share with a partner"),
    "api.case.read": _("read a case through the API"),
    "api.events.read": _("read events through the API"),
    "api.worklist.read": _("read a worklist through the API"),
    "api.key_figures.read": _("read key figures through the API"),
    "api.publication.file.read": _("read a publication through the API"),
    "page": _("asked for a page"),
    # store/retention.py's marker after each batch (store/access_log.RETENTION_MARKER).
    "retention.log": _("pseudonymised people whose cases closed long ago (retention)"),
    "api.call": _("called the API"),
    "host": _("asked for a host name this server does not answer to"),
    # `terugkeer backup` and `restore` (services/backup.py, restore_checks.py): every case
    # copied out, or the whole store replaced.
    "store.backup": _("copied the whole store into a backup"),
    "store.restore": _("restored the whole store from a backup"),
}
#: Endings a service adds to a code, outermost last.
ENDINGS = {
    "refused": _("%(action)s (refused)"),
    "rejected": _("%(action)s (rejected)"),
    "person": _("%(action)s (per person)"),
    "unknown": _("%(action)s (not found)"),
}


def action_label(code: str, gettext: Callable[[str], str]) -> str:
    """`code` in words: its label, with the endings it carries; the code itself if unknown."""
    base, endings = code, list[str]()
    while base not in LABELS and "." in base:
        head, _sep, tail = base.rpartition(".")
        if tail not in ENDINGS:
            break
        base, endings = head, [tail, *endings]
    subject = None
    if base not in LABELS and base.startswith("case.record."):
        subject, base = base.removeprefix("case.record."), "case.record"
    if base not in LABELS:
        return code
    text = gettext(LABELS[base])
    if subject is not None:
        text = f"{text}: {gettext(subject)}"
    for ending in endings:
        text = gettext(ENDINGS[ending]) % {"action": text}
    return text
