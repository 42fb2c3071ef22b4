"""Client pages: send documents (HTML form and JSON endpoint), photo check, my submissions, thumbnails."""

import logging
from functools import wraps

from botocore.exceptions import ClientError
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from documents import conf, refusals, services, throttle, uploads
from documents.errors import OVERRIDABLE, PhotoRefused, warning_dict
from documents.forms import FILES_FIELD, UploadForm
from documents.models import DocumentRequest, PageFormat, Photo, PhotoAccess, Submission, can_review
from documents.pdf import is_missing_object
from portal import stores
from securelogin.practice_uploads import uploads_for_client_accounts

MULTIPART_OVERHEAD = 1024 * 1024
logger = logging.getLogger(__name__)


def wants_json(request):
    accept = request.headers.get("Accept", "")
    return (
        "application/json" in accept or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def client_required(view):
    """login_required, but a script asking for JSON gets 401 JSON instead of a redirect."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if wants_json(request):
            return JsonResponse({"ok": False, "error": _("Please sign in again.")}, status=401)
        return redirect_to_login(request.get_full_path())

    return wrapper


def _limit_uploads(request, files_allowed):
    """Refuse an oversized body before reading it; stop storing any single file past the limit."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > files_allowed * conf.max_file_bytes() + MULTIPART_OVERHEAD:
        return None
    return uploads.install(request, conf.max_file_bytes())


def _interrupted(request, form=None):
    """The body did not arrive whole (connection lost, short Content-Length): nothing is kept."""
    for upload in request.FILES.getlist(FILES_FIELD):
        upload.close()
    message = _(
        "The upload was interrupted before all photos arrived. Nothing was sent; please send the photos again."
    )
    if wants_json(request):
        return JsonResponse(
            {
                "ok": False,
                "code": "interrupted",
                "errors": {"__all__": [message]},
                "error": message,
                "file_errors": [],
            },
            status=400,
        )
    return render(
        request,
        "documents/upload.html",
        _upload_context(form or UploadForm(), [message], []),
        status=400,
    )


def _throttled(request):
    message = _("You have sent a lot of photos in a short time. Please wait a while and try again.")
    if wants_json(request):
        return JsonResponse(
            {"ok": False, "errors": {"__all__": [message]}, "error": message, "file_errors": []},
            status=429,
        )
    return render(
        request, "documents/upload.html", _upload_context(UploadForm(), [message], []), status=429
    )


def _too_large_response(request):
    message = ngettext(
        "The upload is too large. Send at most %(count)d photo of at most %(limit)s MB.",
        "The upload is too large. Send at most %(count)d photos of at most %(limit)s MB each.",
        conf.max_files(),
    ) % {
        "count": conf.max_files(),
        "limit": conf.max_file_megabytes(),
    }
    if wants_json(request):
        return JsonResponse(
            {"ok": False, "errors": {"__all__": [message]}, "file_errors": []}, status=413
        )
    return render(
        request, "documents/upload.html", _upload_context(UploadForm(), [message], []), status=413
    )


def _upload_context(form, general_errors, file_errors, user=None):
    return {
        "form": form,
        "open_requests": DocumentRequest.objects.open().filter(owner=user) if user else [],
        "general_errors": general_errors,
        "file_errors": file_errors,
        "max_files": conf.max_files(),
        "max_megabytes": conf.max_file_megabytes(),
        "max_bytes": conf.max_file_bytes(),
        "min_side": conf.min_short_side(),
        "js_texts": _js_texts(),
    }


def _js_texts():
    """Texts for upload.js, in the page's language (read from a JSON data block: CSP-safe)."""
    megabytes = conf.max_file_megabytes()
    return {
        "checking": _("Checking…"),
        "ok": _("Looks good."),
        "refused": _("Not accepted:"),
        "warning": _("Check this photo:"),
        "remove": _("Remove"),
        "removeLabel": _("Remove photo %(number)s"),
        "replace": _("Take again"),
        "replaceLabel": _("Take photo %(number)s again"),
        "photo": _("Photo %(number)s"),
        "noPreview": _("No preview"),
        "tooMany": _("You can send at most %(max)s photos in one submission.")
        % {"max": conf.max_files()},
        "tooLarge": PhotoRefused("too_large", limit=megabytes).as_dict(),
        "empty": PhotoRefused("empty").as_dict(),
        "none": _("Add at least one photo."),
        "fixRefused": _(
            "Take the photos marked “Not accepted” again, or remove them, before you send."
        ),
        "stillChecking": _("Please wait until every photo has been checked."),
        "sending": _("Sending…"),
        "processing": _("Checking the photos…"),
        "network": _("The connection was interrupted. Nothing was sent; please try again."),
        "cancelled": _("Sending was cancelled. Nothing was sent."),
        "serverError": _("Something went wrong. Nothing was sent; please try again."),
        "checkFailed": _(
            "This photo could not be checked now; it will be checked when you send it."
        ),
        "marked": _("The washed-out area is marked."),
        "anyway": _("Send this photo anyway"),
        "anywayLabel": _("Send photo %(number)s anyway"),
        "anywayChosen": _("Will be sent anyway, with your note for our staff."),
        "anywayNote": _("Tell our staff why you are sending a photo that did not pass the check."),
        "overridable": sorted(OVERRIDABLE),
        "count": _("%(count)s of %(max)s photos"),
        "max": conf.max_files(),
    }


def _too_large_errors(handler):
    refused = PhotoRefused("too_large", limit=conf.max_file_megabytes())
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
def upload(request):
    """The "Send documents" page; POST creates a submission (redirect, or JSON for scripts)."""
    handler = None
    if request.method == "POST":
        handler = _limit_uploads(request, conf.max_files() + 1)
        if handler is None:
            return _too_large_response(request)
    return _upload(request, handler)


@csrf_protect
def _upload(request, handler):
    if request.method == "GET":
        return render(
            request,
            "documents/upload.html",
            _upload_context(_blank_form(request), [], [], request.user),
        )
    if not throttle.allow("submit", request.user.pk):  # counted once CSRF has passed
        return _throttled(request)
    form = UploadForm(request.POST, request.FILES, owner=request.user)
    if not uploads.complete(handler):
        return _interrupted(request, UploadForm(request.POST, owner=request.user))
    valid = form.is_valid()
    skipped = _too_large_errors(handler)
    if valid and skipped and len(form.cleaned_data["photos"]) + len(skipped) > conf.max_files():
        form.add_error(
            None,
            _("You can send at most %(limit)d photos in one submission.")
            % {"limit": conf.max_files()},
        )
        valid = False
    if not valid or skipped:
        return _upload_failed(request, form, skipped, refusals.offered(request.session))
    data = form.cleaned_data
    try:
        outcome = services.create_submission(
            request.user,
            data["document_type"],
            data["note"].strip(),
            data["photos"],
            request=data["request"],
            anyway=frozenset(data["anyway"]),
            anyway_note=data["anyway_note"].strip(),
            page_format=data["page_format"],
        )
    except (
        stores.STORAGE_ERRORS
    ) as exc:  # full disk, object store gone…: services removed every file it wrote
        logger.error(
            "document submission could not be stored: %s",
            getattr(exc, "strerror", None) or type(exc).__name__,
        )
        return _storage_failed(request, form)
    if not outcome.ok:
        offered = refusals.record(request.session, outcome.file_errors)
        return _upload_failed(request, form, outcome.file_errors, offered)
    refusals.clear(request.session)
    submission = outcome.submission
    # Shown on the submission page, which the script opens next as well.
    messages.success(
        request,
        _("Thank you. Your photos were received. Your reference is %(reference)s.")
        % {"reference": submission.reference},
    )
    if wants_json(request):
        return JsonResponse(submission_json(submission), status=201)
    return redirect(submission)


def _storage_failed(request, form):
    message = _(
        "We could not store your photos just now. Nothing was sent; please try again in a few minutes."
    )
    if wants_json(request):
        return JsonResponse(
            {"ok": False, "errors": {"__all__": [message]}, "file_errors": []}, status=503
        )
    return render(
        request, "documents/upload.html", _upload_context(form, [message], []), status=503
    )


def _upload_failed(request, form, file_errors, anyway_slots=()):
    """`anyway_slots`: photos refused twice in a row for their quality, which the plain form now
    offers to send anyway (documents/refusals.py)."""
    general = list(form.non_field_errors())
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
                "Nothing was sent. Choose your photos again: take the ones marked below again, or tick "
                "“Send anyway” for them and write a note for our staff."
            )
        )
    elif file_errors:
        general.append(
            _("Nothing was sent. Please choose your photos again, without the ones marked below.")
        )
    elif request.FILES.getlist(
        FILES_FIELD
    ):  # a browser cannot keep chosen files across a reload: say so
        general.append(
            _("Nothing was sent. After correcting the form, please choose your photos again.")
        )
    context = _upload_context(form, general, file_errors, request.user)
    context["anyway_slots"] = [
        {"index": slot, "value": str(slot), "number": slot + 1} for slot in anyway_slots
    ]
    return render(request, "documents/upload.html", context, status=400)


