"""The packaged rules table (rules.toml) and its loader: the I/O side of `domain.rules`."""

from terugkeer.rules.loader import RulesFileError, load_rules

__all__ = ["RulesFileError", "load_rules"]
