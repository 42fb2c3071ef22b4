"""The child's side of portal/sandbox.py: read the one job this child process is given.

A child is forked by the module's fork server (portal/sandbox_forkserver.py),
which knows nothing of the job, or started fresh; either way the job does not
come in argv: stdin carries one line of JSON parameters, then the file's
bytes. No Django here.
"""

import json
import sys

MAX_PARAMS_BYTES = 64 * 1024


def read_job(max_file_bytes: int | None = None) -> tuple[dict, bytes]:
    """(parameters, file bytes); a child whose stdin closes before a job arrives exits quietly
    (its web worker stopped)."""
    line = sys.stdin.buffer.readline(MAX_PARAMS_BYTES)
    if not line.strip():
        sys.exit(0)
    params = json.loads(line)
    limit = params.get("max_file_bytes", max_file_bytes)
    data = sys.stdin.buffer.read() if limit is None else sys.stdin.buffer.read(limit + 1)
    return params, data
