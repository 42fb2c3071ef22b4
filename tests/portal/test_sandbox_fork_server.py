"""The sandbox's fork server: imports once, forks a new child with the job's limits per job."""

import os
import signal
import time

import pytest

from documents import imaging
from portal import sandbox
from tests.documents import images
from tests.documents.conftest import upload

MODULE = "documents.decoding"


@pytest.fixture
def staging(tmp_path):
    return tmp_path


def check(staging):
    return imaging.process_photo(upload(images.sharp_jpeg()), staging, keep=False)


def children_of(pid):
    with open(f"/proc/{pid}/task/{pid}/children") as listing:
        return [int(child) for child in listing.read().split()]


def test_each_job_is_a_new_child_of_the_server_that_ends_with_it(staging):
    check(staging)
    server = sandbox.fork_server(MODULE)
    jobs_before = sandbox.usage.jobs
    assert check(staging).width == 1240
    assert check(staging).width == 1240
    assert sandbox.fork_server(MODULE) is server  # the same server, its imports done once
    assert sandbox.usage.jobs == jobs_before + 2
    deadline = time.monotonic() + 5
    while children_of(server.process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert children_of(server.process.pid) == []  # no child outlives its job


def test_a_job_gets_its_own_limits(staging, settings):
    check(staging)
    settings.SANDBOX_LIMITS = {"memory_bytes": 200 * 1024 * 1024}  # under the imports' own need
    with pytest.raises(imaging.PhotoRefused) as refused:
        check(staging)
    assert refused.value.code == "too_complex"
    settings.SANDBOX_LIMITS = {}
    assert check(staging).width == 1240  # the next job has the usual limits again


def test_a_server_that_died_is_started_again(staging):
    check(staging)
    server = sandbox.fork_server(MODULE)
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait()
    assert check(staging).width == 1240
    assert sandbox.fork_server(MODULE) is not server


def test_the_server_exits_when_its_worker_lets_go(staging):
    check(staging)
    server = sandbox._servers.pop(MODULE)
    server.control.close()  # what the kernel does when the web worker exits
    assert server.process.wait(timeout=10) == 0


def test_the_fork_server_can_be_turned_off(staging, settings):
    settings.SANDBOX_FORK_SERVER = False
    jobs_before = sandbox.usage.jobs
    assert check(staging).width == 1240
    assert sandbox.usage.jobs == jobs_before  # a fresh Python did it
