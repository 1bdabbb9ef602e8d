# The hostile corpus (bad input never crashes a build): every directive of
# the extension given wrong, extreme or malicious input. tests/test_hostile.py builds
# it and adds two generated pages (10,000-character titles, a 5,000-entry timeline).
extensions = ["sphinx_postmortem"]
project = "Hostile corpus"
author = "Example Org"
copyright = "2024, Example Org"
version = release = "1.0"
# Pages under isolated/ are built one at a time by the tests (see test_hostile.py).
exclude_patterns = ["_build", "isolated"]

postmortem_today = "2024-06-01"
postmortem_tracker_url = "https://jira.example.com/browse/{key}"
postmortem_project_name = "<script>alert('project')</script>"
# Feed every incident (not only published ones), so every title goes through the feed.
postmortem_feed_statuses = ["draft", "in-review"]
html_baseurl = "https://docs.example.com/hostile/"

postmortem_projects = {
    "evil": ("https://evil.example.com/", "imports/evil.json"),
    "badbase": ("javascript:alert(1)//", "imports/evil.json"),
}
