"""The row hash: any change of any column, including moving text between columns, changes it."""

from __future__ import annotations

from terugkeer.store.hashchain import GENESIS, HASHED_COLUMNS, row_hash

ROW = [
    7,
    "id-7",
    "interview",
    "1234567890",
    3,
    "2023-01-01T10:00:00+01:00",
    1672563600000000,
    "2023-01-01",
    "DTENV",
    "cooperating",
    None,
    '{"id":"id-7"}',
    "2026-01-01T00:00:00.000000Z",
]


def test_the_hash_covers_every_column() -> None:
    assert len(ROW) == len(HASHED_COLUMNS)
    original = row_hash(GENESIS, ROW)
    for index in range(len(ROW)):
        changed = list(ROW)
        changed[index] = "x" if ROW[index] is None else f"{ROW[index]}x"
        assert row_hash(GENESIS, changed) != original, HASHED_COLUMNS[index]


def test_text_moved_between_columns_or_none_versus_text_differ() -> None:
    moved = list(ROW)
    moved[8], moved[9] = "DTENVcoop", "erating"
    assert row_hash(GENESIS, moved) != row_hash(GENESIS, ROW)
    dash = list(ROW)
    dash[10] = "-"
    assert row_hash(GENESIS, dash) != row_hash(GENESIS, ROW)


def test_the_previous_hash_is_part_of_the_input() -> None:
    assert row_hash(GENESIS, ROW) != row_hash("1" * 64, ROW)