def _blank_form(request):
    """The empty form; ?request=<id> of one of the client's open requests answers that request."""
    raw = request.GET.get("request", "")
    chosen = (
        DocumentRequest.objects.open().filter(owner=request.user, pk=raw).first()
        if raw.isdigit()
        else None
    )
    initial = (
        {
            "request": chosen.pk,
            "document_type": chosen.document_type,
            "page_format": chosen.page_format,
        }
        if chosen
        else {}
    )
    form = UploadForm(initial=initial, owner=request.user)
    form.chosen_request = chosen
    return form


def submission_json(submission):
    return {
        "ok": True,
        "reference": submission.reference,
        "status": submission.status,
        "status_display": submission.get_status_display(),
        "document_type": submission.document_type,
        "created_at": submission.created_at.isoformat(),
        "url": submission.get_absolute_url(),
        "photos": [
            {
                "position": photo.position,
                "width": photo.width,
                "height": photo.height,
                "thumbnail_url": photo.get_thumbnail_url(),
                "warnings": [warning_dict(code, photo.scores) for code in photo.warnings],
            }
            for photo in submission.photos.all()
        ],
    }


@client_required
@uploads_for_client_accounts
@csrf_exempt
@never_cache
@require_POST
def check(request):
    """Check one photo at once (the page calls this when a photo is added); stores nothing."""
    handler = _limit_uploads(request, 1)
    if handler is None:
        return JsonResponse(
            {
                "ok": False,
                "error": PhotoRefused("too_large", limit=conf.max_file_megabytes()).as_dict(),
            },
            status=413,
        )
    return _check(request, handler)


