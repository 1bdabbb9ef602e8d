extensions = ["sphinx_postmortem"]
project = "blameless-badrule"
postmortem_today = "2024-06-01"
postmortem_blameless_rules = [("drop the ball", r"(dropped the ball", "say which step was missed")]
