"""Alembic environment. Each domain keeps its revisions in `lms/<domain>/migrations/` as its own
branch (labelled with the domain's name); `lms migrate` upgrades every branch to its head."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from lms.platform.config import Settings

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent))
    locations = sorted(str(p) for p in PACKAGE_DIR.glob("*/migrations") if p.parent.name != "migrations")
    config.set_main_option("version_locations", " ".join(locations))
    config.set_main_option("path_separator", "space")
    config.attributes["database_url"] = settings.sync_database_url
    return config


def upgrade(settings: Settings, target: str = "heads") -> None:
    command.upgrade(alembic_config(settings), target)


def downgrade(settings: Settings, target: str = "base") -> None:
    command.downgrade(alembic_config(settings), target)
