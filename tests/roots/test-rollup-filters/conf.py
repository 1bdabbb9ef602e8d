extensions = ["sphinx_postmortem"]
project = "Filters"
postmortem_today = "2024-06-01"

# The roll-up tests do not exercise the page checks (completeness, blameless
# language) of other features; keep their warnings out of these builds.
postmortem_completeness_check = False
postmortem_blameless_check = False
