"""The blameless-language matcher: compiling rules and finding blame in text.

The rules, their placeholders and trigger words are data, in
:mod:`.blame_vocabulary`; matching is pure. Text is matched after
:func:`normalise` has made typographic quotes, apostrophes, dashes and spaces
plain, so a sentence gives the same findings with Sphinx's ``smartquotes`` on
or off, typed straight or curly. Before matching, configured names and common
given names are marked letter for letter, sentence openers are lowercased and
systems uppercased, so offsets in the matched text are offsets in the text as
written. A built-in rule runs only near its trigger words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from ..errors import PostmortemError
from .blame_vocabulary import (
    GIVEN_MARK,
    GIVEN_NAMES,
    HUMAN,
    NAME,
    NOT_NAME_ENDINGS,
    NOT_NAMES,
    PERSON_MARK,
    REQUIRED,
    SYSTEMS,
    TRIGGERS,
)

#: Typographic characters and the plain ones they are matched as (one for one, so
#: offsets in the normalised text are offsets in the text as written).
_PLAIN = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc\uff07`\u00b4", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        **dict.fromkeys("\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u3000\t\n\r", " "),
        "\u2026": ".",
    }
)


def normalise(text: str) -> str:
    """``text`` with curly quotes, apostrophes, dashes and odd spaces made plain.

    Every character maps to exactly one character, so a match at ``[i:j]`` in
    the result quotes ``text[i:j]``, the author's text as written.
    """
    return text.translate(_PLAIN)


#: A capitalised word, checked against ``NOT_NAMES`` before matching.
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")

#: Pattern of a built-in rule -> its compiled trigger words.
_TRIGGER_FOR_PATTERN = {
    pattern: re.compile(trigger, re.IGNORECASE) for pattern, trigger in TRIGGERS.items()
}
#: Pattern of a built-in rule -> its compiled required words (see ``REQUIRED``).
_REQUIRED_FOR_PATTERN = {
    pattern: re.compile(words, re.IGNORECASE) for pattern, words in REQUIRED.items()
}
#: How far before and after a trigger word a built-in rule's match may reach.
_REACH_BEFORE, _REACH_AFTER = 160, 100


@dataclass(frozen=True)
class Finding:
    """One blameful phrase found in a piece of text, quoted as written."""

    rule: str
    phrase: str
    suggestion: str
    offset: int


@dataclass(frozen=True)
class Rule:
    """A compiled rule: its name, pattern and suggestion, the names it knows as people."""

    name: str
    #: The pattern with its placeholders expanded (compiled by :attr:`pattern`).
    source: str
    suggestion: str
    #: The configured names (``{person}``), marked in the text before matching.
    people: re.Pattern[str] | None = None
    #: For a built-in rule: words it cannot match without, to skip text quickly.
    trigger: re.Pattern[str] | None = None
    #: For some built-in rules: words every match holds; a window without them is skipped.
    required: re.Pattern[str] | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        """The compiled pattern, compiled once per process when first needed.

        The built-in rules' patterns are large and slow to compile; a build
        that reads few pages compiles only those whose trigger words occur.
        """
        return _regex(self.source)


@lru_cache(maxsize=512)
def _regex(source: str) -> re.Pattern[str]:
    return re.compile(source, re.IGNORECASE)


def compile_rules(
    rules: Iterable[Sequence[str] | Mapping[str, str]], people: Iterable[str]
) -> list[Rule]:
    """Compile ``(name, pattern, suggestion)`` rules for these people's names.

    ``{person}``, ``{human}`` and ``{name}`` are expanded (see
    :mod:`.blame_vocabulary`). Patterns are compiled once per process, whoever
    the people are: names are not part of the patterns but are marked in the
    text matched. Raises :class:`PostmortemError` for a rule of the wrong shape
    or an invalid pattern.
    """
    if isinstance(rules, (str, bytes)) or not isinstance(rules, Iterable):
        raise PostmortemError("the rules must be a list of (name, pattern, suggestion)")
    compiled = _compile(tuple(_rule_fields(rule) for rule in rules))
    if isinstance(compiled, PostmortemError):
        raise PostmortemError(str(compiled))
    names = tuple(sorted({" ".join(p.split()) for p in people if isinstance(p, str) and p.strip()}))
    marker = _people_pattern(names)
    return [replace(rule, people=marker) for rule in compiled]


def _rule_fields(rule: object) -> tuple[str, str, str]:
    """``(name, pattern, suggestion)`` of a rule given as a sequence or a mapping."""
    if isinstance(rule, Mapping):
        fields = [rule.get("name", ""), rule.get("pattern", ""), rule.get("suggestion", "")]
    elif isinstance(rule, (list, tuple)) and len(rule) == 3:
        fields = list(rule)
    else:
        raise PostmortemError(f"blameless rule {rule!r:.80} must be (name, pattern, suggestion)")
    if not all(isinstance(field, str) for field in fields):
        raise PostmortemError(
            f"blameless rule {rule!r:.80}: name, pattern and suggestion must be strings"
        )
    name, pattern, suggestion = fields
    if not pattern:
        raise PostmortemError(f"blameless rule {name!r} has no pattern")
    return name, pattern, suggestion


@lru_cache(maxsize=32)
def _compile(rules: tuple[tuple[str, str, str], ...]) -> tuple[Rule, ...] | PostmortemError:
    """The rules with placeholders expanded and patterns compiled, or the first error
    (returned, not raised, so that ``lru_cache`` keeps it). A built-in rule's pattern is
    compiled when first matched (:attr:`Rule.pattern`)."""
    compiled = []
    for name, pattern, suggestion in rules:
        expanded = pattern.replace("{human}", HUMAN).replace("{name}", NAME)
        expanded = expanded.replace("{person}", f"(?:{PERSON_MARK}[{PERSON_MARK} ]*)")
        trigger, required = _TRIGGER_FOR_PATTERN.get(pattern), _REQUIRED_FOR_PATTERN.get(pattern)
        if trigger is None:  # a configured rule: checked now, so a bad pattern is reported
            try:
                _regex(expanded)
            except re.error as exc:
                return PostmortemError(f"blameless rule {name!r}: invalid pattern: {exc}")
        compiled.append(Rule(name, expanded, suggestion, trigger=trigger, required=required))
    return tuple(compiled)


@lru_cache(maxsize=256)
def _people_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """A pattern for any of ``names`` as whole words, longest first; ``None`` for none."""
    if not names:
        return None
    alternatives = "|".join(re.escape(normalise(n)) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


#: Text in double quotes (straight or curly) is someone else's words: a log line, an
#: error message, a chat message quoted as it was written.
_QUOTED = re.compile(r'"[^"]{1,200}"')


@lru_cache(maxsize=64)
def _allow_pattern(allow: tuple[str, ...]) -> re.Pattern[str] | None:
    """A pattern for any allowed phrase as whole words, longest first; ``None`` for none."""
    phrases = sorted({normalise(p).strip() for p in allow if p.strip()}, key=len, reverse=True)
    if not phrases:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b", re.IGNORECASE)


def _matchable(plain: str, people: re.Pattern[str] | None) -> str:
    """Normalised ``plain`` with names of people and common given names marked,
    capitalised words that are not names lowercased (sentence openers, words in -ing)
    or uppercased (systems, days, months).

    The result has the length of ``plain``: offsets carry over.
    """
    if people is not None:
        plain = people.sub(lambda m: PERSON_MARK * len(m.group()), plain)
    return _CAPITALISED.sub(_lower_if_not_a_name, plain)


def _lower_if_not_a_name(match: re.Match[str]) -> str:
    """A capitalised word as matched: a system uppercased, a given name marked, a
    sentence opener or a word with a non-name ending lowercased, else unchanged."""
    word = match.group()
    if word in SYSTEMS:
        return word.upper()
    if word in GIVEN_NAMES:
        return GIVEN_MARK * len(word)
    return word.lower() if word in NOT_NAMES or word.endswith(NOT_NAME_ENDINGS) else word


@lru_cache(maxsize=32)
def _any_trigger(triggers: tuple[re.Pattern[str], ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Patterns that find where any of ``triggers`` may start: in lowercased text, and
    case-insensitive for text whose lowercase has another length.

    Word boundaries are left out: the lowercase pattern is then a plain alternation of
    words, grouped by their first letter (the engine tries one group per letter of the
    text instead of every word). Each trigger is checked on its own where the pattern
    found something.
    """
    words = [
        word
        for trigger in triggers
        for word in _top_level_alternatives(trigger.pattern.replace(r"\b", ""))
    ]
    scan = _by_first_letter(words) or "|".join(words)
    return re.compile(scan), re.compile(scan, re.IGNORECASE)


