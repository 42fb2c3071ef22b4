"""The texts a test looks for or writes, given once per phrase in both languages."""

LANGUAGES = ("en", "de")

# Phrases more than one page shows.
PROOF_OF_ADDRESS = ("Proof of address", "Adressnachweis")
PHOTOS_RECEIVED = (
    "Thank you. Your photos were received.",
    "Vielen Dank, Ihre Fotos sind eingegangen.",
)


def by_language(phrases: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    """{key: (English, German)} → {"en": {key: English}, "de": {key: German}}."""
    return {
        lang: {key: texts[index] for key, texts in phrases.items()}
        for index, lang in enumerate(LANGUAGES)
    }


def language_fields(**fields: tuple[str, str]) -> dict[str, str]:
    """title=(English, German) → {"title_en": English, "title_de": German}, for a model's fields
    in each language."""
    return {
        f"{field}_{lang}": texts[index]
        for field, texts in fields.items()
        for index, lang in enumerate(LANGUAGES)
    }
