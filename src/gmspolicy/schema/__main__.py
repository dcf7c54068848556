"""``python -m gmspolicy.schema``: print, ``--write`` or ``--check`` the JSON Schema."""

import sys

from gmspolicy.schema import main

sys.exit(main())
