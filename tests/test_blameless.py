"""The blameless-language check (issue 5).

* the labelled evaluation set ``tests/blameless_eval.tsv`` measured against the
  default rules (precision >= 0.9, recall >= 0.85);
* unit tests of the rule engine (``sphinx_postmortem.blameless``);
* builds of test roots: ``test-blameless`` (every kind of prose, the places
  that are not prose, pages without an incident, conf.py allow list and
  people), ``test-blameless-rules`` (rules replaced in conf.py) and
  ``test-blameless-badrule`` (an invalid pattern in conf.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_core_support import ROOTS, build_app, parse_warnings

from sphinx_postmortem.blameless import DEFAULT_ALLOW, DEFAULT_RULES, compile_rules, find_blame
from sphinx_postmortem.errors import PostmortemError

EVAL_SET = Path(__file__).parent / "blameless_eval.tsv"
PEOPLE = ["Dana Kim", "Dana", "Luis Ortega", "Luis", "Priya"]
PRECISION_TARGET = 0.9
RECALL_TARGET = 0.85

SUGGESTIONS = {name: suggestion for name, _pattern, suggestion in DEFAULT_RULES}


def load_eval_set() -> list[tuple[str, str]]:
    rows = []
    for number, line in enumerate(EVAL_SET.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        label, sentence = line.split("\t")
        assert label in ("blame", "ok"), f"{EVAL_SET.name}:{number}: bad label {label!r}"
        rows.append((label, sentence))
    return rows


def default_rules(people=PEOPLE):
    return compile_rules(DEFAULT_RULES, people)


# -- the evaluation set ---------------------------------------------------------------


def test_eval_set_is_large_and_balanced():
    rows = load_eval_set()
    sentences = [s for _l, s in rows]
    assert len(rows) >= 150
    assert len(set(sentences)) == len(sentences), "duplicate sentences in the evaluation set"
    blameful = sum(label == "blame" for label, _s in rows)
    assert 0.35 <= blameful / len(rows) <= 0.55


def test_precision_and_recall_on_the_eval_set():
    rules = default_rules()
    tp = fp = fn = tn = 0
    false_positives, false_negatives = [], []
    for label, sentence in load_eval_set():
        findings = find_blame(sentence, rules, DEFAULT_ALLOW)
        if findings and label == "blame":
            tp += 1
        elif findings:
            fp += 1
            false_positives.append(f"{sentence}  <- {[f.phrase for f in findings]}")
        elif label == "blame":
            fn += 1
            false_negatives.append(sentence)
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    report = (
        f"blameless eval: {tp + fp + fn + tn} sentences, tp={tp} fp={fp} fn={fn} tn={tn}, "
        f"precision={precision:.3f} (target {PRECISION_TARGET}), "
        f"recall={recall:.3f} (target {RECALL_TARGET})\n"
        "false positives:\n  " + "\n  ".join(false_positives or ["-"]) + "\n"
        "false negatives:\n  " + "\n  ".join(false_negatives or ["-"])
    )
    print(report)
    assert precision >= PRECISION_TARGET and recall >= RECALL_TARGET, report


# -- the rule engine ------------------------------------------------------------------


def phrases(text, rules=None, allow=DEFAULT_ALLOW):
    return [f.phrase for f in find_blame(text, rules or default_rules(), allow)]


@pytest.mark.parametrize(
    "text",
    [
        "This was human error.",
        "This was HUMAN ERROR.",
        "This was Human Error.",
    ],
)
def test_matching_is_case_insensitive(text):
    found = phrases(text)
    assert [p.lower() for p in found] == ["human error"]
    # the phrase is reported as written
    assert found[0] in text


@pytest.mark.parametrize(
    "text",
    [
        "We run blameless post-mortems.",
        "Blameless reviews work.",
        "Dana started the fail-over at 14:12.",
        "The failover took four minutes.",
        "The fault-tolerant queue kept every message.",
        "The log format is human-readable.",
        "Latency stayed within the error budget.",
    ],
)
def test_word_boundaries_no_hit_without_allow_list(text):
    # no allow list at all: these must not match on their own (word boundaries)
    assert phrases(text, allow=()) == []


def test_word_boundaries_whole_words_still_hit():
    assert phrases("We blamed the network.", allow=()) == ["blamed"]
    assert phrases("It was careless.", allow=()) == ["careless"]
    # a rule word inside a longer word is not a hit
    assert phrases("The shoulder-haveli tour", allow=()) == []


def test_allow_list_skips_phrases():
    rules = default_rules()
    assert phrases("The human error rate dashboard was down.", rules) == ["human error"]
    assert (
        phrases("The human error rate dashboard was down.", rules, allow=["human error rate"]) == []
    )
    # case-insensitive, and only the allowed phrase is skipped
    assert phrases(
        "The Human Error Rate panel; also this was operator error.",
        rules,
        allow=["human error rate"],
    ) == ["operator error"]


def test_default_allow_list_covers_blameless_and_lazy_loading():
    assert "blameless" in [a.lower() for a in DEFAULT_ALLOW]
    assert phrases("We rely on lazy loading of the config.") == []
    assert phrases("The team was lazy.") == ["lazy"]


def test_finding_carries_phrase_suggestion_and_offset():
    text = "At 14:02 Luis forgot to drain the node."
    findings = find_blame(text, default_rules(), DEFAULT_ALLOW)
    assert len(findings) == 1
    finding = findings[0]
    assert "forgot" in finding.phrase
    assert text[finding.offset : finding.offset + len(finding.phrase)] == finding.phrase
    assert finding.suggestion
    assert finding.suggestion in {s for _n, _p, s in DEFAULT_RULES}


def test_findings_in_order_of_position():
    text = "Luis was careless and it was human error; Dana should have checked."
    found = find_blame(text, default_rules(), DEFAULT_ALLOW)
    assert [f.offset for f in found] == sorted(f.offset for f in found)
    assert len(found) == 3


def test_custom_rules_replace_the_defaults():
    rules = compile_rules([("heroics", r"\bheroics\b", "credit the process")], [])
    assert phrases("This was human error by a careless engineer.", rules) == []
    found = find_blame("Heroics saved us.", rules, ())
    assert [(f.rule, f.phrase, f.suggestion) for f in found] == [
        ("heroics", "Heroics", "credit the process")
    ]


def test_custom_rules_as_mappings_and_person_placeholder():
    rules = compile_rules(
        [{"name": "saved", "pattern": r"\b{person} saved the day\b", "suggestion": "s"}],
        ["Sam Lee"],
    )
    assert phrases("Sam Lee saved the day.", rules, ()) == ["Sam Lee saved the day"]
    assert phrases("Jo saved the day.", rules, ()) == []


def test_person_as_subject_needs_a_known_person():
    sentence = "Sam caused the outage by restarting the primary."
    assert phrases(sentence, compile_rules(DEFAULT_RULES, [])) == []
    assert phrases(sentence, compile_rules(DEFAULT_RULES, ["Sam"])) != []


@pytest.mark.parametrize(
    "rule",
    [
        ("bad", r"(unclosed", "s"),
        ("bad", r"[z-a]", "s"),
        {"name": "bad", "pattern": r"*oops", "suggestion": "s"},
    ],
)
def test_invalid_regex_raises_postmortem_error(rule):
    with pytest.raises(PostmortemError):
        compile_rules([rule], [])


# -- Sphinx builds --------------------------------------------------------------------


def line_of(root: str, file: str, text: str) -> int:
    """The 1-based line of ``file`` in ``tests/roots/test-<root>`` holding ``text`` (once)."""
    lines = (ROOTS / f"test-{root}" / file).read_text(encoding="utf-8").splitlines()
    found = [n for n, line in enumerate(lines, 1) if text in line]
    assert len(found) == 1, (file, text, found)
    return found[0]


def blameless_warnings(app):
    return [w for w in parse_warnings(app) if w.type == "postmortem.blameless"]


def warnings_text(app) -> str:
    return "\n".join(map(repr, parse_warnings(app)))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_app(tmp_path_factory, "blameless")


# (what, line marker in report.rst, phrase in the message, default rule)
REPORT_FINDINGS = [
    ("incident summary", "Root cause: human error.", "human error", "human error"),
    ("third line of a paragraph", "careless default in", "careless", "careless"),
    ("an author as subject", "Ari Stone ignored", "Ari Stone", "person as subject"),
    ("a person from postmortem_people", "Mo Chen neglected", "Mo Chen", "person as subject"),
    ("a list item", "The reviewer should have caught", "should have", "counterfactual"),
    ("a timeline entry", "[ack] The on-call forgot to", "forgot to", "forgot"),
    ("a timeline continuation line", "the deploy was reckless", "reckless", "reckless"),
    ("a lesson body", "a sloppy default easy to ship", "sloppy", "sloppy"),
    ("an action-item body", "nobody is called incompetent", "incompetent", "incompetent"),
]


@pytest.mark.parametrize(
    "what,marker,phrase,rule", REPORT_FINDINGS, ids=[f[0] for f in REPORT_FINDINGS]
)
def test_blameful_phrase_warned_at_its_line(built, what, marker, phrase, rule):
    line = line_of("blameless", "report.rst", marker)
    hits = [w for w in blameless_warnings(built) if w.file == "report.rst" and w.line == line]
    assert len(hits) == 1, (
        f"{what}: expected one postmortem.blameless warning at report.rst:{line}\n"
        + warnings_text(built)
    )
    message = hits[0].message
    assert phrase in message, message
    assert SUGGESTIONS[rule] in message, message


def test_exactly_the_expected_findings(built):
    """Nothing else is reported: not the allowed phrase, not code, literals or quotes."""
    expected = sorted(
        ("report.rst", line_of("blameless", "report.rst", marker))
        for _w, marker, _p, _r in REPORT_FINDINGS
    )
    got = sorted((w.file, w.line) for w in blameless_warnings(built))
    assert got == expected, warnings_text(built)


@pytest.mark.parametrize(
    "marker",
    [
        "ERROR operator error: consumer stalled",  # literal block (::)
        "``human error detected in config``",  # inline literal
        '"It was stupid of us"',  # block quote
        "WARN lazy consumer; blame the retry policy",  # code-block
        "The human error rate dashboard",  # postmortem_blameless_allow in conf.py
        "the fail-over worked and the",  # word boundaries
    ],
)
def test_not_prose_or_allowed_not_warned(built, marker):
    line = line_of("blameless", "report.rst", marker)
    assert not [w for w in blameless_warnings(built) if w.line == line], warnings_text(built)


def test_pages_without_incident_are_not_checked(built):
    assert not [w for w in blameless_warnings(built) if w.file in ("index.rst", "notes.rst")], (
        warnings_text(built)
    )


def test_authors_are_per_page(built):
    # Ari Stone is an author of report.rst only; on other.rst the name is not a known person
    assert not [w for w in blameless_warnings(built) if w.file == "other.rst"], warnings_text(built)


def test_check_can_be_disabled(tmp_path_factory):
    app = build_app(
        tmp_path_factory, "blameless", confoverrides={"postmortem_blameless_check": False}
    )
    assert blameless_warnings(app) == [], warnings_text(app)
    # the rest of the build is unaffected
    assert (Path(app.outdir) / "report.html").is_file()


def test_conf_allow_and_people_are_what_suppress_and_enable(tmp_path_factory):
    """Without the conf.py settings, the allowed phrase is reported and Mo Chen is not."""
    app = build_app(
        tmp_path_factory,
        "blameless",
        confoverrides={"postmortem_blameless_allow": [], "postmortem_people": []},
    )
    lines = {w.line for w in blameless_warnings(app) if w.file == "report.rst"}
    assert line_of("blameless", "report.rst", "The human error rate dashboard") in lines
    assert line_of("blameless", "report.rst", "Mo Chen neglected") not in lines
    # the author on the page is still a person
    assert line_of("blameless", "report.rst", "Ari Stone ignored") in lines


def test_conf_rules_replace_defaults(tmp_path_factory):
    app = build_app(tmp_path_factory, "blameless-rules")
    got = sorted((w.file, w.line, w.message) for w in blameless_warnings(app))
    heroics = line_of("blameless-rules", "report.rst", "Heroics by the on-call")
    sam = line_of("blameless-rules", "report.rst", "Sam Lee saved the day")
    kai = line_of("blameless-rules", "report.rst", "Kai Berg saved the day")
    assert [(f, n) for f, n, _m in got] == [
        ("report.rst", heroics),
        ("report.rst", sam),
        ("report.rst", kai),
    ], warnings_text(app)
    messages = [m for _f, _n, m in got]
    assert (
        "Heroics" in messages[0] and "credit the process that made recovery possible" in messages[0]
    )
    assert (
        "Sam Lee saved the day" in messages[1]
        and "describe what helped the recovery" in messages[1]
    )
    assert "Kai Berg saved the day" in messages[2]


def test_conf_invalid_rule_is_a_config_warning_not_a_crash(tmp_path_factory):
    app = build_app(tmp_path_factory, "blameless-badrule")
    warnings = parse_warnings(app)
    config = [w for w in warnings if w.type == "postmortem.config"]
    assert len(config) == 1, warnings_text(app)
    assert config[0].file == "index.rst" and config[0].line == 4
    assert "drop the ball" in config[0].message
    assert blameless_warnings(app) == []
    assert (Path(app.outdir) / "index.html").is_file()
