"""The blameless-language check: rules are data, matching is pure.

A post-mortem is about systems and decisions, never about punishing a
person. Each rule is a regular expression (case-insensitive, on word
boundaries) with a suggestion for a better phrasing. ``conf.py`` can extend
or replace the rules (``postmortem_blameless_rules``) and allow phrases that
are fine in a team's vocabulary (``postmortem_blameless_allow``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .errors import PostmortemError

#: Words that make the subject of a sentence a person rather than a system.
PERSON_WORDS = (
    r"he|she|they|we|i|you|someone|somebody|nobody|everyone|"
    r"(?:the |an? |our |their |his |her )?(?:engineer|operator|developer|dev|admin|"
    r"administrator|on-?call(?: engineer)?|sre|intern|contractor|reviewer|author|user|"
    r"person|team ?lead|manager|teammate|colleague)s?"
)

#: (name, pattern, suggestion). ``{person}`` in a pattern stands for a person subject.
DEFAULT_RULES: tuple[tuple[str, str, str], ...] = (
    (
        "person as subject",
        r"\b{person}(?:'s)? (?:\w+ )?(?:forgot|failed|neglected|ignored|messed up|screwed up|"
        r"broke|caused|should have|shouldn't have|didn't bother)\b",
        "write about the system and the process; avoid naming a person as the cause",
    ),
    (
        "human error",
        r"\b(?:human|operator|user|engineer|developer|pilot) errors?\b",
        "describe what in the system made the action easy to get wrong",
    ),
    (
        "fault",
        r"\b(?:\w+'s|his|her|their|my|your|our) fault\b|\bfault of\b|\bat fault\b",
        "describe the conditions that led to the event, not whose fault it was",
    ),
    (
        "blame",
        r"\bblam(?:e|es|ed|ing|eworthy)\b",
        "describe contributing factors instead of assigning blame",
    ),
    (
        "careless",
        r"\bcareless(?:ly|ness)?\b",
        "describe what made the mistake possible (missing checks, unclear tooling)",
    ),
    ("negligence", r"\bnegligen(?:t|tly|ce)\b", "describe the safeguards that were missing"),
    (
        "counterfactual",
        r"\b(?:should|shouldn't|should not|could|ought to)(?: have|'ve) (?:not |never )?"
        r"(?:been|done|gone|seen|known|caught|run|set|put|taken|made|had|got|gotten|built|sent|"
        r"written|kept|told|found|thought|brought|held|read|spent|chosen|given|\w+ed)\b",
        "state what happened and what will change, not what someone should have done",
    ),
    (
        "failed to",
        rf"\b(?:{PERSON_WORDS}|{{person}}) (?:\w+ )?failed to\b",
        "describe what happened and why it was hard to do, e.g. 'the step was not run'",
    ),
    (
        "forgot",
        r"\bforg(?:o|e)t(?:ten)? (?:to|about)\b",
        "describe what in the process made the step easy to miss",
    ),
    (
        "didn't bother",
        r"\b(?:didn't|did not|never|don't|doesn't) bother(?:ed)?\b",
        "describe the trade-offs that were made at the time",
    ),
    (
        "incompetent",
        r"\bincompeten(?:t|ce|tly)\b",
        "describe the knowledge or tooling that was missing",
    ),
    (
        "stupid",
        r"\bstupid(?:ly|ity)?\b|\bdumb\b|\bidiot(?:ic)?\b",
        "describe the decision and the information available at the time",
    ),
    ("sloppy", r"\bslopp(?:y|ily|iness)\b", "describe what the review or tooling did not catch"),
    ("reckless", r"\breckless(?:ly|ness)?\b", "describe the risk that was not visible at the time"),
    (
        "lazy",
        r"\blaz(?:y|ily|iness)\b(?![ -]*(?:load|eval|init|import))",
        "describe the time pressure or missing automation",
    ),
)

DEFAULT_ALLOW = (
    "blameless",
    "no-blame",
    "no blame",
    "blame-free",
    "lazy loading",
    "lazy-loading",
    "lazily loaded",
    "lazily-loaded",
    "could have been worse",
    "could've been worse",
)


@dataclass(frozen=True)
class Finding:
    """One blameful phrase found in a piece of text."""

    rule: str
    phrase: str
    suggestion: str
    offset: int


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    suggestion: str


def compile_rules(
    rules: Iterable[Sequence[str] | Mapping[str, str]], people: Iterable[str]
) -> list[Rule]:
    """Compile ``(name, pattern, suggestion)`` rules; ``{person}`` becomes the people's names.

    Raises :class:`PostmortemError` for a rule that is not a valid pattern.
    """
    names = sorted(
        {" ".join(p.split()) for p in people if isinstance(p, str) and p.strip()},
        key=len,
        reverse=True,
    )
    person = "|".join(re.escape(n) for n in names) or r"(?!x)x"
    if isinstance(rules, (str, bytes)) or not isinstance(rules, Iterable):
        raise PostmortemError("the rules must be a list of (name, pattern, suggestion)")
    compiled = []
    for rule in rules:
        if isinstance(rule, Mapping):
            fields = [rule.get("name", ""), rule.get("pattern", ""), rule.get("suggestion", "")]
        elif isinstance(rule, (list, tuple)) and len(rule) == 3:
            fields = list(rule)
        else:
            raise PostmortemError(
                f"blameless rule {rule!r:.80} must be (name, pattern, suggestion)"
            )
        if not all(isinstance(field, str) for field in fields):
            raise PostmortemError(
                f"blameless rule {rule!r:.80}: name, pattern and suggestion must be strings"
            )
        name, pattern, suggestion = fields
        if not pattern:
            raise PostmortemError(f"blameless rule {name!r} has no pattern")
        try:
            regex = re.compile(pattern.replace("{person}", f"(?:{person})"), re.IGNORECASE)
        except re.error as exc:
            raise PostmortemError(f"blameless rule {name!r}: invalid pattern: {exc}") from None
        compiled.append(Rule(str(name), regex, str(suggestion)))
    return compiled


def find_blame(text: str, rules: Sequence[Rule], allow: Iterable[str] = ()) -> list[Finding]:
    """Every blameful phrase in ``text``, first by position; allowed phrases are skipped."""
    allowed_spans = []
    lowered = text.lower()
    for phrase in allow:
        phrase = phrase.lower().strip()
        if phrase:
            allowed_spans += [
                (m.start(), m.end())
                for m in re.finditer(r"\b" + re.escape(phrase) + r"\b", lowered)
            ]
    findings: dict[tuple[int, int], Finding] = {}
    for rule in rules:
        for match in rule.pattern.finditer(text):
            if any(start <= match.start() < end for start, end in allowed_spans):
                continue
            span = (match.start(), match.end())
            if not any(s <= span[0] < e or span[0] <= s < span[1] for s, e in findings):
                findings[span] = Finding(rule.name, match.group(0), rule.suggestion, match.start())
    return sorted(findings.values(), key=lambda f: f.offset)
