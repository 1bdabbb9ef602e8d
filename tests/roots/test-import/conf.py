extensions = ["sphinx_postmortem"]
project = "Platform"
author = "Example Org"
copyright = "2024, Example Org"
version = release = "1.0"
postmortem_today = "2024-06-01"
# The file is written by the tests (from a real export build) before building.
postmortem_projects = {
    "payments": ("https://docs.example.com/payments/", "imported/payments.json"),
}
