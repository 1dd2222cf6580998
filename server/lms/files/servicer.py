"""gRPC servicer of file downloads: authorise, then stream the object in bounded pieces."""
from __future__ import annotations

from google.api import httpbody_pb2

from lms.files import service
from lms.files.v1 import files_pb2_grpc
from lms.platform.context import current_call
from lms.platform.errors import NotFound


class FileServicer(files_pb2_grpc.FileServiceServicer):
    async def GetFile(self, request, context):
        call = current_call()
        parts = service.resolve_tenant(call, request.key)
        row = await service.downloadable(await call.session(), call, request.key, parts)
        selected = service.byte_range(call.metadata.get("range", ""), row.size)
        call.response_headers.extend(service.response_headers(row, selected))
        start, end = selected if selected is not None else (0, None)
        chunks = call.runtime.storage.read(row.key, start, end)
        try:
            first = await anext(chunks, b"")
        except (FileNotFoundError, LookupError) as exc:
            raise NotFound() from exc
        except Exception as exc:
            if type(exc).__name__ in ("NoSuchKey", "ClientError") and "NoSuchKey" in str(exc):
                raise NotFound() from exc
            raise
        # The edge takes the content type from the first message; later pieces carry only data.
        yield httpbody_pb2.HttpBody(content_type=row.content_type, data=first)
        async for chunk in chunks:
            yield httpbody_pb2.HttpBody(data=chunk)
