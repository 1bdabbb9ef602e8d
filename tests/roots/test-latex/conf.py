extensions = ["sphinx_postmortem"]
project = "latex"
postmortem_today = "2024-06-01"
latex_documents = [("index", "latex.tex", "latex", "Tests", "howto")]
