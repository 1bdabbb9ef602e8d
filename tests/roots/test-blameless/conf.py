extensions = ["sphinx_postmortem"]
project = "blameless"
postmortem_today = "2024-06-01"
# a person who is not an author of any page, named in conf.py
postmortem_people = ["Mo Chen"]
# a phrase in this team's vocabulary that the default rules would flag
postmortem_blameless_allow = ["human error rate"]
