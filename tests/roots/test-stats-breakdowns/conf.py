extensions = ["sphinx_postmortem"]
project = "Stats breakdowns"
author = "Example Org"
copyright = "2024, Example Org"
version = release = "1.0"
postmortem_today = "2024-06-01"
postmortem_severities = ["SEV1", "SEV2"]
# A metric and a category whose names must be escaped wherever they are shown.
postmortem_impact_metrics = {
    "customers": ("Customers affected", "customers", "count"),
    "revenue": ("Revenue lost", "USD", "money"),
    "data-loss": ("Data lost", "", "bytes"),
    "summary": ("In words", "", "text"),
    "hostile": ('<script>alert("m")</script> & "x"', "<b>u</b>", "count"),
}
postmortem_factor_categories = ["capacity", "change-management", "monitoring-gap", "process",
                                "<img src=x onerror=alert(1)>"]

# These tests do not exercise the page checks of other features.
postmortem_completeness_check = False
postmortem_blameless_check = False
