"""Reader-facing names of milestones, lesson and factor kinds, metrics and roles, translated."""

from __future__ import annotations

from sphinx.locale import get_translation

_ = get_translation("sphinx_postmortem")


def milestone_names() -> dict[str, str]:
    """Reader-facing names of timeline milestones."""
    return {
        "start": _("Impact start"),
        "detect": _("Detected"),
        "ack": _("Acknowledged"),
        "notify": _("Customers notified"),
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
        "time_to_notify": _("Time to notify"),
        "time_to_mitigate": _("Time to mitigate"),
        "time_to_resolve": _("Time to resolve"),
    }


def measured_from_phrases() -> dict[str, str]:
    """How a metric says what it is measured from, by its earlier milestone.

    Each takes ``%(span)s``, the duration: "7m after impact start".
    """
    return {
        "start": _("%(span)s after impact start"),
        "detect": _("%(span)s after detection"),
        "ack": _("%(span)s after acknowledgement"),
        "notify": _("%(span)s after customers were notified"),
        "mitigate": _("%(span)s after mitigation"),
    }


def factor_kind_names() -> dict[str, str]:
    """Reader-facing names of contributing-factor kinds (``FACTOR_KINDS``)."""
    return {
        "trigger": _("Trigger"),
        "root-cause": _("Root cause"),
        "contributing": _("Contributing factor"),
        "mitigator": _("Mitigating factor"),
    }


def factor_category_meanings() -> dict[str, str]:
    """What each default factor category means, in one line."""
    return {
        "change-management": _("A change reached production without the checks it needed"),
        "configuration": _("A setting or configuration value was wrong or unexpected"),
        "capacity": _("Demand exceeded what a system or team could handle"),
        "dependency": _("A service, vendor or library we rely on failed or changed"),
        "latent-bug": _("A defect that had been in the system before the incident"),
        "monitoring-gap": _("Alerts or dashboards did not show the problem in time"),
        "process": _("A procedure was missing, unclear or did not fit the situation"),
        "tooling": _("A tool behaved unexpectedly or lacked a needed safeguard"),
        "communication": _("Information did not reach the people who needed it"),
        "environment": _("Hardware, network, facility or other physical conditions"),
    }


def role_name(role: str) -> str:
    """How a panel labels the people in ``role`` (``commander`` -> "Incident commander")."""
    known = {
        "commander": _("Incident commander"),
        "communications": _("Communications lead"),
        "scribe": _("Scribe"),
        "responders": _("Responders"),
    }
    if role in known:
        return known[role]
    words = role.replace("-", " ")
    return words[:1].upper() + words[1:]
