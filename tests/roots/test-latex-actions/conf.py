extensions = ["sphinx_postmortem"]
project = "latex-actions"
postmortem_today = "2024-06-01"
postmortem_tracker_url = "https://tracker.example.com/browse/{key}"
latex_documents = [("index", "actions.tex", "LaTeX actions", "team", "manual")]

