"""The site's languages and the per-language fields modeltranslation adds (`title_en`, `title_de`).

Code that loops over languages asks here instead of spelling `("en", "de")` out, so a third
language is one line in settings.
"""

from collections.abc import Iterable

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def other_language(code: str) -> str:
    """The first configured language that is not `code` (the translation's source)."""
    return next((other for other in language_codes() if other != code), code)


def localized_field(field: str, code: str) -> str:
    return build_localized_fieldname(field, code)


def localized_fields(fields: Iterable[str] | str) -> list[str]:
    """`title` → [`title_en`, `title_de`]; several fields, field by field."""
    names = [fields] if isinstance(fields, str) else list(fields)
    return [build_localized_fieldname(field, code) for field in names for code in language_codes()]
