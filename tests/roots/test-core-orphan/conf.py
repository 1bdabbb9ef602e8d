extensions = ["sphinx_postmortem"]
project = "core-orphan"
postmortem_today = "2024-06-01"
