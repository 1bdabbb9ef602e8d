extensions = ["sphinx_postmortem"]
project = "Stats window"
postmortem_today = "2024-06-01"
postmortem_severities = ["high", "low"]

# The window tests do not exercise the page checks of other features.
postmortem_completeness_check = False
postmortem_blameless_check = False
