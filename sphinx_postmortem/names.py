"""Reader-facing names of milestones, lesson kinds and metrics, in the project's language."""

from __future__ import annotations

from sphinx.locale import get_translation

_ = get_translation("sphinx_postmortem")


def milestone_names() -> dict[str, str]:
    """Reader-facing names of timeline milestones."""
    return {
        "start": _("Impact start"),
        "detect": _("Detected"),
        "ack": _("Acknowledged"),
        "mitigate": _("Mitigated"),
        "resolve": _("Resolved"),
    }


def lesson_kind_names() -> dict[str, str]:
    """Reader-facing names of lesson kinds."""
    return {
        "went-well": _("What went well"),
        "went-wrong": _("What went wrong"),
        "lucky": _("Where we got lucky"),
    }


def metric_names() -> dict[str, str]:
    """Reader-facing names of timeline metrics."""
    return {
        "impact_duration": _("Impact duration"),
        "time_to_detect": _("Time to detect"),
        "time_to_acknowledge": _("Time to acknowledge"),
        "time_to_mitigate": _("Time to mitigate"),
        "time_to_resolve": _("Time to resolve"),
    }
