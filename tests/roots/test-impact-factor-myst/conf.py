extensions = ["myst_parser", "sphinx_postmortem"]
project = "impact-factor"
postmortem_today = "2024-06-01"
# the same settings as test-impact-factor, whose cdn.rst is cdn.md here
postmortem_impact_metrics = {
    "customers": ("Customers affected", "customers", "count"),
    "requests": ("Failed requests", "requests", "count"),
    "revenue": ("Revenue lost", "USD", "money"),
    "error-budget": ("Error budget burned", "%", "percent"),
    "data-loss": ("Data lost", "", "bytes"),
    "downtime": ("Downtime", "", "duration"),
    "regions": ("Regions affected", "", "text"),
}
postmortem_roles = ["commander", "communications", "scribe"]
postmortem_completeness_check = False
