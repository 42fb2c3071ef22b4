"""Reading a photo upload: size limit per file, temp files in staging, and all-or-nothing bodies.

- FileSizeLimitHandler stops storing a file as soon as it passes the size
  limit (a 2 GB "photo" is never written out); skipped files are remembered
  in order so the view can report them as too large.
- StagedFileUploadHandler writes large uploads to STAGING_ROOT/uploads, not
  the system temp folder, so `documents_clean_staging` also removes what a
  killed worker left there.
- BodyGuard counts the bytes Django reads from the request body: a body
  that ends before its Content-Length, lacks the multipart closing boundary
  (a short, lying Content-Length) or stops inside a file (Django's
  `upload_interrupted`) is incomplete, and the view then stores nothing.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.core.files.uploadhandler import (
    FileUploadHandler,
    MemoryFileUploadHandler,
    SkipFile,
    TemporaryFileUploadHandler,
)
from django.http import HttpRequest
from django.utils.http import parse_header_parameters

from documents import storage
from documents.conf import app_settings


class FileSizeLimitHandler(FileUploadHandler):
    body: BodyGuard  # set by install()

    def __init__(self, request: HttpRequest | None = None, limit: int = 0) -> None:
        super().__init__(request)
        self.limit = limit
        self.order: list[str | None] = []  # every file name seen, in order
        self.too_large: set[int] = set()  # positions in `order` that were skipped
        self.interrupted = False
        self._received = 0
        self._skipped = False

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        self.order.append(file_name)
        self._received = 0
        self._skipped = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self._received += len(raw_data)
        if self._received > self.limit:
            self.too_large.add(len(self.order) - 1)
            self._skipped = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers (memory, temp file) build the file

    def upload_interrupted(self) -> None:
        # Django also calls this after a skipped last file; only a file cut short counts.
        self.interrupted = self.interrupted or not self._skipped


class StagedUploadedFile(TemporaryUploadedFile):
    """A TemporaryUploadedFile in the staging folder (deleted when closed, like Django's)."""

    def __init__(
        self,
        name: str | None,
        content_type: str | None,
        size: int,
        charset: str | None,
        content_type_extra: dict[str, bytes] | None = None,
    ) -> None:
        _, ext = os.path.splitext(name or "")
        suffix, folder = ".upload" + ext[:10], storage.upload_dir()
        handle = tempfile.NamedTemporaryFile(suffix=suffix, dir=folder)  # noqa: SIM115
        UploadedFile.__init__(self, handle, name, content_type, size, charset, content_type_extra)


class StagedFileUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        FileUploadHandler.new_file(self, *args, **kwargs)
        self.file = StagedUploadedFile(
            self.file_name, self.content_type, 0, self.charset, self.content_type_extra
        )


class BodyGuard:
    """Wraps the request's body stream; `complete()` tells whether the whole body arrived."""

    TAIL = 512

    def __init__(self, stream: Any, content_type: str | None, content_length: int) -> None:
        self.stream = stream
        self.expected = content_length
        self.received = 0
        self.tail = b""
        _, params = parse_header_parameters(content_type or "")
        self.boundary = params.get("boundary", "").encode("ascii", "replace")

    def _seen(self, data: bytes) -> bytes:
        self.received += len(data)
        self.tail = (self.tail + data)[-self.TAIL :]
        return data

    def read(self, *args: Any) -> bytes:
        return self._seen(self.stream.read(*args))

    def readline(self, *args: Any) -> bytes:
        return self._seen(self.stream.readline(*args))

    def seekable(self) -> bool:
        return False  # as the LimitedStream it wraps: Django asks before re-reading a body

    # close() and whatever else Django asks of the stream it wraps
    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)

    def complete(self) -> bool:
        """The whole body arrived; a multipart body also ends with its closing boundary.
        (A form without a file comes url-encoded: no boundary to look for.)"""
        if self.received != self.expected:
            return False
        if not self.boundary:
            return True
        closing = b"--" + self.boundary + b"--"
        return self.tail.rstrip(b"\r\n").endswith(closing)


MULTIPART_OVERHEAD = 1024 * 1024  # what a body may carry besides its files (fields, boundaries)


def content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def limit(request: HttpRequest, files_allowed: int) -> FileSizeLimitHandler | None:
    """Refuse (None) a body larger than `files_allowed` full-size photos before reading it;
    otherwise install the handlers that stop storing any single file past the limit."""
    file_bytes = app_settings.MAX_FILE_BYTES
    if content_length(request) > files_allowed * file_bytes + MULTIPART_OVERHEAD:
        return None
    return install(request, file_bytes)


def install(request: HttpRequest, limit: int) -> FileSizeLimitHandler:
    """Set the handlers and the guard before anything reads the body; returns the size handler."""
    length = content_length(request)
    handler = FileSizeLimitHandler(request, limit)
    request.upload_handlers = [
        handler,
        MemoryFileUploadHandler(request),
        StagedFileUploadHandler(request),
    ]
    # Django's WSGIRequest reads the body through `_stream` (a LimitedStream over wsgi.input).
    guard = BodyGuard(request._stream, request.META.get("CONTENT_TYPE"), length)
    handler.body = guard
    request._stream = guard  # type: ignore[assignment]  # reads like the stream it wraps
    return handler


def complete(handler: FileSizeLimitHandler) -> bool:
    return not handler.interrupted and handler.body.complete()
