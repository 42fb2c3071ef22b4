"""The one table of problems: unique codes, a help link where one exists, plural forms for counts."""
import pytest
from django.utils import translation

from securelogin import feedback


def test_codes_are_unique_and_every_row_resolves():
    rows = [value for value in vars(feedback).values() if isinstance(value, feedback.ProblemType)]
    assert len({row.code for row in rows}) == len(rows) == len(feedback.TABLE)
    for row in rows:
        assert feedback.TABLE[row.code] is row


@pytest.mark.parametrize(
    ("lang", "count", "expected"),
    [("en", 1, "wait 1 second before"), ("en", 2, "wait 2 seconds before"),
     ("de", 1, "warten Sie 1 Sekunde,"), ("de", 4, "warten Sie 4 Sekunden,")],
)
def test_counts_use_plural_forms(lang, count, expected):
    with translation.override(lang):
        assert expected in feedback.problem(feedback.THROTTLED, seconds=count).message


def test_minutes_plural():
    assert "valid for 1 minute)" in feedback.problem(feedback.EXPIRED, minutes=1).message
    assert "valid for 5 minutes)" in feedback.problem(feedback.EXPIRED, minutes=5).message


@pytest.mark.django_db
def test_problem_from_form_prefers_table_codes():
    from securelogin.forms import ResponseForm

    form = ResponseForm({"challenge": "x", "response": "1\x00"})
    assert not form.is_valid()
    assert feedback.problem_from_form(form).code == "control-characters"
    assert feedback.problem_from_form(ResponseForm({"response": "123456"})) is None


@pytest.mark.parametrize(
    ("form_name", "data", "kind", "code"),
    [
        ("ResponseForm", {"response": "12 34 56"}, "ios", "spaces"),
        ("ResponseForm", {"response": "12345"}, "dsc", "wrong-length"),
        ("ResponseForm", {"response": "١٢٣٤٥٦"}, "android", "non-ascii-digits"),
        ("ResponseForm", {"response": "529 063"}, "card", "card-spaces"),
        ("TemporaryCodeForm", {"code": "k7qm2xra"}, None, "code-lower-case"),
        ("TemporaryCodeForm", {"code": "K7QM 2XRA"}, None, "code-spaces"),
        ("CardValuesForm", {"values": "52906"}, None, "card-length"),
    ],
)
def test_forms_raise_the_problem_codes(form_name, data, kind, code):
    from securelogin import forms

    form_class = getattr(forms, form_name)
    form = form_class(data, kind=kind) if kind else form_class(data)
    assert not form.is_valid()
    [error] = [e for errors in form.errors.as_data().values() for e in errors]
    assert error.code == code


def test_a_well_formed_response_is_cleaned():
    from securelogin.forms import ResponseForm

    form = ResponseForm({"challenge": "abc", "response": " 123456 "}, kind="ios")
    assert form.is_valid() and form.cleaned_data["response"] == "123456"
