extensions = ["sphinx_postmortem"]
project = "blameless-eval"
postmortem_today = "2024-06-01"
# the people of the labelled set (tests/test_blameless.py PEOPLE); other names are unknown
postmortem_people = ["Dana Kim", "Dana", "Luis Ortega", "Luis", "Priya"]
# Sphinx's defaults otherwise: smartquotes is on
