extensions = ["myst_parser", "sphinx_postmortem"]
project = "myst-warnings"
postmortem_today = "2024-06-01"
