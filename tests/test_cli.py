"""``sphinx-postmortem new``, run in a temporary project.

Both entry points are exercised as separate processes: the
``sphinx-postmortem`` script installed next to ``sys.executable`` and
``python -m sphinx_postmortem``. The other tests call the command's ``main``
in this process (the code both entry points run, a second faster), from the
project's folder. Every page the command writes is then built with Sphinx's
``sphinx-build -W -b html``, also in this process.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx.cmd.build import build_main

from sphinx_postmortem.cli import main as cli_main

SCRIPT = Path(sys.executable).parent / ("sphinx-postmortem" + (".exe" if os.name == "nt" else ""))
ENTRY_POINTS = {
    "script": [str(SCRIPT)],
    "module": [sys.executable, "-m", "sphinx_postmortem"],
}
TITLE = "Checkout API returned 503s"
SLUG = "2024-03-05-checkout-api-returned-503s"
#: The arguments of ``new`` that start an end-of-project review.
REVIEW = ("Billing migration", "--type", "project", "--date", "2024-04-26")
INCIDENT_SECTIONS = [
    "Summary",
    "Impact",
    "Timeline",
    "Root cause and contributing factors",
    "Detection",
    "Response and recovery",
    "Action items",
    "Supporting information",
]
PROJECT_SECTIONS = [
    "Goals and outcome",
    "What went well",
    "What did not go well",
    "Lessons learned",
    "Action items",
]
ALL_OPTIONS = [
    "--date",
    "--severity",
    "--type",
    "--status",
    "--id",
    "--authors",
    "--services",
    "--tags",
    "--dir",
    "--format",
    "--template",
    "--conf-dir",
    "--help",
]


# -- helpers ------------------------------------------------------------------------


def run(args, cwd, via="main"):
    """The command's result: through an entry point (``via``) or its ``main`` here."""
    if via == "main":
        return in_process(cli_main, [str(arg) for arg in args], cwd)
    return subprocess.run(
        [*ENTRY_POINTS[via], *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def in_process(function, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Call ``function(args)`` from ``cwd`` as a command would run: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = function(args)
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        os.chdir(previous)
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def new(cwd, *args, via="main", expect=0):
    result = run(["new", *args], cwd, via)
    assert result.returncode == expect, (
        f"exit {result.returncode}\nstdout: {result.stdout}\nstderr: {result.stderr}"
    )
    return result


def written(result, cwd) -> Path:
    """The path the command printed (one line on stdout); it must exist."""
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout
    path = Path(lines[0])
    if not path.is_absolute():
        path = Path(cwd) / path
    assert path.is_file(), (path, result.stdout)
    return path


def make_project(root: Path, md: bool = False, conf: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    extensions = ["sphinx_postmortem", "myst_parser"] if md else ["sphinx_postmortem"]
    (root / "conf.py").write_text(
        f"extensions = {extensions!r}\nproject = 'cli'\nexclude_patterns = ['_build']\n" + conf,
        encoding="utf-8",
    )
    if md:
        (root / "index.md").write_text(
            "# Post-mortems\n\n```{toctree}\n:glob:\n\npostmortems/*\n```\n", encoding="utf-8"
        )
    else:
        (root / "index.rst").write_text(
            "Post-mortems\n============\n\n.. toctree::\n   :glob:\n\n   postmortems/*\n",
            encoding="utf-8",
        )
    return root


def sphinx_build(project: Path) -> subprocess.CompletedProcess:
    out = project / "_build" / "html"
    result = in_process(build_main, ["-W", "-b", "html", str(project), str(out)], project)
    assert result.returncode == 0, f"sphinx-build -W failed\n{result.stdout}\n{result.stderr}"
    assert "WARNING" not in result.stderr, result.stderr
    return result


def html_of(project: Path, page: Path) -> str:
    rel = page.relative_to(project).with_suffix(".html")
    return (project / "_build" / "html" / rel).read_text(encoding="utf-8")


def conf_note(result) -> str:
    """The first line on stderr: which conf.py the command used (or that it used none)."""
    first = result.stderr.splitlines()[0]
    assert first.startswith("sphinx-postmortem: ") and "conf.py" in first, result.stderr
    assert "error" not in first, result.stderr
    return first


def one_line_error(result) -> str:
    """The one error line on stderr, after the line saying which conf.py was used."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    if lines and "error:" not in lines[0]:
        conf_note(result)
        lines = lines[1:]
    assert len(lines) == 1, f"expected a one-line error, got:\n{result.stderr}"
    assert "Traceback" not in result.stderr
    return lines[0]


def incident_option(text: str, name: str) -> str | None:
    match = re.search(rf"^\s*:{name}:[ \t]*(.*?)\s*$", text, re.M)
    return match[1] if match else None


def written_id(result: subprocess.CompletedProcess[str], cwd: Path) -> str | None:
    """The ``:id:`` of the page the command wrote."""
    return incident_option(written(result, cwd).read_text(encoding="utf-8"), "id")


def new_ids(project: Path, *runs: tuple[str, str]) -> list[str | None]:
    """The ids of the pages ``new`` writes to ``postmortems/``, one run a ``(title, date)``."""
    return [
        written_id(new(project, title, "--date", date, "--dir", "postmortems"), project)
        for title, date in runs
    ]


def headings(text: str, md: bool) -> list[str]:
    if md:
        return [m[1].strip() for m in re.finditer(r"^#{1,6}\s+(.*)$", text, re.M)]
    lines = text.splitlines()
    return [
        lines[i - 1].strip()
        for i, line in enumerate(lines)
        if i
        and re.fullmatch(r"([=\-~^\"'`#*+])\1{2,}", line.strip())
        and lines[i - 1].strip()
        and len(line.strip()) >= len(lines[i - 1].strip())
    ]


@pytest.fixture(params=["rst", "md"])
def fmt(request):
    if request.param == "md":
        pytest.importorskip("myst_parser")
    return request.param


def test_console_script_is_installed():
    assert SCRIPT.is_file(), f"no console script at {SCRIPT}"


# -- the incident page --------------------------------------------------------------


@pytest.mark.parametrize("via", ["script", "module"])
def test_new_incident_page_builds(tmp_path, fmt, via):
    project = make_project(tmp_path / "docs", md=fmt == "md")
    result = new(
        project,
        TITLE,
        "--severity",
        "SEV2",
        "--date",
        "2024-03-05",
        "--services",
        "checkout-api",
        "--dir",
        "postmortems",
        "--format",
        fmt,
        via=via,
    )
    page = written(result, project)
    assert page.resolve() == (project / "postmortems" / f"{SLUG}.{fmt}").resolve()
    text = page.read_text(encoding="utf-8")
    # the incident header, filled in
    assert ("```{incident}" if fmt == "md" else ".. incident::") in text
    assert TITLE in text
    assert incident_option(text, "id") == "INC-2024-001"
    assert incident_option(text, "date") == "2024-03-05"
    assert incident_option(text, "severity") == "SEV2"
    assert incident_option(text, "status") == "draft"
    assert incident_option(text, "services") == "checkout-api"
    # a timeline with every milestone to complete, the lesson stubs and the sections
    assert ("```{timeline}" if fmt == "md" else ".. timeline::") in text
    for milestone in ("start", "detect", "ack", "notify", "mitigate", "resolve"):
        assert f"[{milestone}]" in text, milestone
    for kind in ("went-well", "went-wrong", "lucky"):
        assert re.search(rf"^\s*:kind:\s*{kind}\s*$", text, re.M), kind
    for stub in ("What went well", "What went wrong", "Where we got lucky"):
        assert stub in text, stub
    assert ("```{action-item}" if fmt == "md" else ".. action-item::") in text
    titles = headings(text, fmt == "md")
    for section in INCIDENT_SECTIONS:
        assert section in titles, (section, titles)
    # the scaffold builds as it is, with -W, and is the incident it claims to be
    sphinx_build(project)
    page_html = html_of(project, page)
    assert "INC-2024-001" in page_html
    assert "pm-sev-sev2" in page_html and "pm-status-draft" in page_html


def test_new_with_authors_tags_and_timezone(tmp_path):
    project = make_project(tmp_path / "docs", conf="postmortem_timezone = 'Europe/Berlin'\n")
    result = new(
        project,
        "Search results were stale",
        "--date",
        "2024-03-07",
        "--authors",
        "Ana Silva, Bo Chen",
        "--tags",
        "search,indexing",
        "--services",
        "search, indexer",
        "--dir",
        "postmortems",
    )
    text = written(result, project).read_text(encoding="utf-8")
    assert incident_option(text, "authors") == "Ana Silva, Bo Chen"
    assert incident_option(text, "tags") == "search, indexing"
    assert incident_option(text, "services") == "search, indexer"
    assert incident_option(text, "timezone") == "Europe/Berlin"
    sphinx_build(project)


def directive_blocks(text: str, name: str, md: bool) -> list[str]:
    """The source of each ``name`` directive on the page: its line, options and body."""
    if md:
        return re.findall(rf"^```\{{{name}\}}.*?^```$", text, re.M | re.S)
    return re.findall(rf"^\.\. {name}::.*?(?=^\S)", text + "\nEND", re.M | re.S)


def test_new_incident_page_has_impact_and_factor_stubs(tmp_path, fmt):
    md = fmt == "md"
    project = make_project(tmp_path / "docs", md=md)
    page = written(new(project, TITLE, "--dir", "postmortems", "--format", fmt), project)
    text = page.read_text(encoding="utf-8")
    # one impact, whose text names every default metric as an option to give
    (impact,) = directive_blocks(text, "impact", md)
    for metric, label in [("customers", "Customers affected"), ("data-loss", "Data lost")]:
        assert f":{metric}:" in impact and f"({label})" in impact, impact
    # a trigger, a root cause and a contributing factor, each to be written
    factors = directive_blocks(text, "factor", md)
    kinds = [incident_option(block, "kind") for block in factors]
    assert kinds == ["trigger", "root-cause", "contributing"], factors
    assert all(re.match(r"\W+factor\W+TODO:", block) for block in factors), factors
    # the hints name the categories, detection sources and roles to use
    flat = " ".join(text.split())
    assert "change-management, configuration, capacity" in flat
    assert "alert, customer, employee, external, test, unknown" in flat
    for option in (":detected-by:", ":commander:", ":responders:", ":reviewed:"):
        assert option in flat, option
    # and a draft built as it is gives no warning
    sphinx_build(project)


def test_new_page_hints_follow_the_project_settings(tmp_path):
    conf = (
        "postmortem_impact_metrics = {'orders': ('Orders lost', 'orders', 'count')}\n"
        "postmortem_factor_categories = ['deploy-pipeline', 'vendor']\n"
        "postmortem_detection_sources = ['pager', 'customer-ticket']\n"
        "postmortem_roles = ['incident-lead']\n"
    )
    project = make_project(tmp_path / "docs", conf=conf)
    page = written(new(project, TITLE, "--dir", "postmortems"), project)
    flat = " ".join(page.read_text(encoding="utf-8").split())
    assert "``:orders:`` (Orders lost)" in flat and ":customers:" not in flat
    assert "(deploy-pipeline, vendor)" in flat and "change-management" not in flat
    assert "option: pager, customer-ticket." in flat
    assert "``:incident-lead:``" in flat and ":commander:" not in flat
    sphinx_build(project)


PLACEHOLDER_WARNING = re.compile(
    r"^(?P<file>\S+?):(?P<line>\d+): WARNING: .*\[postmortem.placeholder\]$"
)


def test_unfilled_impact_and_factor_stubs_hold_a_report_back(tmp_path, fmt):
    md = fmt == "md"
    # Sphinx 7.x ends warnings with their type only when asked to (8 does by default)
    project = make_project(tmp_path / "docs", md=md, conf="show_warning_types = True\n")
    args = ("--dir", "postmortems", "--format", fmt, "--status", "in-review")
    page = written(new(project, TITLE, *args), project)
    result = in_process(
        build_main, ["-q", "--no-color", "-b", "html", str(project), str(tmp_path / "out")], project
    )
    assert result.returncode == 0, result.stderr
    warned = {
        int(m["line"])
        for m in map(PLACEHOLDER_WARNING.match, result.stderr.splitlines())
        if m and m["file"].endswith(page.name)
    }
    lines = page.read_text(encoding="utf-8").splitlines()
    # the factor titles and the impact's text are stubs, and each is reported
    factor_titles = [n for n, line in enumerate(lines, 1) if re.match(r"\W+factor\W+TODO:", line)]
    impact = next(n for n, line in enumerate(lines, 1) if re.match(r"\W+impact\W*$", line))
    impact_text = next(n for n, line in enumerate(lines[impact:], impact + 1) if "TODO:" in line)
    stubs = [*factor_titles, impact_text]
    assert len(factor_titles) == 3, factor_titles
    assert set(stubs) <= warned, (stubs, result.stderr)


# -- the project review -------------------------------------------------------------


def test_new_project_review_builds(tmp_path, fmt):
    project = make_project(tmp_path / "docs", md=fmt == "md")
    result = new(project, *REVIEW, "--dir", "postmortems", "--format", fmt)
    page = written(result, project)
    assert page.name == f"2024-04-26-billing-migration.{fmt}"
    text = page.read_text(encoding="utf-8")
    assert incident_option(text, "type") == "project"
    assert incident_option(text, "status") == "draft"
    assert incident_option(text, "id") == "INC-2024-001"
    # no severity and no timeline
    assert incident_option(text, "severity") in (None, "")
    assert ".. timeline::" not in text and "```{timeline}" not in text
    assert not re.search(r"\[(start|resolve)\]", text)
    titles = headings(text, fmt == "md")
    for section in PROJECT_SECTIONS:
        assert section in titles, (section, titles)
    assert "Timeline" not in titles and "Impact" not in titles
    assert ("```{lesson}" if fmt == "md" else ".. lesson::") in text
    sphinx_build(project)
    assert "pm-status-draft" in html_of(project, page)


# -- ids ----------------------------------------------------------------------------


def existing_page(path: Path, incident_id: str, md: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if md:
        path.write_text(
            f"# {incident_id}\n\n```{{incident}} Old\n:id: {incident_id}\n:date: 2024-01-02\n"
            ":severity: SEV3\n```\n",
            encoding="utf-8",
        )
    else:
        path.write_text(
            f"{incident_id}\n{'=' * len(incident_id)}\n\n.. incident:: Old\n"
            f"   :id: {incident_id}\n   :date: 2024-01-02\n   :severity: SEV3\n",
            encoding="utf-8",
        )


def test_id_is_the_next_free_one(tmp_path):
    project = make_project(tmp_path / "docs")
    existing_page(project / "postmortems" / "a.rst", "INC-2024-001")
    existing_page(project / "postmortems" / "b.rst", "INC-2024-003")
    assert new_ids(
        project,
        ("Queue stalled", "2024-05-01"),
        ("Queue stalled again", "2024-05-02"),  # the page just written counts too
        ("New year outage", "2025-01-10"),  # another year starts again at 001
    ) == ["INC-2024-004", "INC-2024-005", "INC-2025-001"]
    sphinx_build(project)


def test_ids_in_markdown_pages_and_other_folders_count(tmp_path):
    pytest.importorskip("myst_parser")
    project = make_project(tmp_path / "docs", md=True)
    existing_page(project / "postmortems" / "a.md", "INC-2024-007", md=True)
    existing_page(project / "archive" / "old.rst", "INC-2024-009")
    result = new(
        project, "Cache stampede", "--date", "2024-06-01", "--dir", "postmortems", "--format", "md"
    )
    assert written_id(result, project) == "INC-2024-010"


def test_custom_id_format_from_conf_py(tmp_path):
    project = make_project(
        tmp_path / "docs", conf="postmortem_id_format = 'PM-{date:%Y%m}-{seq:02d}'\n"
    )
    existing_page(project / "postmortems" / "a.rst", "PM-202403-01")
    existing_page(project / "postmortems" / "b.rst", "PM-202402-05")
    assert new_ids(project, ("Disk full", "2024-03-20"), ("Disk full in April", "2024-04-02")) == [
        "PM-202403-02",
        "PM-202404-01",
    ]


def test_explicit_id(tmp_path):
    project = make_project(tmp_path / "docs")
    result = new(
        project, "Disk full", "--date", "2024-03-20", "--id", "OPS-42", "--dir", "postmortems"
    )
    assert written_id(result, project) == "OPS-42"


def test_conf_dir_option(tmp_path):
    project = make_project(tmp_path / "docs", conf="postmortem_id_format = 'X-{seq:04d}'\n")
    existing_page(project / "postmortems" / "a.rst", "X-0012")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = new(
        elsewhere,
        "Run from elsewhere",
        "--date",
        "2024-03-20",
        "--conf-dir",
        project,
        "--dir",
        project / "postmortems",
    )
    page = written(result, elsewhere)
    assert page.parent.resolve() == (project / "postmortems").resolve()
    assert incident_option(page.read_text(encoding="utf-8"), "id") == "X-0013"


# -- file names, overwriting ----------------------------------------------------------


@pytest.mark.parametrize(
    "title,name",
    [
        ("Checkout API returned 503s!", "2024-03-05-checkout-api-returned-503s.rst"),
        ("DNS / TLS:  certs   expired", "2024-03-05-dns-tls-certs-expired.rst"),
        ("Café payments déjà vu", "2024-03-05-cafe-payments-deja-vu.rst"),
    ],
)
def test_file_name_is_a_slug_of_date_and_title(tmp_path, title, name):
    project = make_project(tmp_path / "docs")
    page = written(new(project, title, "--date", "2024-03-05", "--dir", "postmortems"), project)
    assert page.name == name
    assert page.parent.resolve() == (project / "postmortems").resolve()


def test_default_dir_is_the_current_folder(tmp_path):
    project = make_project(tmp_path / "docs")
    page = written(new(project, TITLE, "--date", "2024-03-05"), project)
    assert page.resolve() == (project / f"{SLUG}.rst").resolve()


def test_never_overwrites(tmp_path):
    project = make_project(tmp_path / "docs")
    page = written(new(project, TITLE, "--date", "2024-03-05", "--dir", "postmortems"), project)
    page.write_text("my notes, not to be lost\n", encoding="utf-8")
    result = new(project, TITLE, "--date", "2024-03-05", "--dir", "postmortems", expect=1)
    error = one_line_error(result)
    assert page.name in error and "exist" in error.lower(), error
    assert result.stdout.strip() == ""
    assert page.read_text(encoding="utf-8") == "my notes, not to be lost\n"
    assert sorted(p.name for p in page.parent.iterdir()) == [page.name]


# -- bad arguments --------------------------------------------------------------------


@pytest.mark.parametrize("date", ["2024-13-05", "05/03/2024", "2024-3-5", "yesterday"])
def test_bad_date(tmp_path, date):
    project = make_project(tmp_path / "docs")
    result = new(project, TITLE, "--date", date, "--dir", "postmortems", expect=2)
    error = one_line_error(result)
    assert date in error and "date" in error.lower(), error
    assert not (project / "postmortems").exists() or not any((project / "postmortems").iterdir())


def test_unknown_severity_from_configured_list(tmp_path):
    project = make_project(
        tmp_path / "docs", conf="postmortem_severities = ['critical', 'major', 'minor']\n"
    )
    result = new(
        project,
        TITLE,
        "--date",
        "2024-03-05",
        "--severity",
        "SEV2",
        "--dir",
        "postmortems",
        expect=2,
    )
    error = one_line_error(result)
    assert "SEV2" in error and "severity" in error.lower(), error
    assert "critical" in error and "minor" in error, error  # names the allowed values
    assert not (project / "postmortems").exists() or not any((project / "postmortems").iterdir())
    # a configured severity is accepted, and the page builds
    page = written(
        new(project, TITLE, "--date", "2024-03-05", "--severity", "major", "--dir", "postmortems"),
        project,
    )
    assert incident_option(page.read_text(encoding="utf-8"), "severity") == "major"
    sphinx_build(project)


def test_unknown_severity_with_default_list(tmp_path):
    project = make_project(tmp_path / "docs")
    result = new(project, TITLE, "--date", "2024-03-05", "--severity", "SEV9", expect=2)
    assert "SEV9" in one_line_error(result)


# -- help ---------------------------------------------------------------------------


@pytest.mark.parametrize("via", ["script", "module"])
def test_help_lists_every_option(tmp_path, via):
    result = run(["new", "--help"], tmp_path, via)
    assert result.returncode == 0, result.stderr
    for option in ALL_OPTIONS:
        assert re.search(rf"(^|\s){re.escape(option)}\b", result.stdout), (option, result.stdout)
    assert "TITLE" in result.stdout.upper()
    # each option comes with a description (on its line or the lines below it)
    lines = result.stdout.splitlines()
    for option in ALL_OPTIONS:
        start = next(
            i
            for i, line in enumerate(lines)
            if re.match(rf"\s+(-\w, )?{re.escape(option)}\b", line)
        )
        block = [lines[start]]
        for line in lines[start + 1 :]:
            if not line.strip() or re.match(r"\s+-", line):
                break
            block.append(line)
        words = re.sub(rf"(-\w, )?{re.escape(option)}(\s+[A-Z_{{}},]+)?", "", " ".join(block))
        assert len(words.split()) >= 2, (option, block)
    top = run(["--help"], tmp_path, via)
    assert top.returncode == 0 and "new" in top.stdout


# -- templates ----------------------------------------------------------------------


CUSTOM_TEMPLATE = """{{ title }}
{{ "=" * title|length }}

.. incident:: {{ title }}
   :id: {{ id }}
   :date: {{ date }}
   :severity: {{ severity }}
   :status: {{ status }}

   MARKER-{{ marker }}: our own outline.

Customer communication
----------------------

What we told customers.
"""


def write_template(path: Path, marker: str) -> None:
    """Write :data:`CUSTOM_TEMPLATE` to ``path``, its pages marked ``MARKER-<marker>``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CUSTOM_TEMPLATE.replace("{{ marker }}", marker), encoding="utf-8")


def project_with_template_folder(root: Path, marker: str) -> Path:
    """A project whose ``templates_path`` holds its own ``postmortem/incident.rst.jinja``."""
    project = make_project(root, conf="templates_path = ['_templates']\n")
    write_template(project / "_templates" / "postmortem" / "incident.rst.jinja", marker)
    return project


def test_template_option_overrides_the_shipped_template(tmp_path):
    project = make_project(tmp_path / "docs")
    template = tmp_path / "templates" / "security.rst.jinja"
    write_template(template, "CLI")
    page = written(
        new(
            project,
            TITLE,
            "--date",
            "2024-03-05",
            "--severity",
            "SEV1",
            "--template",
            template,
            "--dir",
            "postmortems",
        ),
        project,
    )
    text = page.read_text(encoding="utf-8")
    assert "MARKER-CLI: our own outline." in text
    assert "Customer communication" in text
    assert "Root cause and contributing factors" not in text
    assert incident_option(text, "id") == "INC-2024-001"
    assert incident_option(text, "severity") == "SEV1"
    sphinx_build(project)


def test_templates_path_postmortem_folder_overrides(tmp_path):
    project = project_with_template_folder(tmp_path / "docs", "TP")
    page = written(new(project, TITLE, "--date", "2024-03-05", "--dir", "postmortems"), project)
    text = page.read_text(encoding="utf-8")
    assert "MARKER-TP: our own outline." in text
    assert "Root cause and contributing factors" not in text
    # a name the team does not provide falls back to the shipped template
    review = written(new(project, *REVIEW, "--dir", "postmortems"), project)
    assert "MARKER-TP" not in review.read_text(encoding="utf-8")
    assert "Goals and outcome" in review.read_text(encoding="utf-8")
    # --template wins over the templates_path folder
    other = tmp_path / "other.rst.jinja"
    write_template(other, "OPT")
    page2 = written(
        new(
            project,
            "Second outage",
            "--date",
            "2024-03-06",
            "--template",
            other,
            "--dir",
            "postmortems",
        ),
        project,
    )
    assert "MARKER-OPT" in page2.read_text(encoding="utf-8")
    sphinx_build(project)


def test_templates_path_read_through_conf_dir(tmp_path):
    project = project_with_template_folder(tmp_path / "docs", "CD")
    page = written(
        new(
            tmp_path,
            TITLE,
            "--date",
            "2024-03-05",
            "--conf-dir",
            project,
            "--dir",
            project / "postmortems",
        ),
        tmp_path,
    )
    assert "MARKER-CD" in page.read_text(encoding="utf-8")


def test_missing_template_is_a_usage_error(tmp_path):
    project = make_project(tmp_path / "docs")
    result = new(
        project, TITLE, "--date", "2024-03-05", "--template", tmp_path / "nope.jinja", expect=2
    )
    assert "nope.jinja" in one_line_error(result)


# -- finding conf.py ------------------------------------------------------------------


@pytest.mark.parametrize("folder", [".", "docs", "doc", "source", "docs/source"])
def test_conf_py_is_found_from_the_repository_root(tmp_path, folder):
    repo = tmp_path / "repo"
    project = make_project(repo / folder, conf="postmortem_id_format = 'OPS-{seq:03d}'\n")
    result = new(repo, TITLE, "--date", "2024-03-05", "--dir", project / "postmortems")
    assert written_id(result, repo) == "OPS-001"
    note = conf_note(result)
    assert str(Path(folder, "conf.py")) in note, note


def test_conf_py_search_order(tmp_path):
    repo = tmp_path / "repo"
    make_project(repo / "docs", conf="postmortem_id_format = 'DOCS-{seq:03d}'\n")
    make_project(repo / "source", conf="postmortem_id_format = 'SRC-{seq:03d}'\n")
    result = new(repo, TITLE, "--date", "2024-03-05", "--dir", "out")
    assert written_id(result, repo) == "DOCS-001"
    assert str(Path("docs", "conf.py")) in conf_note(result)


def test_no_conf_py_found_says_so_and_uses_defaults(tmp_path):
    result = new(tmp_path, TITLE, "--date", "2024-03-05")
    assert written_id(result, tmp_path) == "INC-2024-001"
    note = conf_note(result)
    assert "no conf.py" in note and "default" in note, note
    for folder in ("docs/", "doc/", "source/", "docs/source/"):
        assert folder in note, note


@pytest.mark.parametrize("make", ["missing", "without-conf-py"])
def test_conf_dir_that_cannot_be_used_is_an_error(tmp_path, make):
    project = make_project(tmp_path / "docs")
    conf_dir = tmp_path / "nowhere"
    if make == "without-conf-py":
        conf_dir.mkdir()
    result = new(project, TITLE, "--conf-dir", conf_dir, "--dir", "postmortems", expect=2)
    error = one_line_error(result)
    assert str(conf_dir) in error and "--conf-dir" in error, error
    assert ("no such folder" if make == "missing" else "no conf.py") in error, error
    assert result.stdout == ""
    assert not (project / "postmortems").exists()
    assert sorted(p.name for p in project.iterdir()) == ["conf.py", "index.rst"]


# -- an id pattern per incident type --------------------------------------------------


ID_MAPPING = (
    "postmortem_id_format = {'project': 'PRJ-{date:%Y}-{seq:03d}', "
    "'*': 'INC-{date:%Y}-{seq:03d}'}\n"
)


def test_id_format_mapping_numbers_each_pattern(tmp_path):
    project = make_project(tmp_path / "docs", conf=ID_MAPPING)
    existing_page(project / "postmortems" / "a.rst", "INC-2024-004")
    existing_page(project / "postmortems" / "b.rst", "PRJ-2024-002")

    def new_id(*args):
        return written_id(new(project, *args, "--dir", "postmortems"), project)

    assert new_id(*REVIEW) == "PRJ-2024-003"
    assert new_id("Queue stalled", "--date", "2024-05-01") == "INC-2024-005"
    assert new_id("Data deleted", "--type", "data-loss", "--date", "2024-05-02") == ("INC-2024-006")
    assert new_id("Search migration", "--type", "project", "--date", "2024-05-03") == (
        "PRJ-2024-004"
    )
    sphinx_build(project)


@pytest.mark.parametrize(
    "setting,expected",
    [
        ("['INC-{seq}']", "mapping"),
        ("{'project': 'PRJ-{seq:03d}'}", "'*'"),
        ("{'project': 'PRJ-{seq:03d}', '*': 'INC-{sequence}'}", "unknown field"),
        ("'INC-{date:%Y}-{seq:03d'", "not a usable pattern"),
    ],
)
def test_unusable_id_format_is_a_cli_error_and_a_build_warning(tmp_path, setting, expected):
    # show_warning_types: the default from Sphinx 8 on, not in 7.4
    conf = f"\npostmortem_id_format = {setting}\nshow_warning_types = True\n"
    project = make_project(tmp_path / "docs", conf=conf)
    result = new(project, TITLE, "--date", "2024-03-05", "--dir", "postmortems", expect=2)
    error = one_line_error(result)
    assert "postmortem_id_format" in error and expected in error, error
    assert not (project / "postmortems").exists()
    # the build says the same, located at the setting in conf.py
    build = in_process(
        build_main, ["-b", "html", "-q", str(project), str(tmp_path / "out")], project
    )
    assert build.returncode == 0, build.stderr
    conf_line = f"{project / 'conf.py'}:5: WARNING: postmortem_id_format"
    assert conf_line in build.stderr and "[postmortem.config]" in build.stderr, build.stderr
    assert "Traceback" not in build.stderr


# -- --dir ------------------------------------------------------------------------------


def test_dir_that_is_a_file(tmp_path):
    project = make_project(tmp_path / "docs")
    (project / "notes.txt").write_text("not a folder\n", encoding="utf-8")
    result = new(project, TITLE, "--date", "2024-03-05", "--dir", "notes.txt", expect=2)
    error = one_line_error(result)
    assert "notes.txt" in error and "is a file" in error, error
    assert "17" not in error and "Errno" not in error, error
    assert (project / "notes.txt").read_text(encoding="utf-8") == "not a folder\n"


def test_dir_below_a_file(tmp_path):
    project = make_project(tmp_path / "docs")
    (project / "notes.txt").write_text("not a folder\n", encoding="utf-8")
    result = new(project, TITLE, "--dir", Path("notes.txt", "postmortems"), expect=2)
    error = one_line_error(result)
    assert "notes.txt" in error and "below the file" in error, error


@pytest.fixture
def unwritable_dir(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    probe = folder / "probe"
    try:
        probe.write_text("", encoding="utf-8")
    except PermissionError:
        yield folder
    else:  # root writes anywhere: use a kernel file system that refuses new files
        probe.unlink()
        if not Path("/sys/kernel").is_dir():
            pytest.skip("no folder this user cannot write to")
        yield Path("/sys/kernel")
    folder.chmod(0o755)


@pytest.mark.parametrize("below", [False, True])
def test_unwritable_dir(tmp_path, unwritable_dir, below):
    project = make_project(tmp_path / "docs")
    target = unwritable_dir / "postmortems" if below else unwritable_dir
    result = new(project, TITLE, "--date", "2024-03-05", "--dir", target, expect=1)
    error = one_line_error(result)
    assert "cannot write" in error and str(unwritable_dir) in error, error
    assert result.stdout == ""


# -- titles in any script -------------------------------------------------------------


@pytest.mark.parametrize(
    "first,second,slug",
    [
        ("決済APIの障害", "決済APIの再障害", "決済apiの障害"),
        ("Сбой оплаты", "Сбой доставки", "сбой-оплаты"),
    ],
)
def test_non_latin_titles_keep_their_words(tmp_path, first, second, slug):
    project = make_project(tmp_path / "docs")
    page = written(new(project, first, "--date", "2024-03-05", "--dir", "postmortems"), project)
    assert page.name == f"2024-03-05-{slug}.rst"
    other = written(new(project, second, "--date", "2024-03-05", "--dir", "postmortems"), project)
    assert other != page
    sphinx_build(project)
    assert first in html_of(project, page)


def test_wide_characters_get_a_long_enough_underline(tmp_path):
    project = make_project(tmp_path / "docs")
    title = "決済 API が 503 を返した"
    page = written(new(project, title, "--date", "2024-03-05", "--dir", "postmortems"), project)
    heading, underline = page.read_text(encoding="utf-8").splitlines()[:2]
    assert heading == title
    assert set(underline) == {"="} and len(underline) == len(title) + 7  # 7 wide characters
    sphinx_build(project)
