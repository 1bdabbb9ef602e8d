"""Settings that cannot crash the build: every ``postmortem_*`` value of a wrong type.

A wrong-typed setting gives one ``postmortem.config`` warning at its line in
``conf.py`` (``postmortem.import`` for ``postmortem_projects``), its default
is used, and the build goes on. The property test calls the check on a
:class:`~sphinx.config.Config` directly; one real build of
``tests/roots/test-settings`` (many wrong settings at once) covers the whole
path, Sphinx's own type check included.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sphinx.config import Config
from support.builds import build
from support.projects import copy_root
from support.warnings import parse_warnings

from sphinx_postmortem.config import (
    CONFIG_VALUES,
    STRUCTURED_LISTS,
    check_config,
    parse_source_date_epoch,
)

#: A value of every type a conf.py might hold.
SAMPLES: dict[str, st.SearchStrategy[Any]] = {
    "None": st.none(),
    "bool": st.booleans(),
    "int": st.integers(),
    "float": st.floats(allow_nan=True, allow_infinity=True),
    "str": st.text(max_size=20),
    "bytes": st.binary(max_size=10),
    "list of numbers": st.lists(st.integers(), min_size=1, max_size=3),
    "tuple of None": st.tuples(st.none()),
    "dict": st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    "set": st.sets(st.text(max_size=5), max_size=2),
    "date": st.dates(),
}


def accepts(types: tuple[type, ...], name: str, value: Any) -> bool:
    """Whether the settings table declares the type of ``value`` usable for ``name``."""
    if isinstance(value, bool):
        return bool in types
    if isinstance(value, (list, tuple)) and name not in STRUCTURED_LISTS:
        return isinstance(value, types) and all(isinstance(item, str) for item in value)
    return isinstance(value, types)


class Captured(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # a copy: Sphinx's own handlers, further up, later prefix the message with its location
        self.records.append(logging.makeLogRecord(record.__dict__))

    def warnings(self) -> list[logging.LogRecord]:
        return [r for r in self.records if r.levelno >= logging.WARNING]


@contextmanager
def captured_warnings() -> Iterator[Captured]:
    logger = logging.getLogger("sphinx.sphinx_postmortem")
    handler = Captured()
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def checked_config(confdir: Path, name: str, value: Any) -> tuple[Config, Captured]:
    config = Config({name: value}, {})
    for setting, (default, rebuild, types) in CONFIG_VALUES.items():
        config.add(setting, default, rebuild, types)
    config.init_values()
    with captured_warnings() as handler:
        check_config(SimpleNamespace(confdir=str(confdir)), config)  # type: ignore[arg-type]
    return config, handler


@pytest.fixture(scope="module")
def confdir(tmp_path_factory) -> Path:
    """A conf.py assigning every setting on its own line: line ``n + 2`` for setting ``n``."""
    path = tmp_path_factory.mktemp("conf")
    lines = ['extensions = ["sphinx_postmortem"]', "# a wrong value on each line below"]
    lines += [f"{name} = ..." for name in CONFIG_VALUES]
    (path / "conf.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@settings(max_examples=400, deadline=None, database=None)
@given(name=st.sampled_from(sorted(CONFIG_VALUES)), data=st.data())
def test_every_setting_of_a_wrong_type_warns_at_its_line_and_uses_the_default(confdir, name, data):
    default, _rebuild, types = CONFIG_VALUES[name]
    kind = data.draw(st.sampled_from(sorted(SAMPLES)))
    value = data.draw(SAMPLES[kind].filter(lambda v: not accepts(types, name, v)))
    config, handler = checked_config(confdir, name, value)
    assert getattr(config, name) == default
    warnings = handler.warnings()
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    record = warnings[0]
    line = list(CONFIG_VALUES).index(name) + 3
    assert record.location == f"{confdir / 'conf.py'}:{line}"  # type: ignore[attr-defined]
    expected = "import" if name == "postmortem_projects" else "config"
    assert (record.type, record.subtype) == ("postmortem", expected)  # type: ignore[attr-defined]
    assert record.getMessage().startswith(f"{name} must be ")
    assert "using the default" in record.getMessage()


def test_the_defaults_pass_the_check_silently(confdir):
    for name, (default, _rebuild, _types) in CONFIG_VALUES.items():
        config, handler = checked_config(confdir, name, default)
        assert handler.warnings() == [], name
        assert getattr(config, name) == default


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("postmortem_timeout", 0, "must be a positive number of seconds"),
        ("postmortem_timeout", float("inf"), "must be a positive number of seconds"),
        ("postmortem_cache_limit", float("nan"), "must be a finite number of days"),
        ("postmortem_import_max_bytes", 0, "must be a positive number of bytes"),
        ("postmortem_related_limit", -1, "must be 0 or a positive integer"),
    ],
)
def test_numbers_out_of_range_use_the_default(confdir, name, value, message):
    config, handler = checked_config(confdir, name, value)
    assert getattr(config, name) == CONFIG_VALUES[name][0]
    assert [r.getMessage().split(";")[0] for r in handler.warnings()] == [
        f"{name} {message}, not {value!r}"
    ]


def test_numbers_in_range_are_kept(confdir):
    for name, value in [
        ("postmortem_timeout", 2.5),
        ("postmortem_cache_limit", -1),
        ("postmortem_related_limit", 0),
        ("postmortem_import_max_bytes", 10),
    ]:
        config, handler = checked_config(confdir, name, value)
        assert getattr(config, name) == value and handler.warnings() == [], name


# -- a real build with many wrong settings at once ---------------------------------------------

WRONG_IN_ROOT = {  # setting -> line in tests/roots/test-settings/conf.py
    "postmortem_timezone": 5,
    "postmortem_tracker_url": 6,
    "postmortem_import_max_bytes": 7,
    "postmortem_related_limit": 8,
    "postmortem_blameless_allow": 9,
    "postmortem_checked_statuses": 10,
    "postmortem_feed_statuses": 11,
    "postmortem_export": 12,
    "postmortem_projects": 13,
    "postmortem_severities": 14,
    "postmortem_timeout": 15,
}


@pytest.fixture(scope="module")
def wrong(tmp_path_factory):
    srcdir = copy_root("settings", tmp_path_factory.mktemp("settings") / "src")
    return build(srcdir, parallel=0)


def test_wrong_settings_give_one_located_warning_each_and_the_build_goes_on(wrong):
    warnings = parse_warnings(wrong.app)
    located = {(w.file, w.line) for w in warnings}
    assert located == {("conf.py", line) for line in WRONG_IN_ROOT.values()}, warnings
    assert len(warnings) == len(WRONG_IN_ROOT)  # Sphinx adds no type warning of its own
    for w in warnings:
        assert w.type in ("postmortem.config", "postmortem.import"), w
        assert "using the default" in w.message
    assert "Traceback" not in wrong.status
    assert (wrong.outdir / "index.html").is_file()


def test_wrong_settings_fall_back_to_working_defaults(wrong):
    config = wrong.app.config
    assert config.postmortem_timezone == "UTC"
    assert config.postmortem_tracker_url is None
    assert config.postmortem_export is True
    domain = wrong.domain
    assert domain.timeline("index")[0]["when"] == "2024-03-05T14:02:00+00:00"
    assert domain.actions("index")[0]["tracker_url"] is None
    data = json.loads((wrong.outdir / "postmortems.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in data["incidents"]] == ["SET-1"]
    root = ET.fromstring((wrong.outdir / "postmortems.atom").read_bytes())
    assert len(root.findall("{http://www.w3.org/2005/Atom}entry")) == 1


# -- SOURCE_DATE_EPOCH ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1717243200", dt.datetime(2024, 6, 1, 12, tzinfo=dt.timezone.utc)),
        (" 0 ", dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)),
        ("1717243200000", None),  # milliseconds: the year 56386
        ("253402300800", None),  # the year 10000
        ("-5", None),
        ("1.5", None),
        ("١٢٣", None),  # not ASCII digits
        ("", None),
        (None, None),
    ],
)
def test_source_date_epoch_parsing(value, expected):
    assert parse_source_date_epoch(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"Customers": ("C", "c", "count")}, "'Customers' is not a usable option name"),
        ({"loss": ("Loss", "USD")}, "'loss' must map to (label, unit, kind)"),
        ({"loss": ("Loss", "USD", "euros")}, "'loss' has kind 'euros'; use one of count"),
        ({"loss": (" ", "USD", "money")}, "'loss' has an empty label"),
    ],
)
def test_unusable_impact_metrics_are_left_out_with_a_located_warning(confdir, value, message):
    good = {"customers": ("Customers affected", "customers", "count")}
    config, handler = checked_config(confdir, "postmortem_impact_metrics", {**good, **value})
    assert config.postmortem_impact_metrics == good
    [record] = handler.warnings()
    assert message in record.getMessage()
    line = list(CONFIG_VALUES).index("postmortem_impact_metrics") + 3
    assert record.location == f"{confdir / 'conf.py'}:{line}"  # type: ignore[attr-defined]


def test_roles_that_clash_with_incident_options_are_left_out(confdir):
    roles = ["commander", "date", "Ops Lead", "liaison", "commander"]
    config, handler = checked_config(confdir, "postmortem_roles", roles)
    assert config.postmortem_roles == ["commander", "liaison"]
    assert [r.getMessage() for r in handler.warnings()] == [
        "postmortem_roles: 'date' is already an option of the incident directive; left out",
        "postmortem_roles: 'Ops Lead' is not a usable option name (lower case letters, digits "
        "and dashes); left out",
    ]


def test_required_fields_name_what_can_be_required(confdir):
    fields = ["impact", "factor", "detected-by", "commander", "root-cause"]
    config, handler = checked_config(confdir, "postmortem_required_fields", fields)
    assert config.postmortem_required_fields == ["impact", "factor", "detected-by", "commander"]
    [record] = handler.warnings()
    assert record.getMessage().startswith(
        "postmortem_required_fields: unknown field 'root-cause'; allowed: impact, factor"
    )
