"""One settings pattern for every app: `AppSettings`.

Each app declares its settings once, in its `conf.py`, with a prefix, a typed default and a
short meaning::

    app_settings = AppSettings("DOCUMENTS_", {
        "MAX_FILE_BYTES": Setting(15 * 1024 * 1024, "largest accepted photo file", minimum=1),
    })

and reads them as attributes (`app_settings.MAX_FILE_BYTES`). A value comes from Django
settings (`DOCUMENTS_MAX_FILE_BYTES`, so tests override it with the `settings` fixture) or
else the default. `portal/settings.py` puts the environment into Django settings with
`from_environment()`, which parses each variable strictly by the type of its default. The
system check `portal.E010` (registered in portal/apps.py) refuses values of the wrong type
or outside their bounds, for every app at once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import checks

from portal import env

_REGISTRY: list[AppSettings] = []


@dataclass(frozen=True)
class Setting:
    """A setting's default (its type is the setting's type), meaning and bounds."""

    default: Any
    meaning: str
    minimum: float | None = None
    maximum: float | None = None
    from_environment: bool = True  # False: Django settings only (structured values)

    @property
    def kind(self) -> type:
        return type(self.default)

    @property
    def item_kind(self) -> type:
        """The type of a list's or tuple's items (that of the default's first item, else str)."""
        if self.kind in (list, tuple) and self.default:
            return type(self.default[0])
        return str

    @property
    def type_name(self) -> str:
        """ "int", or "tuple of int" for a tuple of numbers: for messages."""
        if self.kind in (list, tuple):
            return f"{self.kind.__name__} of {self.item_kind.__name__}"
        return self.kind.__name__


def _parse_one(name: str, kind: type, raw: str) -> Any:
    if kind is bool:
        return env.parse_bool(name, raw)
    if kind is int:
        return env.parse_int(name, raw)
    if kind is float:
        return env.parse_float(name, raw)
    return raw.strip()


def _parse(name: str, setting: Setting, raw: str) -> Any:
    """The value of an environment variable, by the type of the setting's default; a list or
    tuple is comma-separated, each item parsed by the type of the default's items."""
    if setting.kind in (list, tuple):
        items = env.parse_list(name, raw)
        return setting.kind(_parse_one(name, setting.item_kind, item) for item in items)
    return _parse_one(name, setting.kind, raw)


def _fits_one(kind: type, value: Any) -> bool:
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _fits(setting: Setting, value: Any) -> bool:
    if setting.kind in (list, tuple):
        return isinstance(value, list | tuple) and all(
            _fits_one(setting.item_kind, item) for item in value
        )
    return _fits_one(setting.kind, value)


class AppSettings:
    """The settings of one app, declared once (see the module docstring)."""

    def __init__(
        self,
        prefix: str,
        definitions: dict[str, Setting],
        validators: tuple[Callable[[AppSettings], list[checks.CheckMessage]], ...] = (),
    ) -> None:
        self.prefix = prefix
        self.definitions = definitions
        self.validators = validators
        _REGISTRY.append(self)

    def __getattr__(self, name: str) -> Any:
        definitions = self.__dict__.get("definitions", {})
        if name not in definitions:
            raise AttributeError(
                f"{self.__dict__.get('prefix', '')}{name} is not a declared setting"
            )
        return getattr(settings, self.prefix + name, definitions[name].default)

    def full_name(self, name: str) -> str:
        return self.prefix + name

    def names(self) -> Iterator[str]:
        """The full names (`DOCUMENTS_MAX_FILE_BYTES`) of every declared setting."""
        return (self.prefix + name for name in self.definitions)

    def from_environment(self) -> dict[str, Any]:
        """The Django settings given by environment variables of the same full names."""
        values = {}
        for name, setting in self.definitions.items():
            full_name = self.prefix + name
            raw = os.environ.get(full_name)
            if setting.from_environment and raw is not None and raw.strip():
                values[full_name] = _parse(full_name, setting, raw)
        return values

    def django_settings(self) -> dict[str, Any]:
        """Every declared setting as a Django setting: its default, or the environment's value.

        portal/settings.py adds these at start-up, so reading one never misses in Django's
        settings (a miss raises and catches AttributeError inside LazySettings, about 2.5 µs on
        every read; a hit is cached by LazySettings)."""
        defaults = {self.prefix + name: item.default for name, item in self.definitions.items()}
        return {**defaults, **self.from_environment()}

    def check(self) -> list[checks.CheckMessage]:
        """Errors for values of the wrong type or outside their bounds, then the app's own rules."""
        errors: list[checks.CheckMessage] = []
        for name, setting in self.definitions.items():
            value = getattr(self, name)
            full_name = self.prefix + name
            if not _fits(setting, value):
                errors.append(
                    checks.Error(
                        f"{full_name} must be of type {setting.type_name}, not {value!r}.",
                        id="portal.E010",
                    )
                )
                continue
            # The bounds of a list or tuple hold for each of its items.
            items = value if setting.kind in (list, tuple) else [value]
            if setting.minimum is not None and any(item < setting.minimum for item in items):
                errors.append(
                    checks.Error(
                        f"{full_name} must be at least {setting.minimum:g}, not {value!r}.",
                        id="portal.E010",
                    )
                )
            if setting.maximum is not None and any(item > setting.maximum for item in items):
                errors.append(
                    checks.Error(
                        f"{full_name} must be at most {setting.maximum:g}, not {value!r}.",
                        id="portal.E010",
                    )
                )
        if not errors:
            for validate in self.validators:
                errors.extend(validate(self))
        return errors


def every_app_settings() -> list[AppSettings]:
    return list(_REGISTRY)


def check_every_app(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """System check: every app's settings (registered once, in portal/apps.py)."""
    return [error for app in _REGISTRY for error in app.check()]
