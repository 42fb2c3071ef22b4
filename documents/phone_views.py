"""Phone side of the hand-off: open the link once, add photos, say done. No sign-in, no session:
the phone is known only by the cookie that opening the link set (documents/handoff.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from documents import handoff, imaging, throttle, uploads
from documents.conf import app_settings
from documents.errors import warning_dict
from documents.forms import FILES_FIELD
from documents.models import PhoneHandoff
from portal.client_address import client_ip
from portal.negotiation import wants_json


def refusal_texts(code: str) -> tuple[str, str]:
    """(what happened, what to do) for a refused link, in the page's language."""
    new_link = _(
        "Make a new link: on your computer, open “Send documents” and choose “Use your phone”."
    )
    return {
        "unknown": (
            _("This link is not valid."),
            _(
                "Check that the whole code was scanned, or make a new link: on your computer, open "
                "“Send documents” and choose “Use your phone”."
            ),
        ),
        "expired": (
            _("This link has expired: it works for %(minutes)s minutes only.")
            % {"minutes": app_settings.HANDOFF_MINUTES},
            new_link,
        ),
        "used": (
            _("This link has been used: the phone said it was done."),
            _("Finish the submission on your computer. To add more photos, make a new link there."),
        ),
        "finished": (
            _("The photos from this link have already been sent from your computer."),
            _("To send more photos, make a new link there."),
        ),
        "other_device": (
            _("This link is already open on another device. It works on one phone only."),
            _(
                "Go on with the phone that opened it first, or make a new link: on your computer, "
                "open “Send documents” and choose “Use your phone”."
            ),
        ),
        "throttled": (
            _("Too many links that do not work were tried from this connection."),
            _("Please wait ten minutes and scan the code again."),
        ),
    }[code]


REFUSAL_STATUS = {
    "unknown": 404,
    "expired": 410,
    "used": 410,
    "finished": 410,
    "other_device": 409,
    "throttled": 429,
}


