"""The typed ``Settings`` object: built once per run from the cleaned ``postmortem_*`` values."""

from __future__ import annotations

import dataclasses
import json
import pickle
import shutil
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from sphinx.testing.util import SphinxTestApp

from sphinx_postmortem.checks import blame_language as blameless
from sphinx_postmortem.config import CONFIG_VALUES
from sphinx_postmortem.settings import EXPORT_BUILDERS, Settings, settings

ROOTS = Path(__file__).resolve().parent / "roots"


def copy_root(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A writable copy of ``tests/roots/test-<name>``."""
    target = tmp_path_factory.mktemp(name) / "src"
    shutil.copytree(ROOTS / f"test-{name}", target)
    return target


def module_app(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[SphinxTestApp]:
    """An HTML application on a copy of ``test-<name>``, shared by a module's tests."""
    app = SphinxTestApp(
        "html", srcdir=copy_root(tmp_path_factory, name), status=StringIO(), warning=StringIO()
    )
    try:
        yield app
    finally:
        app.cleanup()


@pytest.fixture(scope="module")
def wrong_values_app(tmp_path_factory):
    """An application on ``test-settings``, whose conf.py holds a wrong value for many settings."""
    yield from module_app(tmp_path_factory, "settings")


@pytest.fixture(scope="module")
def custom_app(tmp_path_factory):
    """An application on ``test-core-config``: its own severities, statuses, types..."""
    yield from module_app(tmp_path_factory, "core-config")


def test_every_setting_has_a_field_of_the_same_name_without_prefix():
    fields = {field.name for field in dataclasses.fields(Settings)}
    assert {name.removeprefix("postmortem_") for name in CONFIG_VALUES} <= fields


def test_settings_hold_the_cleaned_values_not_the_wrong_ones(wrong_values_app):
    configured = settings(wrong_values_app)
    assert configured.severities == ("SEV1", "SEV2", "SEV3", "SEV4")
    assert configured.timezone == "UTC"
    assert configured.tracker_url is None
    assert configured.import_max_bytes == 16 * 1024 * 1024
    assert configured.timeout == 10
    assert configured.related_limit == 5
    assert configured.export is True
    assert configured.projects == {}
    assert configured.imported_projects == ()
    assert configured.checked_statuses == ("in-review", "published")
    assert configured.completeness_check is False  # a valid value is kept


def test_sphinx_keeps_its_own_cleaned_config_values(wrong_values_app):
    config = wrong_values_app.config
    assert config.postmortem_severities == ["SEV1", "SEV2", "SEV3", "SEV4"]
    assert config.postmortem_timeout == 10
    assert config.postmortem_completeness_check is False


def test_settings_cannot_be_changed(custom_app):
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings(custom_app).severities = ("SEV1",)  # type: ignore[misc]


def test_list_settings_become_tuples(custom_app):
    configured = settings(custom_app)
    assert configured.severities == ("Critical", "Major", "Minor")
    assert configured.statuses == ("open-review", "final")
    assert configured.types == ("outage", "project")
    assert configured.timezone == "Europe/Berlin"
    assert configured.tracker_url == "https://issues.example.org/view?id={key}"


def test_derived_values(custom_app):
    configured = settings(custom_app)
    assert configured.default_status == "open-review"  # no "draft": the first status
    assert configured.project_title == "core-config"
    assert configured.build_date == "2024-06-01"
    assert configured.export_builders == EXPORT_BUILDERS == ("html", "dirhtml")
    assert configured.feed_enabled is False  # no html_baseurl


def test_project_name_and_feed_follow_their_settings(make_app, tmp_path_factory):
    app = make_app(
        "html",
        srcdir=copy_root(tmp_path_factory, "core-config"),
        confoverrides={
            "postmortem_project_name": "payments-team",
            "html_baseurl": "https://docs.example.com/",
            "postmortem_projects": {"billing": ("https://billing.example.com/", None)},
        },
    )
    configured = settings(app)
    assert configured.project_title == "payments-team"
    assert configured.feed_enabled is True
    assert configured.imported_projects == ("billing",)


def test_application_environment_builder_and_config_share_one_object(custom_app):
    configured = settings(custom_app)
    assert settings(custom_app.env) is configured
    assert settings(custom_app.builder) is configured
    assert settings(custom_app.config) is configured
    assert settings(configured) is configured


def test_settings_are_left_out_of_the_pickled_environment(custom_app):
    """The environment pickles its config: a later run must build its own settings."""
    unpickled = pickle.loads(pickle.dumps(custom_app.config))
    assert not any(isinstance(value, Settings) for value in vars(unpickled).values())


def test_a_plain_object_gets_defaults_for_what_it_lacks():
    configured = settings(SimpleNamespace(postmortem_statuses=["new", "done"], project="unit"))
    assert configured.default_status == "new"
    assert configured.severities == ("SEV1", "SEV2", "SEV3", "SEV4")
    assert configured.project_title == "unit"
    assert configured.imported_projects == ()


def test_a_changed_conf_py_is_read_in_the_next_incremental_build(make_app, tmp_path_factory):
    srcdir = copy_root(tmp_path_factory, "core-all")
    first = make_app("html", srcdir=srcdir)
    first.build()
    exported = Path(first.outdir) / "postmortems.json"
    assert json.loads(exported.read_text(encoding="utf-8"))["project"] == "core-all"

    conf = srcdir / "conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8") + 'postmortem_project_name = "renamed"\n',
        encoding="utf-8",
    )
    second = make_app("html", srcdir=srcdir)
    assert settings(second).project_title == "renamed"
    second.build()
    assert json.loads(exported.read_text(encoding="utf-8"))["project"] == "renamed"


def test_blameless_rules_are_compiled_once_per_build(make_app, tmp_path_factory):
    blameless._compile.cache_clear()
    app = make_app("html", srcdir=copy_root(tmp_path_factory, "blameless"))
    app.build()
    info = blameless._compile.cache_info()
    assert info.misses == 1
    assert info.hits >= 1  # every page with an incident reuses the compiled rules
