"""The users domain's public face: the tenant's directory (names and profiles) for other domains."""
from __future__ import annotations

from lms.users.directory import PROFILE_FIELDS, display_names, profiles, remember_caller
from lms.users.models import DirectoryUser, full_name

__all__ = ["PROFILE_FIELDS", "DirectoryUser", "display_names", "full_name", "profiles", "remember_caller"]
