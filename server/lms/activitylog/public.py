"""The activity log's public face. Importing it (the app imports every public face at start-up) connects the
log to the interceptor's hooks and registers the retention task; other domains need nothing from it: they
add a line to lms.activitylog.catalog for a new kind of action."""
from __future__ import annotations

from lms.activitylog import recording, service
from lms.activitylog.recording import array_item, batch_parameters, batched_insert, enabled
from lms.activitylog.catalog import ACTIVITY_TYPES
from lms.platform import background, hooks

hooks.call_succeeded.connect(recording.call_succeeded)
hooks.call_refused.connect(recording.call_refused)
background.register("activitylog.retention", service.prune_forever)

__all__ = ["ACTIVITY_TYPES", "array_item", "batch_parameters", "batched_insert", "enabled"]
