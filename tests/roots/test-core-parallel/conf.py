extensions = ["sphinx_postmortem"]
project = "core-parallel"
postmortem_today = "2024-06-01"
