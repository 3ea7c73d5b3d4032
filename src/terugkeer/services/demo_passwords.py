"""Fresh one-time passwords for the accounts `terugkeer demo` prints, hashed in threads from
the command's start: argon2 lets go of the GIL, and sixteen hashes with RFC 9106's parameters
take seconds of both cores, which the demo spends while it opens its store and starts its
server.

While the server starts, the hashing threads give way (a nice value, per thread on Linux, that
the threads argon2 starts for its lanes inherit): the first page comes first. Once the server
answers, `hurry` moves the hashes that have not begun to threads at the process's own
priority, so that on a busy machine the accounts do not wait behind every other program
(a thread cannot take back the priority it gave away without privileges; a new one has it).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import threading
from concurrent.futures import CancelledError, ThreadPoolExecutor

from terugkeer.services.users import check_password, hash_password

#: How far the hashing threads give way while the server starts (0 to 19): enough that the
#: start wins the cores.
NICE = 10


class OneTimePasswords:
    """A fresh password and its hash for each name, hashed from the moment this is made."""

    def __init__(self, names: list[str]) -> None:
        self._lock = threading.Lock()  # `hurry` moves a hash while `of` may wait for it
        self._stopped = False
        behind = _pool(giving_way=True)
        self._pools = [behind]
        self._hashed = {name: behind.submit(_one_time, name) for name in names}
        behind.shutdown(wait=False)

    def of(self, name: str) -> tuple[str, str]:
        """(password, its hash) for a printed account, once hashed."""
        while True:
            with self._lock:
                future = self._hashed[name]
            try:
                return future.result()
            except CancelledError:
                with self._lock:
                    if self._stopped:
                        raise
                # moved by `hurry` meanwhile: wait for its new thread

    def hurry(self) -> None:
        """Hash what has not begun at the process's own priority (the server answers)."""
        with self._lock:
            pool = _pool(giving_way=False)
            self._pools.append(pool)
            for name, future in self._hashed.items():
                if future.cancel():
                    self._hashed[name] = pool.submit(_one_time, name)
            pool.shutdown(wait=False)

    def cancel(self) -> None:
        """Hash no more (the demo stops): the process need not wait for the rest to exit."""
        with self._lock:
            self._stopped = True
            for pool in self._pools:
                pool.shutdown(wait=False, cancel_futures=True)


def _pool(*, giving_way: bool) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="demo-passwords",
                              initializer=_give_way if giving_way else None)  # fmt: skip


def _give_way() -> None:
    if sys.platform == "linux":  # Linux keeps a nice value per thread; elsewhere, no change
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)


def _one_time(name: str) -> tuple[str, str]:
    password = secrets.token_urlsafe(12)
    check_password(password, name)  # as add_user and set_password would
    return password, hash_password(password)
