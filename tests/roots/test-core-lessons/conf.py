extensions = ["sphinx_postmortem"]
project = "core-lessons"
postmortem_today = "2024-06-01"
