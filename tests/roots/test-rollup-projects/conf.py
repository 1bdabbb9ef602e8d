extensions = ["sphinx_postmortem"]
project = "Platform"
author = "Example Org"
copyright = "2024, Example Org"
version = release = "1.0"
postmortem_today = "2024-06-01"
postmortem_completeness_check = False
postmortem_blameless_check = False
# The tests configure postmortem_projects (imported/*.json, written by the tests) below.
