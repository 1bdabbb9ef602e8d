extensions = ["sphinx_postmortem"]
project = "panel"
author = "Test Author"
copyright = "2024, Test Author"
version = release = "1.0"
postmortem_today = "2024-06-01"
# A role beyond the defaults, and a metric written as text, besides the default metrics.
postmortem_roles = ["commander", "communications", "scribe", "customer-liaison"]
postmortem_impact_metrics = {
    "customers": ("Customers affected", "customers", "count"),
    "requests": ("Failed requests", "requests", "count"),
    "revenue": ("Revenue lost", "USD", "money"),
    "error-budget": ("Error budget burned", "%", "percent"),
    "data-loss": ("Data lost", "", "bytes"),
    "regions": ("Regions affected", "", "text"),
}
