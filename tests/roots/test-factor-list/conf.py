extensions = ["sphinx_postmortem"]
project = "Factors"
author = "Example Org"
copyright = "2024, Example Org"
version = release = "1.0"
postmortem_today = "2024-06-01"
# The factor-list tests do not exercise the page checks (completeness, blameless
# language) of other features; keep their warnings out of these builds.
postmortem_completeness_check = False
postmortem_blameless_check = False