def refused(request: HttpRequest, code: str, forget_cookie: bool = True) -> HttpResponse:
    """The refusal page (or JSON); `forget_cookie` drops the phone's cookie, which is not done
    when another link was refused (the cookie may belong to a hand-off still in use)."""
    message, advice = refusal_texts(code)
    status = REFUSAL_STATUS[code]
    if wants_json(request):
        text = f"{message} {advice}"
        return JsonResponse(
            {"ok": False, "code": code, "error": text, "errors": {"__all__": [text]}}, status=status
        )
    response = render(
        request,
        "documents/phone_refused.html",
        {"message": message, "advice": advice, "code": code},
        status=status,
    )
    if forget_cookie:
        response.delete_cookie(handoff.COOKIE_NAME, path="/")
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def open_link(request: HttpRequest, token: str) -> HttpResponseBase:
    """The QR code's link. GET shows a "Start" button and changes nothing (link previews and
    mail scanners fetch links); POST binds this phone to the hand-off with a cookie and goes on
    to the phone's page, whose address carries no token."""
    ip = client_ip(request)
    bound = _bound_handoff_id(request)
    try:
        item = handoff.find_link(token, ip=ip, bound_to=bound)
        if item.pk == bound:  # this phone opened it already
            return redirect("documents:phone")
        if request.method == "GET":
            return render(request, "documents/phone_start.html", {"handoff": item})
        item, cookie = handoff.open_link(token, ip=ip)
    except handoff.LinkRefused as refusal:
        return refused(request, refusal.code, forget_cookie=False)
    response = redirect("documents:phone")
    seconds = max(1, int((item.expires_at - timezone.now()).total_seconds()))
    response.set_cookie(
        handoff.COOKIE_NAME,
        cookie,
        max_age=seconds,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def _bound_handoff_id(request: HttpRequest) -> int | None:
    """The hand-off this device's cookie is bound to, if the cookie is genuine."""
    try:
        return _current(request).pk
    except handoff.LinkRefused:
        return None


def _current(request: HttpRequest) -> PhoneHandoff:
    return handoff.from_cookie(request.COOKIES.get(handoff.COOKIE_NAME, ""), ip=client_ip(request))


@csrf_exempt  # upload handlers must be set before the CSRF check reads the body: csrf_protect below
@never_cache
@require_http_methods(["GET", "POST"])
def phone(request: HttpRequest) -> HttpResponseBase:
    """The phone's page: the photos sent so far and a form to add more (one or several at once)."""
    try:
        item = _current(request)
    except handoff.LinkRefused as refusal:
        return refused(request, refusal.code)
    guard = None
    if request.method == "POST":
        guard = uploads.limit(request, app_settings.MAX_FILES + 1)
        if guard is None:
            message = _(
                "The upload is too large. Send at most %(count)d photos "
                "of at most %(limit)s MB each."
            ) % {"count": app_settings.MAX_FILES, "limit": app_settings.max_file_megabytes()}
            return _page(request, item, [message], status=413)
    return _phone(request, item, guard)


@csrf_protect
def _phone(
    request: HttpRequest, item: PhoneHandoff, guard: uploads.FileSizeLimitHandler | None
) -> HttpResponseBase:
    if request.method == "GET":
        imaging.get_ready()
        return _page(request, item)
    assert guard is not None  # a POST
    if not throttle.allow("submit", item.owner_id):
        return _page(
            request,
            item,
            [
                _(
                    "You have sent a lot of photos in a short time. "
                    "Please wait a while and try again."
                )
            ],
            status=429,
        )
    files = [upload for upload in request.FILES.getlist(FILES_FIELD) if upload is not None]
    if not uploads.complete(guard):
        for upload in files:
            upload.close()
        return _page(
            request,
            item,
            [
                _(
                    "The upload was interrupted before all photos arrived. Nothing was sent; "
                    "please send the photos again."
                )
            ],
            status=400,
        )
    if guard.too_large:
        for upload in files:
            upload.close()
        return _page(
            request,
            item,
            [
                _("The file is larger than %(limit)s MB.")
                % {"limit": app_settings.max_file_megabytes()}
            ],
            status=400,
        )
    if not files:
        return _page(request, item, [_("Add at least one photo.")], status=400)
    added = handoff.add_photos(item, files, ip=client_ip(request))
    if added.error == "closed":
        item.refresh_from_db()
        return refused(request, handoff.closed_reason(item) or "unknown")
    if added.error == "too_many":
        message = _("You can send at most %(max)s photos in one submission.") % {
            "max": app_settings.MAX_FILES
        }
        return _page(request, item, [message], status=400)
    if added.file_errors:
        return _page(request, item, [], file_errors=added.file_errors, status=400)
    if wants_json(request):
        return JsonResponse(
            {"ok": True, "photos": [photo.position for photo in added.photos]}, status=201
        )
    return redirect(reverse("documents:phone") + f"?sent={len(added.photos)}")


def _page(
    request: HttpRequest,
    item: PhoneHandoff,
    errors: Sequence[str] = (),
    file_errors: Sequence[dict[str, Any]] = (),
    status: int = 200,
) -> HttpResponse:
    if wants_json(request) and status >= 400:
        texts = list(errors) + [f"{error['message']} {error['advice']}" for error in file_errors]
        return JsonResponse(
            {
                "ok": False,
                "error": " ".join(texts),
                "errors": {"__all__": texts},
                "file_errors": list(file_errors),
            },
            status=status,
        )
    sent = request.GET.get("sent", "")
    context = {
        "handoff": item,
        "photos": [
            {
                "position": photo.position,
                "warnings": [
                    warning_dict(code, photo.scores)["message"] for code in photo.warnings
                ],
            }
            for photo in item.photos.all()
        ],
        "errors": errors,
        "file_errors": file_errors,
        "sent": int(sent) if sent.isdigit() and int(sent) <= app_settings.MAX_FILES else 0,
        "max_files": app_settings.MAX_FILES,
        "max_megabytes": app_settings.max_file_megabytes(),
        "min_side": app_settings.MIN_SHORT_SIDE,
    }
    return render(request, "documents/phone.html", context, status=status)


@never_cache
@require_POST
def done(request: HttpRequest) -> HttpResponse:
    """The phone is done: the link stops working; the client finishes on the computer."""
    try:
        item = _current(request)
    except handoff.LinkRefused as refusal:
        return refused(request, refusal.code)
    handoff.mark_done(item, ip=client_ip(request))
    count = item.photos.count()
    response = render(request, "documents/phone_done.html", {"count": count})
    response.delete_cookie(handoff.COOKIE_NAME, path="/")
    return response