def _top_level_alternatives(pattern: str) -> list[str]:
    """``pattern`` split at each ``|`` outside groups, character classes and escapes."""
    parts, depth, start, in_class, at = [], 0, 0, False, 0
    while at < len(pattern):
        char = pattern[at]
        if char == "\\":
            at += 1
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:at])
            start = at + 1
        at += 1
    return [*parts, pattern[start:]]


#: Characters that are not themselves when they start a pattern.
_METACHARACTERS = frozenset("\\.^$*+?{}[]|()")


def _by_first_letter(words: list[str]) -> str | None:
    """One alternation of ``words`` with the words that share a first letter grouped
    (``b(?:y|roke)``), matching where the plain alternation matches; ``None`` unless
    every word starts with a plain character that no quantifier follows."""
    groups: dict[str, list[str]] = {}
    for word in words:
        first = word[:1]
        if not first or first in _METACHARACTERS or word[1:2] in ("?", "*", "+", "{"):
            return None
        groups.setdefault(first, []).append(word[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


def _trigger_starts(triggers: tuple[re.Pattern[str], ...], plain: str) -> list[int]:
    """Every offset of ``plain`` where one of ``triggers`` may start."""
    lowercase, any_case = _any_trigger(triggers)
    lowered = plain.lower()
    if len(lowered) != len(plain):
        lowered, lowercase = plain, any_case
    starts: list[int] = []
    hit = lowercase.search(lowered)
    while hit is not None:
        starts.append(hit.start())
        hit = lowercase.search(lowered, hit.start() + 1)
    return starts


def _windows(rules: Sequence[Rule], plain: str) -> list[list[tuple[int, int]]]:
    """Per rule, the spans of ``plain`` where it can match: near its trigger words (none
    if it has none there), or the whole text for a rule without triggers."""
    triggers = tuple(dict.fromkeys(r.trigger for r in rules if r.trigger is not None))
    starts = _trigger_starts(triggers, plain) if triggers else []
    windows: list[list[tuple[int, int]]] = []
    for rule in rules:
        if rule.trigger is None:
            windows.append([(0, len(plain))])
            continue
        spans: list[tuple[int, int]] = []
        for at in starts:
            hit = rule.trigger.match(plain, at)
            if hit is None:
                continue
            start, end = max(0, at - _REACH_BEFORE), hit.end() + _REACH_AFTER
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((start, end))
        windows.append(spans)
    return windows


def _skipped(plain: str, allow: Iterable[str]) -> list[tuple[int, int]]:
    """Spans of ``plain`` not to report: allowed phrases and double-quoted words."""
    allowed = _allow_pattern(tuple(p for p in allow if isinstance(p, str)))
    skipped = [m.span() for m in allowed.finditer(plain)] if allowed else []
    if '"' in plain:
        skipped += [m.span() for m in _QUOTED.finditer(plain)]
    return skipped


def find_blame(text: str, rules: Sequence[Rule], allow: Iterable[str] = ()) -> list[Finding]:
    """Every blameful phrase in ``text``, first by position; allowed phrases are skipped.

    Matching runs on the :func:`normalised <normalise>` text; each finding
    quotes ``text`` as written. Words in double quotes are a quotation, not
    the author's phrasing, and are skipped like allowed phrases. Built-in rules
    run only near their trigger words, found in one scan of the text, and some
    only where their required words are too.
    """
    plain = normalise(text)
    skipped: list[tuple[int, int]] | None = None
    matchable: dict[re.Pattern[str] | None, str] = {}
    findings: dict[tuple[int, int], Finding] = {}
    for rule, windows in zip(rules, _windows(rules, plain), strict=True):
        if not windows:
            continue
        if rule.people not in matchable:
            matchable[rule.people] = _matchable(plain, rule.people)
        checked = matchable[rule.people]
        for window_start, window_end in windows:
            if rule.required is not None and not rule.required.search(
                checked, window_start, window_end
            ):
                continue  # no match can lie in this window
            for match in rule.pattern.finditer(checked, window_start, window_end):
                start, end = match.span()
                if skipped is None:
                    skipped = _skipped(plain, allow)
                if any(s <= start < e for s, e in skipped) or (start, end) in findings:
                    continue
                if not any(s <= start < e or start <= s < end for s, e in findings):
                    findings[(start, end)] = Finding(
                        rule.name, text[start:end], rule.suggestion, start
                    )
    return sorted(findings.values(), key=lambda f: f.offset)
