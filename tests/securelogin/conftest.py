"""Fixtures for the securelogin tests: clients with each device kind, fast hashing."""

import pytest

from securelogin.models import SecurityDevice
from tests.securelogin.helpers import fast_sign_in, make_client


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    fast_sign_in(settings)


@pytest.fixture
def ios_client(db):
    return make_client("anna", SecurityDevice.Kind.IOS)


@pytest.fixture
def android_client(db):
    return make_client("bert", SecurityDevice.Kind.ANDROID)


@pytest.fixture
def dsc_client(db):
    return make_client("carla", SecurityDevice.Kind.DSC)


@pytest.fixture(params=["ios", "android", "dsc"])
def any_client(request, db):
    return make_client(f"client-{request.param}", request.param)
