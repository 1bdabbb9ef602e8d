extensions = ["sphinx_postmortem"]
project = "Filtering"
author = "Example Org"
copyright = "2024, Example Org"
version = release = "1.0"
postmortem_today = "2024-06-01"
# These tests look at the filter bar's markup, not at the page checks of other features.
postmortem_completeness_check = False
postmortem_blameless_check = False
