"""What the JSON endpoints answer about a submission and its photos."""

from typing import Any

from documents.errors import warning_dict
from documents.models import Submission


def submission_json(submission: Submission) -> dict[str, Any]:
    """A stored submission, as the upload endpoint answers a script (201)."""
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
