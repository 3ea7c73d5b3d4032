"""The demo's one-time passwords, hashed in threads that give way while the server starts and
hurried once it answers: whatever moment `hurry` comes, every account gets its own password,
and the hash stored for it verifies exactly that password."""

from __future__ import annotations

import pytest

from terugkeer.services.demo_accounts import printed_names
from terugkeer.services.demo_passwords import OneTimePasswords
from terugkeer.services.users import verify_password


@pytest.mark.parametrize("hurried", [False, True])
def test_every_printed_account_gets_its_own_password_and_its_hash(hurried: bool) -> None:
    names = printed_names()
    passwords = OneTimePasswords(names)
    if hurried:
        passwords.hurry()  # at once: most hashes have not begun and move
    given = {name: passwords.of(name) for name in names}
    assert len({password for password, _ in given.values()}) == len(names)
    for name, (password, hashed) in given.items():
        assert verify_password(hashed, password), name
        assert not verify_password(hashed, given[names[0]][0]) or name == names[0]
