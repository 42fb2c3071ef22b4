"""Settings of a test node that needs other sign-in limits: the suite's settings, plus SECURELOGIN_*
from the environment.

portal/settings.py does not read the sign-in limits from the environment (securelogin/conf.py takes
them from Django settings), and a node is a separate process that the `settings` fixture cannot
reach. A test that needs, say, no back-off on its nodes starts them with
`start_node(..., DJANGO_SETTINGS_MODULE=NODE_SETTINGS, SECURELOGIN_THROTTLE_FACTOR=0)`.
"""

import os

from portal.settings_test import *  # noqa: F403

for _name in ("THROTTLE_FACTOR", "LOCK_AFTER_FAILURES", "MAX_FAILURES_PER_CHALLENGE"):
    _value = os.environ.get(f"SECURELOGIN_{_name}", "").strip()
    if _value:
        globals()[f"SECURELOGIN_{_name}"] = int(_value)
