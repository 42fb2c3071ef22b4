"""Settings of a test node that needs other sign-in limits: the suite's settings, plus
SECURELOGIN_* from the environment.

A node is a separate process that the `settings` fixture cannot reach: a test that needs, say, no
back-off on its nodes starts them with
`start_node(..., DJANGO_SETTINGS_MODULE=NODE_SETTINGS, SECURELOGIN_THROTTLE_FACTOR=0)`. Once
securelogin declares its settings with AppSettings, portal/settings.py reads these variables
itself and this module adds nothing (it may then go).
"""

from portal.env import env_str, parse_int
from portal.settings_test import *  # noqa: F403

for _name in ("THROTTLE_FACTOR", "LOCK_AFTER_FAILURES", "MAX_FAILURES_PER_CHALLENGE"):
    _full_name = f"SECURELOGIN_{_name}"
    if env_str(_full_name):
        globals()[_full_name] = parse_int(_full_name, env_str(_full_name))
