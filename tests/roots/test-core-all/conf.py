extensions = ["sphinx_postmortem"]
project = "core-all"
author = "Test Author"
copyright = "2024, Test Author"
version = release = "1.0"
postmortem_today = "2024-06-01"
postmortem_tracker_url = "https://jira.example.com/browse/{key}"
