extensions = ["sphinx_postmortem"]
project = "Aggregator"
author = "Example Org"
copyright = "2024, Example Org"
version = release = "1.0"
postmortem_today = "2024-06-01"
html_baseurl = "https://example.org/agg/"
postmortem_completeness_check = False
postmortem_blameless_check = False
# The file is written by the tests (the export of a build of test-feed) before building.
postmortem_projects = {
    "ops": ("https://example.net/ops/", "imported/ops.json"),
    "site": ("site/", "imported/ops.json"),
}
postmortem_feed_projects = ["ops"]
