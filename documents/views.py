"""Client pages: send documents (HTML form and JSON endpoint), photo check, my submissions,
thumbnails. Request and response only: the work is in services.py, the script's texts in
script_texts.py, the JSON of a submission in serialisation.py, streaming in storage.py."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from documents import imaging, send_anyway, services, throttle, uploads
from documents.conf import app_settings
from documents.errors import PhotoRefused, warning_dict
from documents.forms import FILES_FIELD, UploadForm
from documents.models import DocumentRequest, PageFormat, Photo, PhotoAccess, Submission, can_review
from documents.script_texts import upload_script_texts
from documents.serialisation import submission_json
from documents.storage import private_file_response
from documents.uploads import FileSizeLimitHandler
from portal import stores
from portal.negotiation import wants_json
from securelogin.practice_uploads import uploads_for_client_accounts

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)


def client_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """login_required, but a script asking for JSON gets 401 JSON instead of a redirect."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if wants_json(request):
            return JsonResponse({"ok": False, "error": _("Please sign in again.")}, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapper


def signed_in_user(request: HttpRequest) -> User:
    """The user of a request that `client_required` (or the admin) let through."""
    user = request.user
    assert isinstance(user, User), "behind client_required or the admin only"
    return user


def _refused(
    request: HttpRequest,
    message: str,
    status: int,
    form: UploadForm | None = None,
    code: str = "",
) -> HttpResponse:
    """The whole sending refused: JSON for a script, else the upload page with the message."""
    if wants_json(request):
        body: dict[str, Any] = {
            "ok": False,
            "errors": {"__all__": [message]},
            "error": message,
            "file_errors": [],
        }
        if code:
            body["code"] = code
        return JsonResponse(body, status=status)
    context = _upload_context(form or UploadForm(), [message], [])
    return render(request, "documents/upload.html", context, status=status)


def _interrupted(request: HttpRequest, form: UploadForm | None = None) -> HttpResponse:
    """The body did not arrive whole (connection lost, short Content-Length): nothing is kept."""
    for upload in request.FILES.getlist(FILES_FIELD):
        upload.close()
    message = _(
        "The upload was interrupted before all photos arrived. Nothing was sent; please send "
        "the photos again."
    )
    return _refused(request, message, 400, form, code="interrupted")


def _throttled(request: HttpRequest) -> HttpResponse:
    message = _("You have sent a lot of photos in a short time. Please wait a while and try again.")
    return _refused(request, message, 429)


def _too_large(request: HttpRequest) -> HttpResponse:
    count = app_settings.MAX_FILES
    message = ngettext(
        "The upload is too large. Send at most %(count)d photo of at most %(limit)s MB.",
        "The upload is too large. Send at most %(count)d photos of at most %(limit)s MB each.",
        count,
    ) % {"count": count, "limit": app_settings.max_file_megabytes()}
    return _refused(request, message, 413)


def _storage_failed(request: HttpRequest, form: UploadForm) -> HttpResponse:
    message = _(
        "We could not store your photos just now. Nothing was sent; please try again in a few "
        "minutes."
    )
    return _refused(request, message, 503, form)


def _upload_context(
    form: UploadForm,
    general_errors: Sequence[StrOrPromise | ValidationError],
    file_errors: list[dict[str, Any]],
    user: User | None = None,
) -> dict[str, Any]:
    return {
        "form": form,
        "open_requests": DocumentRequest.objects.open().filter(owner=user) if user else [],
        "general_errors": general_errors,
        "file_errors": file_errors,
        "max_files": app_settings.MAX_FILES,
        "max_megabytes": app_settings.max_file_megabytes(),
        "max_bytes": app_settings.MAX_FILE_BYTES,
        "min_side": app_settings.MIN_SHORT_SIDE,
        "js_texts": upload_script_texts(),
    }


def _too_large_errors(handler: FileSizeLimitHandler) -> list[dict[str, Any]]:
    refused = PhotoRefused("too_large", limit=app_settings.max_file_megabytes())
    return [
        {"index": index, "name": (handler.order[index] or "")[:120], **refused.as_dict()}
        for index in sorted(handler.too_large)
    ]


@client_required
@uploads_for_client_accounts  # practice accounts only where the setting allows (development)
@csrf_exempt  # upload handlers must be set before the CSRF check reads the body; csrf_protect below
@transaction.non_atomic_requests  # services.create_submission commits its own durable transaction
@never_cache
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """The "Send documents" page; POST creates a submission (redirect, or JSON for scripts)."""
    handler = None
    if request.method == "POST":
        handler = uploads.limit(request, app_settings.MAX_FILES + 1)
        if handler is None:
            return _too_large(request)
    return _upload(request, handler)


@csrf_protect
def _upload(request: HttpRequest, handler: FileSizeLimitHandler | None) -> HttpResponse:
    if request.method == "GET":
        imaging.get_ready()
        return render(
            request,
            "documents/upload.html",
            _upload_context(_blank_form(request), [], [], signed_in_user(request)),
        )
    assert handler is not None  # a POST
    if not throttle.allow("submit", signed_in_user(request).pk):  # counted once CSRF has passed
        return _throttled(request)
    form = UploadForm(request.POST, request.FILES, owner=signed_in_user(request))
    if not uploads.complete(handler):
        return _interrupted(request, UploadForm(request.POST, owner=signed_in_user(request)))
    valid = form.is_valid()
    skipped = _too_large_errors(handler)
    if (
        valid
        and skipped
        and len(form.cleaned_data["photos"]) + len(skipped) > app_settings.MAX_FILES
    ):
        form.add_error(
            None,
            _("You can send at most %(limit)d photos in one submission.")
            % {"limit": app_settings.MAX_FILES},
        )
        valid = False
    if not valid or skipped:
        return _upload_failed(request, form, skipped, send_anyway.offered(request.session))
    data = form.cleaned_data
    try:
        outcome = services.create_submission(
            signed_in_user(request),
            data["document_type"],
            data["note"].strip(),
            data["photos"],
            request=data["request"],
            anyway=frozenset(data["anyway"]),
            anyway_note=data["anyway_note"].strip(),
            page_format=data["page_format"],
        )
    except stores.STORAGE_ERRORS as exc:  # full disk, object store gone…: nothing was kept
        logger.error(
            "document submission could not be stored: %s",
            getattr(exc, "strerror", None) or type(exc).__name__,
        )
        return _storage_failed(request, form)
    submission = outcome.submission
    if submission is None:
        offered = send_anyway.record(request.session, outcome.file_errors)
        return _upload_failed(request, form, outcome.file_errors, offered)
    send_anyway.clear(request.session)
    # Shown on the submission page, which the script opens next as well.
    messages.success(
        request,
        _("Thank you. Your photos were received. Your reference is %(reference)s.")
        % {"reference": submission.reference},
    )
    if wants_json(request):
        return JsonResponse(submission_json(submission), status=201)
    return redirect(submission)


def _upload_failed(
    request: HttpRequest,
    form: UploadForm,
    file_errors: list[dict[str, Any]],
    anyway_slots: Iterable[int] = (),
) -> HttpResponse:
    """`anyway_slots`: photos refused twice in a row for their quality, which the plain form now
    offers to send anyway (documents/send_anyway.py)."""
    general: list[StrOrPromise | ValidationError] = list(form.non_field_errors())
    if wants_json(request):
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        return JsonResponse(
            {
                "ok": False,
                "errors": errors,
                "file_errors": file_errors,
                "anyway_slots": list(anyway_slots),
            },
            status=400,
        )
    if anyway_slots:
        general.append(
            _(
                "Nothing was sent. Choose your photos again: take the ones marked below again, "
                "or tick “Send anyway” for them and write a note for our staff."
            )
        )
    elif file_errors:
        general.append(
            _("Nothing was sent. Please choose your photos again, without the ones marked below.")
        )
    elif request.FILES.getlist(FILES_FIELD):  # a browser keeps no chosen files across a reload
        general.append(
            _("Nothing was sent. After correcting the form, please choose your photos again.")
        )
    context = _upload_context(form, general, file_errors, signed_in_user(request))
    context["anyway_slots"] = [
        {"index": slot, "value": str(slot), "number": slot + 1} for slot in anyway_slots
    ]
    return render(request, "documents/upload.html", context, status=400)


def _blank_form(request: HttpRequest) -> UploadForm:
    """The empty form; ?request=<id> of one of the client's open requests answers that request."""
    raw = request.GET.get("request", "")
    chosen = DocumentRequest.objects.answerable(signed_in_user(request), raw)
    initial = (
        {
            "request": chosen.pk,
            "document_type": chosen.document_type,
            "page_format": chosen.page_format,
        }
        if chosen
        else {}
    )
    form = UploadForm(initial=initial, owner=signed_in_user(request))
    form.chosen_request = chosen
    return form


@client_required
@uploads_for_client_accounts
@csrf_exempt
@never_cache
@require_POST
def check(request: HttpRequest) -> HttpResponse:
    """Check one photo at once (the page calls this when a photo is added); stores nothing."""
    handler = uploads.limit(request, 1)
    if handler is None:
        return JsonResponse(
            {
                "ok": False,
                "error": PhotoRefused(
                    "too_large", limit=app_settings.max_file_megabytes()
                ).as_dict(),
            },
            status=413,
        )
    return _check(request, handler)


@csrf_protect
def _check(request: HttpRequest, handler: FileSizeLimitHandler) -> HttpResponse:
    if not throttle.allow("check", signed_in_user(request).pk):  # counted once CSRF has passed
        return _throttled(request)
    files = request.FILES.getlist(FILES_FIELD)  # reads the whole body
    if not uploads.complete(handler):
        return _interrupted(request)
    if handler.too_large:
        refused = PhotoRefused("too_large", limit=app_settings.max_file_megabytes())
        return JsonResponse({"ok": False, "error": refused.as_dict()}, status=422)
    if len(files) != 1:
        return JsonResponse(
            {
                "ok": False,
                "error": {
                    "code": "one_file",
                    "message": _("Send exactly one photo."),
                    "advice": "",
                },
            },
            status=400,
        )
    page_format = request.POST.get("page_format") or PageFormat.PAGE
    if page_format not in PageFormat.values:
        message = _("Choose the size of the document again.")
        return JsonResponse(
            {"ok": False, "error": {"code": "page_format", "message": message, "advice": ""}},
            status=400,
        )
    try:
        checked = services.check_photo(files[0], page_format)
    except PhotoRefused as refused:
        return JsonResponse({"ok": False, "error": refused.as_dict()}, status=422)
    except stores.STORAGE_ERRORS as exc:
        logger.error(
            "document photo check failed: %s", getattr(exc, "strerror", None) or type(exc).__name__
        )
        return JsonResponse({"ok": False, "error": None}, status=503)
    finally:
        files[0].close()
    return JsonResponse(
        {
            "ok": True,
            "width": checked.width,
            "height": checked.height,
            "warnings": [warning_dict(code, checked.scores) for code in checked.warnings],
        }
    )


@client_required
@require_GET
def submission_list(request: HttpRequest) -> HttpResponse:
    submissions = Submission.objects.owned_by(signed_in_user(request)).prefetch_related("photos")
    return render(request, "documents/submission_list.html", {"submissions": submissions})


@client_required
@never_cache
@require_GET
def submission_detail(request: HttpRequest, reference: str) -> HttpResponse:
    submission = get_object_or_404(
        Submission.objects.owned_by(signed_in_user(request)), reference=reference
    )
    return render(
        request,
        "documents/submission_detail.html",
        {"submission": submission, "photos": submission.photos.all()},
    )


@client_required
@require_GET
def thumbnail(request: HttpRequest, reference: str, position: int) -> HttpResponseBase:
    """Owner or a reviewer (audited) only; anyone else gets 404, as if there were no submission."""
    photo = (
        Photo.objects.select_related("submission__owner")
        .filter(submission__reference=reference, position=position)
        .first()
    )
    if photo is None:
        raise Http404
    if photo.submission.owner_id != signed_in_user(request).pk:
        if not can_review(signed_in_user(request)):
            raise Http404
        PhotoAccess.record(
            signed_in_user(request), photo.submission, PhotoAccess.Kind.THUMBNAIL, position
        )
    return private_file_response(photo.thumbnail)
