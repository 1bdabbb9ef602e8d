"""The blameless rules are prepared once per build and matched only where they can match.

* a page read again is checked only where its text changed; what was found
  before is reported again, at the lines where it is now;

* the rules configured in ``conf.py`` are compiled once for the build, and a
  change to them between builds takes effect on the next (incremental) build;
* a parallel build (``-j 2``) reports what a serial build reports;
* the shortcuts of the matcher (the scan for trigger words grouped by first letter,
  the words a rule requires in a window) find exactly what matching without them finds.
"""

from __future__ import annotations

import dataclasses
import re

from support.builds import build
from support.projects import copy_root, write_source
from support.warnings import parse_warnings
from test_blameless import PEOPLE, load_eval_set

from sphinx_postmortem.checks import blame_language
from sphinx_postmortem.checks.blame_language import compile_rules, find_blame
from sphinx_postmortem.checks.blame_vocabulary import (
    DEFAULT_ALLOW,
    DEFAULT_RULES,
    REQUIRED,
    TRIGGERS,
)

#: Sentences that hold a trigger word of a rule with required words, with and without them.
NEAR_MISSES = [
    "Because the engineer was tired, the deploy broke the cache.",
    "The on-call engineer restarted the pool, which caused a second outage.",
    "The on-call engineer's late change took down the gateway.",
    "The rollout was rushed out by the release manager.",
    "The outage was caused by Tom.",
    "Dana's own doing, the runbook says, but it was a missing alert.",
    "The root cause was Priya forgetting the flag.",
    "The root cause was the scheduler, which was rebuilt by the platform team.",
    "An engineer went down to the data centre because the console was down.",
    "The engineer shipped a patch that led to a spike by noon.",
    "Luis ignored the page because the pager was misconfigured by default.",
]


def blameless_findings(app) -> list[tuple[str, str]]:
    """(file, message) of each blameless warning of a build, in order."""
    return [
        (w.file.rsplit("/", 1)[-1], w.message)
        for w in parse_warnings(app)
        if w.type == "postmortem.blameless"
    ]


def test_changed_rules_take_effect_in_an_incremental_build(tmp_path):
    srcdir = copy_root("blameless-rules", tmp_path / "src")
    first = blameless_findings(build(srcdir, freshenv=False).app)
    assert any("heroic" in message.lower() for _file, message in first)
    assert not any("careless" in message for _file, message in first)

    conf = srcdir / "conf.py"
    rules = conf.read_text(encoding="utf-8").replace(
        '("heroics", r"\\bheroic(?:s|ally)?\\b"', '("warming", r"\\bwarming\\b"'
    )
    assert "warming" in rules
    write_source(conf, rules)
    second = blameless_findings(build(srcdir, freshenv=False).app)
    assert any("'warming'" in message for _file, message in second)
    assert not any("heroic" in message.lower() for _file, message in second)

    write_source(conf, rules.replace("postmortem_blameless_rules =", "unused_rules ="))
    third = blameless_findings(build(srcdir, freshenv=False).app)
    assert any("'careless'" in message for _file, message in third)
    assert not any("'warming'" in message for _file, message in third)


def incident_pages(folder, count: int) -> None:
    """A project of ``count`` incident pages, each with one sentence a custom rule flags."""
    (folder / "conf.py").write_text(
        'extensions = ["sphinx_postmortem"]\npostmortem_today = "2024-06-01"\n'
        'postmortem_blameless_rules = [("hero", r"\\bheroics?\\b", "credit the process")]\n',
        encoding="utf-8",
    )
    names = [f"inc{number}" for number in range(count)]
    (folder / "index.rst").write_text(
        "Home\n====\n\n.. toctree::\n\n" + "".join(f"   {name}\n" for name in names),
        encoding="utf-8",
    )
    for number, name in enumerate(names):
        (folder / f"{name}.rst").write_text(
            f"Incident {number}\n===========\n\n"
            f".. incident:: Incident {number}\n   :id: INC-2024-{number + 1:03d}\n"
            f"   :date: 2024-05-0{number % 9 + 1}\n   :authors: Kai Berg\n\n"
            f"   Heroics by the on-call kept page {number} up.\n",
            encoding="utf-8",
        )


def test_parallel_build_reports_what_a_serial_build_reports(tmp_path):
    for name in ("serial", "parallel"):
        (tmp_path / name).mkdir()
        incident_pages(tmp_path / name, 8)
    serial = sorted(blameless_findings(build(tmp_path / "serial").app))
    parallel = sorted(blameless_findings(build(tmp_path / "parallel", parallel=2).app))
    assert len(serial) == 8
    assert parallel == serial


def counted_matching(monkeypatch) -> list[str]:
    """The texts matched against the rules from now on (not taken from the memo)."""
    from sphinx_postmortem.checks import blameless

    matched: list[str] = []

    def counting(text, rules, allow=()):
        matched.append(text)
        return find_blame(text, rules, allow)

    monkeypatch.setattr(blameless, "find_blame", counting)
    return matched


