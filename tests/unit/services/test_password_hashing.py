"""The product hashes passwords with RFC 9106's parameters (the suite swaps in cheap ones to
stay fast: this test holds the product's own, so that swap cannot hide a weaker product)."""

from __future__ import annotations

from argon2 import PasswordHasher, extract_parameters
from argon2.profiles import RFC_9106_LOW_MEMORY

from terugkeer.services import users


def test_the_product_hashes_with_rfc_9106_parameters() -> None:
    assert users.HASH_PARAMETERS == RFC_9106_LOW_MEMORY
    assert RFC_9106_LOW_MEMORY.time_cost >= 3 and RFC_9106_LOW_MEMORY.memory_cost >= 64 * 1024
    hashed = PasswordHasher.from_parameters(users.HASH_PARAMETERS).hash("a passphrase")
    assert extract_parameters(hashed) == RFC_9106_LOW_MEMORY


def test_a_hash_made_with_cheap_parameters_still_verifies_with_the_products_hasher() -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("a passphrase")
    assert PasswordHasher.from_parameters(users.HASH_PARAMETERS).verify(cheap, "a passphrase")


def test_the_dummy_hash_of_a_refusal_costs_what_a_products_hash_costs() -> None:
    # Written out (not hashed at import): a refusal verifies against it, so it must carry the
    # product's parameters, or an unknown name would be answered faster than a wrong password.
    assert extract_parameters(users.PRODUCT_DUMMY_HASH) == users.HASH_PARAMETERS
    hasher = PasswordHasher.from_parameters(users.HASH_PARAMETERS)
    assert hasher.verify(users.PRODUCT_DUMMY_HASH, "not a password of anyone")
