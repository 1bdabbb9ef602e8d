extensions = ["sphinx_postmortem"]
project = "core-actions"
postmortem_today = "2024-06-01"
postmortem_tracker_url = "https://jira.example.com/browse/{key}"
