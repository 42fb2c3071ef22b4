"""A form sent without any photo comes url-encoded (browsers do so when no file is chosen)."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_url_encoded_form_without_photos_gets_the_form_error_not_a_500(signed_in):
    response = signed_in.post(
        "/en/documents/",
        "document_type=address&note=",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "Add at least one photo." in response.context["form"].non_field_errors()
