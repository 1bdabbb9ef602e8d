extensions = ["sphinx_postmortem"]
project = "latex-rollups"
postmortem_today = "2024-06-01"
postmortem_action_items_compact = True
postmortem_completeness_check = False
postmortem_blameless_check = False
latex_documents = [("index", "rollups.tex", "LaTeX roll-ups", "team", "manual")]
