"""gRPC servicer of the activity log: request in, service call, message out."""
from __future__ import annotations

from lms.activitylog import service
from lms.activitylog.models import ActivityLog
from lms.activitylog.v1 import activitylog_pb2, activitylog_pb2_grpc
from lms.platform.pagination import PageRequest, page_envelope
from lms.platform.protos import timestamp
from lms.platform.servicing import rpc


def log_message(row: ActivityLog) -> activitylog_pb2.ActivityLog:
    return activitylog_pb2.ActivityLog(
        id=row.id, user_id=row.user_id, tenant_id=row.tenant_id, activity_type=row.activity_type,
        object_type=row.object_type, object_id=row.object_id, description=row.description,
        ip_address=row.ip_address, user_agent=row.user_agent, request_id=row.request_id,
        timestamp=timestamp(row.created_at))


def _optional(request, field: str) -> str | None:
    return getattr(request, field) if request.HasField(field) else None


class ActivityLogServicer(activitylog_pb2_grpc.ActivityLogServiceServicer):
    @rpc
    async def ListActivityLogs(self, request, call, session):
        page = PageRequest.from_request(request)
        rows, total = await service.list_logs(
            session, call.actor, page, **{field: _optional(request, field) for field in (
                "user_id", "activity_type", "date_from", "date_to", "object_type", "object_id")})
        return activitylog_pb2.ListActivityLogsResponse(**page_envelope(call, request, page, total),
                                                        results=[log_message(row) for row in rows])
