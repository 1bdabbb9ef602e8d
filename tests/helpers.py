"""Small helpers shared by the tests."""

from __future__ import annotations

import re
from typing import Any


def warnings_of(warning: Any) -> list[str]:
    """The warning lines an app emitted, colour codes stripped."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", warning.getvalue())
    return [line for line in text.splitlines() if "WARNING:" in line or "ERROR:" in line]


def domain_of(app: Any) -> Any:
    return app.env.get_domain("postmortem")
