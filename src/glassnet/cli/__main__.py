"""``python -m glassnet.cli``: the same as the ``glassnet`` command."""

import sys

from . import main

sys.exit(main())
