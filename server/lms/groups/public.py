"""The groups domain's public face: what other domains may use of it (the live channel's room check)."""
from __future__ import annotations

from lms.groups.service import is_member

__all__ = ["is_member"]
