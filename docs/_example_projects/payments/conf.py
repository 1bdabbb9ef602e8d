"""A second, small Sphinx project: the payments team's post-mortems.

The main documentation (one folder up) imports this project's
``postmortems.json`` to show lessons, incidents and action items from both
projects side by side. Build this project first:

    python -m sphinx -W -b html docs/_example_projects/payments \
        docs/_example_projects/payments/_build/html

See docs/multi-project.rst for the whole set-up.
"""

project = "Payments"
author = "The payments team"
copyright = "2024, The payments team"

extensions = ["sphinx_postmortem"]

exclude_patterns = ["_build"]

html_theme = "alabaster"

# The example post-mortems live in 2024; pin the build date so that the
# overdue flags are the same on every build.
postmortem_today = "2024-06-01"

postmortem_tracker_url = "https://tracker.example.com/browse/{key}"
