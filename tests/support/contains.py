"""Several pieces of text expected in one output, checked at once."""

from __future__ import annotations


def assert_contains(text: str, *snippets: str) -> None:
    """Every one of ``snippets`` is in ``text``; a failure names all the missing ones."""
    missing = [snippet for snippet in snippets if snippet not in text]
    assert not missing, f"missing from the output: {missing!r}"
