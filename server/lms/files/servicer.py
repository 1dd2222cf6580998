"""gRPC servicer of file downloads: authorise, then stream the object in bounded pieces."""
from __future__ import annotations

from google.api import httpbody_pb2
from google.protobuf import empty_pb2

from lms.courses.public import course_for_change
from lms.files import service
from lms.files.v1 import files_pb2, files_pb2_grpc
from lms.platform.errors import NotFound
from lms.platform.servicing import rpc
from lms.platform.storage import file_url
from lms.platform.uploads import ALL_TYPES, FileField, Upload

MEDIA = FileField(service.MEDIA_KIND, ALL_TYPES)


class FileServicer(files_pb2_grpc.FileServiceServicer):
    @rpc
    async def GetFile(self, request, call):
        parts = service.resolve_tenant(call, request.key)  # (an anonymous caller's tenant: before the session)
        row = await service.downloadable(await call.session(), call, request.key, parts)
        selected = service.byte_range(call.metadata.get("range", ""), row.size)
        if selected is not None:
            call.set_http_status(206)
        call.add_response_headers(service.response_headers(row, selected))
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

    @rpc
    async def UploadCourseFile(self, request_iterator, call):
        upload = await Upload.open(request_iterator)
        course = await course_for_change(await call.session(), call.actor, upload.request.course_id)
        form = await upload.read(call, files={"file": MEDIA}, course_id=course.id, course_slug=course.slug)
        stored = form.files["file"]
        await course_for_change(await call.session(), call.actor, course.id)  # still there, still theirs
        return files_pb2.CourseFile(key=stored.key, url=file_url(call, stored.key), filename=stored.filename,
                                    content_type=stored.content_type, size=stored.size)

    @rpc
    async def DeleteCourseFile(self, request, call, session):
        await service.delete_media(session, call, request.key)
        return empty_pb2.Empty()
