extensions = ["sphinx_postmortem"]
project = "core-timeline"
postmortem_today = "2024-06-01"
