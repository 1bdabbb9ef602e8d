"""The directives of sphinx-postmortem, one module per directive family."""
