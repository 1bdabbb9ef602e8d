extensions = ["sphinx_postmortem"]
project = "blameless-rules"
postmortem_today = "2024-06-01"
postmortem_people = ["Sam Lee"]
# replaces the built-in rules: "human error" and "careless" are no longer reported
postmortem_blameless_rules = [
    ("heroics", r"\bheroic(?:s|ally)?\b", "credit the process that made recovery possible"),
    {"name": "saved the day", "pattern": r"\b{person} saved the day\b",
     "suggestion": "describe what helped the recovery"},
]
postmortem_blameless_allow = ["heroic effort award"]