def test_a_page_read_again_is_matched_only_where_its_text_changed(tmp_path, monkeypatch):
    incident_pages(tmp_path, 2)
    first = blameless_findings(build(tmp_path, freshenv=False).app)
    assert len(first) == 2
    page = tmp_path / "inc0.rst"
    write_source(
        page,
        page.read_text(encoding="utf-8").replace(
            ".. incident::", "A new paragraph about the cache.\n\n.. incident::"
        ),
    )
    matched = counted_matching(monkeypatch)
    again = build(tmp_path, freshenv=False).app
    assert matched == ["A new paragraph about the cache."]
    # the finding remembered is reported again, two lines further down, as a fresh
    # build reports it (the page left alone is not read, so not reported, again)
    lines = [(w.file, w.line) for w in parse_warnings(again) if w.type == "postmortem.blameless"]
    fresh = [
        (w.file, w.line)
        for w in parse_warnings(build(tmp_path).app)
        if w.type == "postmortem.blameless" and w.file == "inc0.rst"
    ]
    assert lines == fresh == [("inc0.rst", 11)]


def test_what_was_found_is_forgotten_when_the_rules_or_people_change(tmp_path, monkeypatch):
    incident_pages(tmp_path, 1)
    build(tmp_path, freshenv=False)
    conf = tmp_path / "conf.py"
    write_source(conf, conf.read_text(encoding="utf-8") + 'postmortem_people = ["Ada Park"]\n')
    matched = counted_matching(monkeypatch)
    found = blameless_findings(build(tmp_path, freshenv=False).app)
    assert "Heroics by the on-call kept page 0 up." in matched and len(found) == 1


def test_a_parallel_build_remembers_every_page_it_read(tmp_path, monkeypatch):
    incident_pages(tmp_path, 8)
    first = build(tmp_path, parallel=2).app
    assert sorted(first.env.postmortem_blame_memo) == [f"inc{n}" for n in range(8)]
    page = tmp_path / "inc3.rst"
    write_source(page, page.read_text(encoding="utf-8") + "\nAnother line.\n")
    matched = counted_matching(monkeypatch)
    found = blameless_findings(build(tmp_path, freshenv=False).app)
    assert matched == ["Another line."]
    assert [file for file, _message in found] == ["inc3.rst"]


def test_what_was_found_on_a_removed_page_is_forgotten(tmp_path):
    incident_pages(tmp_path, 2)
    assert sorted(build(tmp_path, freshenv=False).app.env.postmortem_blame_memo) == [
        "inc0",
        "inc1",
    ]
    (tmp_path / "inc1.rst").unlink()
    index = tmp_path / "index.rst"
    write_source(index, index.read_text(encoding="utf-8").replace("   inc1\n", ""))
    assert list(build(tmp_path, freshenv=False).app.env.postmortem_blame_memo) == ["inc0"]


def eval_paragraphs() -> list[str]:
    sentences = [sentence for _label, sentence in load_eval_set()]
    return [
        *sentences,
        *NEAR_MISSES,
        " ".join(NEAR_MISSES),
        " ".join(sentences[:40]),
        " ".join(sentences[40:120]),
        " ".join(sentences[120:]),
    ]


def test_required_words_only_speed_up_matching():
    """Skipping windows without a rule's required words finds exactly what matching every
    window finds."""
    rules = compile_rules(DEFAULT_RULES, PEOPLE)
    assert sum(rule.required is not None for rule in rules) == len(REQUIRED) >= 4
    unfiltered = [dataclasses.replace(rule, required=None) for rule in rules]
    found_any = False
    for text in eval_paragraphs():
        filtered = find_blame(text, rules, DEFAULT_ALLOW)
        assert filtered == find_blame(text, unfiltered, DEFAULT_ALLOW), text
        found_any = found_any or bool(filtered)
    assert found_any


def test_required_words_are_in_every_match_of_their_rule():
    """Each match of a rule with required words, run over the whole text, holds one."""
    rules = compile_rules(DEFAULT_RULES, PEOPLE)
    checked = 0
    for text in eval_paragraphs():
        plain = blame_language.normalise(text)
        for rule in rules:
            if rule.required is None:
                continue
            matchable = blame_language._matchable(plain, rule.people)
            for match in rule.pattern.finditer(matchable):
                assert rule.required.search(matchable, *match.span()), (rule.name, text)
                checked += 1
    assert checked > 10


def test_grouped_trigger_scan_starts_where_each_trigger_word_starts():
    triggers = tuple(re.compile(trigger, re.IGNORECASE) for trigger in TRIGGERS.values())
    grouped, _any_case = blame_language._any_trigger(triggers)
    assert grouped.pattern.startswith(grouped.pattern[0] + "(?:")
    flat = re.compile("|".join(t.pattern.replace(r"\b", "") for t in triggers))
    for text in eval_paragraphs():
        lowered = blame_language.normalise(text).lower()
        assert blame_language._trigger_starts(triggers, lowered) == [
            at for at in range(len(lowered)) if flat.match(lowered, at)
        ], text


def test_alternatives_are_split_only_at_the_top_level():
    split = blame_language._top_level_alternatives
    assert split(r"a|b(?:c|d)|[|x]|e\|f") == ["a", "b(?:c|d)", "[|x]", r"e\|f"]
    assert blame_language._by_first_letter(["by", "broke", "caus"]) == "b(?:y|roke)|c(?:aus)"
    assert blame_language._by_first_letter(["b?y", "c"]) is None
    assert blame_language._by_first_letter([r"\bx", "c"]) is None
