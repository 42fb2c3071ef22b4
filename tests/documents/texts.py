"""The texts a test looks for, written once per phrase in both languages."""

LANGUAGES = ("en", "de")


def by_language(phrases: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    """{key: (English, German)} → {"en": {key: English}, "de": {key: German}}."""
    return {
        lang: {key: texts[index] for key, texts in phrases.items()}
        for index, lang in enumerate(LANGUAGES)
    }
