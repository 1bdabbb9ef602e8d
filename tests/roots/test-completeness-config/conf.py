extensions = ["sphinx_postmortem"]
project = "completeness-config"
postmortem_today = "2024-06-01"
postmortem_required_sections = ["Customer communication", "summary"]
postmortem_project_required_sections = ["Goals and outcome"]
