"""Reading the environment strictly: a value that is not what the variable takes stops start-up.

`portal/settings.py` and each app's `AppSettings.from_environment()` read every variable
through these helpers, so a typo such as `VIEW_COUNTING=ture` is an error naming the
variable, never a silent `False`.
"""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def parse_bool(name: str, value: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/true/yes/on or 0/false/no/off, not {value!r}.")


def parse_int(name: str, value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def parse_float(name: str, value: str) -> float:
    try:
        return float(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None


def parse_list(name: str, value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _given(name: str) -> str | None:
    """The variable's value, or None when it is unset or blank."""
    value = os.environ.get(name)
    return value if value is not None and value.strip() else None


def env_bool(name: str, default: bool = False) -> bool:
    value = _given(name)
    return default if value is None else parse_bool(name, value)


def env_int(name: str, default: int) -> int:
    value = _given(name)
    return default if value is None else parse_int(name, value)


def env_list(name: str, default: str = "") -> list[str]:
    value = _given(name)
    return parse_list(name, default if value is None else value)


def env_str(name: str, default: str = "") -> str:
    value = _given(name)
    return default if value is None else value.strip()
