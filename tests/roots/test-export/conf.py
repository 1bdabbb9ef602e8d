extensions = ["sphinx_postmortem"]
project = "Payments"
author = "Example Org"
copyright = "2024, Example Org"
version = release = "1.0"
postmortem_today = "2024-06-01"
postmortem_tracker_url = "https://jira.example.com/browse/{key}"
