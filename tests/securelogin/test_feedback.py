"""The one table of problems: unique codes, a help link where one exists, plural forms for
counts."""

import re

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
    [
        ("en", 1, "wait 1 second before"),
        ("en", 2, "wait 2 seconds before"),
        ("de", 1, "warten Sie 1 Sekunde,"),
        ("de", 4, "warten Sie 4 Sekunden,"),
    ],
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


@pytest.mark.parametrize(
    ("lang", "seconds", "expected", "alarm"),
    [
        ("en", 1, "Please wait 1 second before", False),
        ("en", 2, "Please wait 2 seconds before", False),
        ("en", 59, "wait 59 seconds", False),
        ("en", 60, "wait 1 minute before", True),
        ("en", 61, "wait 2 minutes before", True),
        ("de", 1, "warten Sie 1 Sekunde,", False),
        ("de", 120, "warten Sie 2 Minuten,", True),
    ],
)
def test_short_waits_are_calm_and_long_ones_say_why(lang, seconds, expected, alarm):
    with translation.override(lang):
        problem = feedback.throttled(seconds)
    assert problem.code == "throttled" and expected in problem.message
    assert (("Too many" in problem.message) or ("Zu viele" in problem.message)) is alarm


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "invalid"),
    [
        ({}, ["username", "password"]),
        ({"username": "ann"}, ["password"]),
        ({"password": "x"}, ["username"]),
    ],
)
def test_an_empty_sign_in_form_asks_for_what_is_missing_and_marks_those_fields(
    client, data, invalid
):
    page = client.post("/en/portal/signin/", data)
    assert page.status_code == 400 and page.context["problem"].code == "credentials-empty"
    html = page.content.decode()
    assert "Enter your user name and password." in html and "not correct" not in html
    for name in ("username", "password"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert ('aria-invalid="true"' in tag and 'aria-describedby="problem"' in tag) is (
            name in invalid
        )
        assert (f'href="#id_{name}"' in html) is (
            name in invalid
        )  # the way to the field without JavaScript
    german = client.post("/de/portal/signin/", data).content.decode()
    assert "Geben Sie Ihren Benutzernamen und Ihr Passwort ein." in german


@pytest.mark.django_db
def test_a_wrong_password_marks_both_fields_without_saying_which(client):
    html = client.post(
        "/en/portal/signin/", {"username": "nobody", "password": "wrong"}
    ).content.decode()
    assert "User name or password not correct." in html
    assert html.count('aria-invalid="true"') == 2
