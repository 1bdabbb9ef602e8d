"""``python -m sphinx_postmortem``: the same as the ``sphinx-postmortem`` command."""

import sys

from .cli import main

sys.exit(main())
