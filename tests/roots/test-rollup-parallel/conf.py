extensions = ["sphinx_postmortem"]
project = "Parallel"
postmortem_today = "2024-06-01"
postmortem_tracker_url = "https://jira.example.com/browse/{key}"
# Not under test here (other features): page completeness and blameless-language checks.
postmortem_completeness_check = False
postmortem_blameless_check = False
