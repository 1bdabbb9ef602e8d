extensions = ["sphinx_postmortem"]
project = "Stats"
author = "Example Org"
copyright = "2024, Example Org"
version = release = "1.0"
postmortem_today = "2024-06-01"
# Configured order differs from alphabetical order (high, low, medium).
postmortem_severities = ["high", "medium", "low"]

# The stats tests do not exercise the page checks of other features.
postmortem_completeness_check = False
postmortem_blameless_check = False
