extensions = ["sphinx_postmortem"]
project = "completeness"
postmortem_today = "2024-06-01"
