extensions = ["sphinx_postmortem"]
project = "core-incremental"
# no postmortem_today: the tests set SOURCE_DATE_EPOCH
