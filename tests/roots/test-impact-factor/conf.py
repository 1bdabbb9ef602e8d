extensions = ["sphinx_postmortem"]
project = "impact-factor"
postmortem_today = "2024-06-01"
# the default metrics, plus a duration and a text one
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
# the pages are not whole reports (see test-completeness for that check)
postmortem_completeness_check = False
