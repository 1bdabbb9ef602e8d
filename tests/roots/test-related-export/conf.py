extensions = ["sphinx_postmortem"]
project = "Payments"
author = "Example Org"
copyright = "2024, Example Org"
version = release = "1.0"
postmortem_today = "2024-06-01"
html_baseurl = "https://docs.example.com/payments/"
postmortem_completeness_check = False
postmortem_blameless_check = False
