extensions = ["sphinx_postmortem"]
project = "core-incident"
postmortem_today = "2024-06-01"
