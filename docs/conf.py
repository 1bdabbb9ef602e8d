"""Sphinx configuration for the sphinx-postmortem documentation.

This site is built with the extension it documents: the example
post-mortems under ``examples/`` and the roll-up pages (incidents,
lessons, action items) are rendered by sphinx-postmortem itself.

The roll-up pages also show the post-mortems of a second, separate Sphinx
project, ``_example_projects/payments``, imported from the
``postmortems.json`` its build writes (see multi-project.rst). Build that
project first::

    python -m sphinx -W -b html docs/_example_projects/payments \\
        docs/_example_projects/payments/_build/html
    python -m sphinx -W -b html docs docs/_build/html
"""

import shutil
from pathlib import Path

from sphinx_postmortem import __version__ as release

project = "sphinx-postmortem"
author = "The sphinx-postmortem authors"
copyright = "2024, The sphinx-postmortem authors"
version = ".".join(release.split(".")[:2])

extensions = ["sphinx_postmortem"]

# _example_projects holds separate Sphinx projects with their own conf.py;
# they are imported through postmortem_projects, never read as pages here.
exclude_patterns = ["_build", "_example_projects"]

html_theme = "alabaster"
html_title = "sphinx-postmortem"

# Where this site is published. The Atom feed of its post-mortems
# (postmortems.atom) needs absolute links, so it is written only with it.
html_baseurl = "https://docs.example.com/engineering/"

# The example post-mortems live in 2024. Pinning the build date makes the
# "overdue" flags on their action items the same on every build, whatever
# day the documentation is built on.
postmortem_today = "2024-06-01"

# Action-item tracker keys such as DEPLOY-1234 become links to this URL.
postmortem_tracker_url = "https://tracker.example.com/browse/{key}"

# The name this site's own post-mortems carry in roll-ups next to imported
# ones, and in the postmortems.json it exports.
postmortem_project_name = "engineering"

# Ids that "sphinx-postmortem new" gives new pages: end-of-project reviews
# are numbered on their own (PRJ-2024-003 in examples/), incidents of every
# other type share the INC- sequence.
postmortem_id_format = {
    "project": "PRJ-{date:%Y}-{seq:03d}",
    "*": "INC-{date:%Y}-{seq:03d}",
}

# Post-mortems of other projects, shown in this site's roll-ups.
# name: (base URL that links point to, where to read postmortems.json).
# The base URL is relative to this site's output root: the payments site is
# copied into <output>/payments/ by copy_example_project() below, so links
# work wherever this site is built or published. The file is read from the
# example project's own build output, relative to this folder.
EXAMPLE_OUTPUT = "_example_projects/payments/_build/html"
postmortem_projects = {
    "payments": ("payments/", f"{EXAMPLE_OUTPUT}/postmortems.json"),
}


def copy_example_project(app, exception):
    """Publish the example payments site next to this one, under payments/."""
    source = Path(app.confdir, EXAMPLE_OUTPUT)
    if exception is not None or app.builder.format != "html" or not source.is_dir():
        return
    shutil.copytree(
        source,
        Path(app.outdir, "payments"),
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns(".doctrees", ".buildinfo"),
    )


def setup(app):
    app.connect("build-finished", copy_example_project)