@csrf_protect
def _check(request, handler):
    if not throttle.allow("check", request.user.pk):  # counted once CSRF has passed
        return _throttled(request)
    files = request.FILES.getlist(FILES_FIELD)  # reads the whole body
    if not uploads.complete(handler):
        return _interrupted(request)
    if handler.too_large:
        refused = PhotoRefused("too_large", limit=conf.max_file_megabytes())
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
def submission_list(request):
    submissions = Submission.objects.owned_by(request.user).prefetch_related("photos")
    return render(request, "documents/submission_list.html", {"submissions": submissions})


@client_required
@never_cache
@require_GET
def submission_detail(request, reference):
    submission = get_object_or_404(Submission.objects.owned_by(request.user), reference=reference)
    return render(
        request,
        "documents/submission_detail.html",
        {"submission": submission, "photos": submission.photos.all()},
    )


@client_required
@require_GET
def thumbnail(request, reference, position):
    """Owner or a reviewer (audited) only; anyone else gets 404, as if the submission did not exist."""
    photo = (
        Photo.objects.select_related("submission__owner")
        .filter(submission__reference=reference, position=position)
        .first()
    )
    if photo is None:
        raise Http404
    if photo.submission.owner_id != request.user.pk:
        if not can_review(request.user):
            raise Http404
        PhotoAccess.record(request.user, photo.submission, PhotoAccess.Kind.THUMBNAIL, position)
    return private_file_response(photo.thumbnail)


def private_file_response(field_file, filename=None, attachment=False, content_type="image/jpeg"):
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError:
        raise Http404
    except ClientError as exc:  # S3: a missing key is a 404; any other error an outage (503)
        if is_missing_object(exc):
            raise Http404
        raise
    response = FileResponse(
        handle, content_type=content_type, as_attachment=attachment, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    return response
