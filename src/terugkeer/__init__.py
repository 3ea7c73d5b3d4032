"""terugkeer: case management and monitoring for a national return agency."""

__version__ = "0.1.0"
