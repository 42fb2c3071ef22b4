"""An upload handler that stops storing a file as soon as it passes the size limit.

Without it a 2 GB "photo" would be streamed to a temp file before the view
could refuse it. Skipped files are remembered (in order) so the view can
report them as too large.
"""
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class FileSizeLimitHandler(FileUploadHandler):
    def __init__(self, request=None, limit=0):
        super().__init__(request)
        self.limit = limit
        self.order = []  # every file name seen, in order
        self.too_large = set()  # positions in `order` that were skipped
        self._received = 0

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.order.append(file_name)
        self._received = 0

    def receive_data_chunk(self, raw_data, start):
        self._received += len(raw_data)
        if self._received > self.limit:
            self.too_large.add(len(self.order) - 1)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers (memory, temp file) build the file
