extensions = ["sphinx_postmortem"]
project = "Hostile stats"
author = "Example Org"
copyright = "2024, Example Org"
version = release = "1.0"
postmortem_today = "2024-06-01"
# Severity names that must be escaped wherever they are shown (no commas:
# roll-up filters split on them).
postmortem_severities = ['<script>alert("sev")</script>', "A&B 'x' ]]> --", "SEV3"]
postmortem_completeness_check = False
postmortem_blameless_check = False
