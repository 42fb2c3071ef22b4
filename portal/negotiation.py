"""Content negotiation: does this request come from a script that wants JSON back?

One rule for every app, so an upload, an emulator and an error page answer a script alike:
a JSON `Accept` header or the `X-Requested-With: XMLHttpRequest` header that fetch wrappers send.
"""

from django.http import HttpRequest


def wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return (
        "application/json" in accept or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )
