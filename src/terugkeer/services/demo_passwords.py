"""Fresh one-time passwords for the accounts `terugkeer demo` prints, hashed in threads from
the command's start: argon2 lets go of the GIL, and sixteen hashes with RFC 9106's parameters
take seconds of both cores, which the demo spends while it opens its store and starts its
server.

While the server starts, the hashing threads give way (a nice value, per thread on Linux, that
the threads argon2 starts for its lanes inherit): the first page comes first. Once the server
answers, `hurry` hashes the rest in threads at the process's own priority (a thread cannot
take back the priority it gave away without privileges; a new one has it). On a busy machine
a thread that gives way gets little: measured under load 11, the accounts came 1.5-2.5 s
later than with no giving way at all, until the hashes under way got a second, hurried one.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import threading
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ThreadPoolExecutor, wait

from terugkeer.services.users import check_password, hash_password

#: A password and its hash.
Hashed = tuple[str, str]
#: How far the hashing threads give way while the server starts (0 to 19): enough that the
#: start wins the cores.
NICE = 10


class OneTimePasswords:
    """A fresh password and its hash for each name, hashed from the moment this is made."""

    def __init__(self, names: list[str]) -> None:
        self._lock = threading.Lock()  # `hurry` adds hashes while `of` may wait for them
        self._stopped = False
        behind = _pool(giving_way=True)
        self._pools = [behind]
        # Each name's hashes under way: one, or after `hurry` also one that does not give way.
        self._hashed = {name: [behind.submit(_one_time, name)] for name in names}
        behind.shutdown(wait=False)

    def of(self, name: str) -> Hashed:
        """(password, its hash) for a name, from whichever of its hashes ends first (each
        draws its own password, so either pair is right)."""
        while True:
            with self._lock:
                live = [future for future in self._hashed[name] if not future.cancelled()]
                if not live or self._stopped:
                    raise CancelledError
            done, _ = wait(live, return_when=FIRST_COMPLETED)
            for future in done:
                if not future.cancelled():
                    return future.result()
            # cancelled by `hurry` while waiting: its replacement is in the list

    def hurry(self) -> None:
        """Hash at the process's own priority from now on (the server answers): a hash that
        has not begun moves, and one that has begun gets a second that does not give way,
        since on a busy machine the first may take long."""
        with self._lock:
            pool = _pool(giving_way=False)
            self._pools.append(pool)
            for name, futures in self._hashed.items():
                if any(f.done() and not f.cancelled() for f in futures):
                    continue
                for future in futures:
                    future.cancel()  # only one that has not begun can be
                second = pool.submit(_one_time, name)
                for future in futures:
                    if not future.cancelled():  # begun: if it ends first, no second is needed
                        _unneeded_after(future, second)
                futures.append(second)
            pool.shutdown(wait=False)

    def cancel(self) -> None:
        """Hash no more (the demo stops): the process need not wait for the rest to exit."""
        with self._lock:
            self._stopped = True
            for pool in self._pools:
                pool.shutdown(wait=False, cancel_futures=True)


def _unneeded_after(first: Future[Hashed], second: Future[Hashed]) -> None:
    def cancel(_: Future[Hashed]) -> None:
        second.cancel()  # only if it has not begun

    first.add_done_callback(cancel)


def _pool(*, giving_way: bool) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="demo-passwords",
                              initializer=_give_way if giving_way else None)  # fmt: skip


def _give_way() -> None:
    if sys.platform == "linux":  # Linux keeps a nice value per thread; elsewhere, no change
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)


def _one_time(name: str) -> Hashed:
    password = secrets.token_urlsafe(12)
    check_password(password, name)  # as add_user and set_password would
    return password, hash_password(password)
