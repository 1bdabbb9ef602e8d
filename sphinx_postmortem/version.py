"""The version of sphinx-postmortem (read by the packaging metadata, the CLI and the caches)."""

__version__ = "0.1.0"
