"""One seeded victim/attacker tenant pair per backend, shared by the proof tests (seeding costs seconds)."""
import pytest

from tests.proof.world import World


@pytest.fixture(scope="session")
def world(stack) -> World:
    seeded = World(stack)
    seeded.seed()
    return seeded
