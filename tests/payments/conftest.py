"""Payments tests run against their own stack, whose Stripe API base is a local stub (never the internet)."""
from __future__ import annotations

import pytest

from tests.conftest import BACKENDS
from tests.payments.stripe_stub import StripeStub
from tests.stack import make_stack


@pytest.fixture(scope="session")
def stripe_stub() -> StripeStub:
    stub = StripeStub().start()
    yield stub
    stub.stop()


@pytest.fixture(scope="session", params=BACKENDS)
def stack(request, tmp_path_factory, stripe_stub):
    running = make_stack(request.param, tmp_path_factory.mktemp(f"payments-{request.param}"),
                         LMS_STRIPE_API_BASE=stripe_stub.url)
    running.start()
    yield running
    running.stop()
