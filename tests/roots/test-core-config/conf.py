extensions = ["sphinx_postmortem"]
project = "core-config"
postmortem_today = "2024-06-01"
postmortem_severities = ["Critical", "Major", "Minor"]
postmortem_statuses = ["open-review", "final"]
postmortem_types = ["outage", "project"]
postmortem_action_types = ["fix", "learn"]
postmortem_priorities = ["high", "low"]
postmortem_timezone = "Europe/Berlin"
postmortem_tracker_url = "https://issues.example.org/view?id={key}"
