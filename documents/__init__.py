"""Document photo submissions: upload page and JSON endpoint, image checks, private storage,
staff review.

URLs (under /<lang>/documents/): documents:upload (the "Send documents" page,
also the JSON endpoint), documents:check (instant check of one photo),
documents:submission_list ("My submissions"), documents:submission_detail,
documents:thumbnail (owner or staff). Admin: the submission queue with the
PDF (admin:documents_submission_pdf) and full photos for staff.

Views hold request and response only; the upload script's texts are in
script_texts.py, the JSON of a submission in serialisation.py.
Pipeline: imaging.py (one file: type, bomb limit, decode, orient, convert,
re-encode), quality.py (measured thresholds), services.py (all or nothing),
storage.py (PRIVATE_MEDIA_ROOT, no URLs; streaming to permitted viewers; staging).
Settings: conf.py (DOCUMENTS_*). Commands: documents_clean_staging (temp files of
killed workers), documents_purge_photos (retention.purge).
"""
