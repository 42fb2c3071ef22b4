"""Desktop side of the hand-off to the phone: make a link, show its QR code and the photos as they
arrive (a small JSON endpoint for the page's polling script), and finish the submission."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from documents import handoff
from documents.conf import app_settings
from documents.errors import warning_dict
from documents.forms import HandoffFinishForm
from documents.models import DocumentRequest, PhoneHandoff
from documents.qr import qr_svg
from documents.storage import private_file_response
from documents.views import client_required, signed_in_user
from portal import crypto
from portal.client_address import client_ip

SESSION_KEY = "documents_handoff_links"


def _own_handoff(request: HttpRequest, pk: int) -> PhoneHandoff:
    return get_object_or_404(
        PhoneHandoff.objects.select_related("request"), pk=pk, owner=signed_in_user(request)
    )


def phone_url(request: HttpRequest, token: str) -> str:
    path = reverse("documents:phone_open", kwargs={"token": token})
    base = app_settings.HANDOFF_BASE_URL.rstrip("/")
    return base + path if base else request.build_absolute_uri(path)


@client_required
@never_cache
@require_POST
def start(request: HttpRequest) -> HttpResponseBase:
    """ "Use your phone": a new link (answering one of the client's open requests, if chosen)."""
    raw = request.POST.get("request", "")
    answering = DocumentRequest.objects.answerable(signed_in_user(request), raw)
    item, token = handoff.create(signed_in_user(request), answering, ip=client_ip(request))
    links = request.session.get(SESSION_KEY, {})
    links = {
        pk: value
        for pk, value in links.items()
        if PhoneHandoff.objects.filter(pk=pk, opened_at=None).exists()
    }
    links[str(item.pk)] = crypto.encrypt(token.encode("ascii"))
    request.session[SESSION_KEY] = links
    return redirect("documents:handoff", pk=item.pk)


def _link(request: HttpRequest, item: PhoneHandoff, state: str) -> str | None:
    """The link while no phone has opened it, kept encrypted in the desktop's session so that a
    reload shows the QR code again; forgotten once a phone has opened it (the database has only
    the token's hash)."""
    links = request.session.get(SESSION_KEY, {})
    if state != "waiting":
        if str(item.pk) in links:
            links.pop(str(item.pk))
            request.session[SESSION_KEY] = links
        return None
    try:
        token = crypto.decrypt(links[str(item.pk)]).decode("ascii")
    except (KeyError, crypto.InvalidToken):
        return None
    return phone_url(request, token)


@client_required
@never_cache
@require_http_methods(["GET", "POST"])
def page(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The hand-off page: QR code and link, the photos that arrived, and the finish form."""
    item = _own_handoff(request, pk)
    if item.finished_at and item.submission is not None:
        return redirect(item.submission)
    if request.method == "POST":
        return _finish(request, item)
    return _page(request, item)


def _page(
    request: HttpRequest,
    item: PhoneHandoff,
    form: HandoffFinishForm | None = None,
    errors: Sequence[str] = (),
    status: int = 200,
) -> HttpResponse:
    state = handoff.state(item)
    link = _link(request, item, state)
    if form is None:
        initial = {"document_type": item.request.document_type} if item.request else {}
        form = HandoffFinishForm(initial=initial)
    context = {
        "handoff": item,
        "state": state,
        "state_text": state_text(state),
        "link": link,
        "qr": qr_svg(link) if link else None,
        "photos": item.photos.all(),
        "form": form,
        "errors": errors,
        "minutes": app_settings.HANDOFF_MINUTES,
    }
    return render(request, "documents/handoff.html", context, status=status)


def _finish(request: HttpRequest, item: PhoneHandoff) -> HttpResponseBase:
    form = HandoffFinishForm(request.POST)
    if not form.is_valid():
        return _page(
            request,
            item,
            form=form,
            errors=[_("Please correct the fields marked below.")],
            status=400,
        )
    try:
        submission = handoff.finish(
            item,
            form.cleaned_data["document_type"],
            form.cleaned_data["note"].strip(),
            ip=client_ip(request),
        )
    except handoff.HandoffClosed as closed:
        if closed.code == "finished":
            item.refresh_from_db()
            finished = item.submission
            return redirect(finished if finished is not None else "documents:upload")
        message = _(
            "No photos have arrived from your phone yet. Send at least one photo, then finish here."
        )
        return _page(request, item, form=form, errors=[message], status=400)
    messages.success(
        request,
        _("Thank you. Your photos were received. Your reference is %(reference)s.")
        % {"reference": submission.reference},
    )
    return redirect(submission)


def state_text(state: str) -> str:
    return {
        "waiting": _("Waiting for your phone to open the link."),
        "connected": _("Your phone is connected. Photos appear here as they arrive."),
        "done": _("Your phone has finished. Check the photos and send them."),
        "expired": _("The link has expired. Send what has arrived, or make a new link."),
        "finished": _("These photos have been sent."),
    }[state]


@client_required
@never_cache
@require_GET
def status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the page's script polls: the state and the photos received so far."""
    item = _own_handoff(request, pk)
    state = handoff.state(item)
    return JsonResponse(
        {
            "ok": True,
            "state": state,
            "state_text": state_text(state),
            "submission_url": item.submission.get_absolute_url() if item.submission else "",
            "photos": [
                {
                    "position": photo.position,
                    "alt": _("Page %(number)s") % {"number": photo.position},
                    "thumbnail_url": reverse(
                        "documents:handoff_thumbnail", args=[item.pk, photo.position]
                    ),
                    "warnings": [
                        warning_dict(code, photo.scores)["message"] for code in photo.warnings
                    ],
                }
                for photo in item.photos.all()
            ],
        }
    )


@client_required
@require_GET
def thumbnail(request: HttpRequest, pk: int, position: int) -> HttpResponseBase:
    """The owner's own hand-off photos only; anyone else gets 404."""
    item = _own_handoff(request, pk)
    photo = item.photos.filter(position=position).first()
    if photo is None:
        raise Http404
    return private_file_response(photo.thumbnail)
