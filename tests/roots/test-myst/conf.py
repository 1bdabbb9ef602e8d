extensions = ["myst_parser", "sphinx_postmortem"]
project = "parity"
postmortem_today = "2024-06-01"
postmortem_tracker_url = "https://jira.example.com/browse/{key}"
