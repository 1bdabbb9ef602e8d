"""Our own error type and the one place warnings are emitted.

Parsers raise :class:`PostmortemError`; callers turn it into a Sphinx warning
with :func:`warn`, so every problem has a ``postmortem.<subtype>`` type that
``suppress_warnings`` understands, and a source location.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from sphinx.util import logging

logger = logging.getLogger("sphinx_postmortem")

#: Every warning subtype we emit, documented in docs/warnings.rst.
WarningSubtype = Literal[
    "option",
    "timeline",
    "duplicate_id",
    "orphan",
    "ref",
    "filter",
    "config",
    "import",
    "missing_section",
    "blameless",
    "control_character",
    "placeholder",
]

#: The subtypes of :data:`WarningSubtype`, in order.
WARNING_SUBTYPES: tuple[WarningSubtype, ...] = get_args(WarningSubtype)


class PostmortemError(ValueError):
    """Bad input in a post-mortem: becomes a warning, never a traceback."""


def warn(message: str, subtype: WarningSubtype, location: Any) -> None:
    """Emit a ``postmortem.<subtype>`` warning at ``location``.

    ``location`` is a ``(docname, lineno)`` pair, a ``"path:line"`` string or
    a docutils node, as :mod:`sphinx.util.logging` accepts.
    """
    logger.warning(message, type="postmortem", subtype=subtype, location=location)
