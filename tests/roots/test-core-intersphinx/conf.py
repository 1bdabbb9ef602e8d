extensions = ["sphinx_postmortem", "sphinx.ext.intersphinx"]
project = "core-intersphinx"
# intersphinx_mapping is set by the test (confoverrides), pointing at a built core-roles
