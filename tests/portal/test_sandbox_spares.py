"""Spare sandbox children: started ahead past their imports, each used for one job only."""

import pytest

from documents import imaging
from portal import sandbox
from tests.documents import images
from tests.documents.conftest import upload

MODULE = "documents.decoding"


@pytest.fixture
def staging(tmp_path):
    return tmp_path


@pytest.fixture(autouse=True)
def no_spare_left(settings):
    yield
    waiting = sandbox._spares.pop(MODULE, None)
    if waiting is not None:
        sandbox._discard(waiting[1])


def check(staging):
    return imaging.process_photo(upload(images.sharp_jpeg()), staging, keep=False)


def test_the_waiting_spare_does_the_next_job_once_and_exits(staging):
    check(staging)
    key, spare = sandbox._spares[MODULE]
    assert spare.poll() is None  # started, waiting for a job
    assert check(staging).width == 1240
    assert spare.wait(timeout=5) == 0  # it did that job and exited
    assert sandbox._spares[MODULE][1] is not spare  # a fresh one waits for the next


def test_a_spare_started_with_other_limits_is_not_used(staging, settings):
    check(staging)
    _, spare = sandbox._spares[MODULE]
    settings.SANDBOX_LIMITS = {"cpu_seconds": 3}
    assert check(staging).width == 1240
    assert spare.wait(timeout=5) == -9  # killed unused: its limits were not the ones asked for
    assert '"cpu_seconds": 3' in sandbox._spares[MODULE][0][1]


def test_a_spare_whose_worker_goes_away_exits_quietly(staging):
    check(staging)
    _, spare = sandbox._spares.pop(MODULE)
    spare.stdin.close()  # what the kernel does when the web worker exits
    assert spare.wait(timeout=10) == 0
    assert spare.stdout.read() == b"" and b"Traceback" not in spare.stderr.read()


def test_spares_can_be_turned_off(staging, settings):
    settings.SANDBOX_SPARES = False
    assert check(staging).width == 1240
    assert MODULE not in sandbox._spares
