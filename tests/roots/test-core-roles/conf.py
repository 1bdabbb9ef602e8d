extensions = ["sphinx_postmortem"]
project = "core-roles"
postmortem_today = "2024-06-01"
