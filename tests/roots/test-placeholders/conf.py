extensions = ["sphinx_postmortem"]
exclude_patterns = ["_build"]
postmortem_today = "2024-06-01"
