extensions = ["sphinx_postmortem"]
project = "Pasted"
postmortem_today = "2024-06-01"
html_baseurl = "https://example.org/pasted/"
postmortem_completeness_check = False
postmortem_blameless_check = False
