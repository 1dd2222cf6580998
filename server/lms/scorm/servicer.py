"""gRPC servicers of SCORM: the documented course routes and the launch session's player routes."""
from __future__ import annotations

from importlib import resources

from google.api import httpbody_pb2
from google.protobuf import struct_pb2

from lms.platform.errors import NotFound
from lms.platform.protos import nullable_number
from lms.platform.servicing import rpc
from lms.platform.uploads import Upload
from lms.platform.validation import present
from lms.scorm import player, service, tracking
from lms.scorm.v1 import scorm_pb2, scorm_pb2_grpc

RUNTIME_FILES = {"scorm12.min.js", "scorm2004.min.js"}
_runtime_cache: dict[str, bytes] = {}


def package_message(package) -> scorm_pb2.ScormPackage:
    organizations = struct_pb2.ListValue()
    organizations.extend(package.organizations)
    return scorm_pb2.ScormPackage(
        id=package.id, course_id=package.course_id, version=package.version, title=package.title,
        identifier=package.identifier, default_organization=package.default_organization,
        organizations=organizations, file_count=package.file_count, size=package.size,
        scos=[scorm_pb2.Sco(identifier=s["identifier"], title=s["title"], launch_path=s["launch"],
                            scorm_type=s["scorm_type"], parameters=s["parameters"],
                            mastery_score=nullable_number(s.get("mastery_score")),
                            prerequisites=s.get("prerequisites", ""),
                            resource_identifier=s["resource_identifier"]) for s in package.scos])


def tracking_message(result: service.TrackResult) -> scorm_pb2.Tracking:
    row = result.row
    return scorm_pb2.Tracking(sco=row.sco, attempt=row.attempt, completion_status=row.completion_status,
                              success_status=row.success_status, progress=row.progress,
                              score=nullable_number(row.score_raw), location=row.location,
                              total_time_seconds=int(row.total_time), package_completed=result.package_completed)


class ScormServicer(scorm_pb2_grpc.ScormServiceServicer):
    @rpc
    async def UploadPackage(self, request_iterator, call):
        package, _ = await service.upload_package(call, await Upload.open(request_iterator))
        return package_message(package)

    @rpc
    async def LaunchPackage(self, request, call, session):
        view = await service.launch(session, call, request.course_id)
        tenant = call.require_tenant()
        url = call.absolute_url(service.player_path(tenant, view.token))
        return scorm_pb2.Launch(
            launch_url=url, version=view.package.version, package_id=view.package.id, title=view.package.title,
            expires_at=view.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            scos=[scorm_pb2.LaunchSco(identifier=sco["identifier"], title=sco["title"], status=status,
                                      launch_url=f"{url}?sco={_quote(sco['identifier'])}")
                  for sco, status in view.scos])

    @rpc
    async def TrackProgress(self, request, call):
        return tracking_message(await tracking.track(call, request.course_id, present(request.track)))

    @rpc
    async def ExportCourse(self, request, call, session):
        out, name = await service.export(session, call, request.course_id, request.version)
        with out:
            call.add_response_headers([("content-disposition", f'attachment; filename="{name}"'),
                                       ("x-content-type-options", "nosniff")])
            first = True
            while chunk := out.read(256 * 1024):
                yield httpbody_pb2.HttpBody(content_type="application/zip" if first else "", data=chunk)
                first = False
            if first:
                yield httpbody_pb2.HttpBody(content_type="application/zip", data=b"")


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


class ScormPlayerServicer(scorm_pb2_grpc.ScormPlayerServiceServicer):
    @rpc
    async def GetPlayer(self, request, call):
        view = await service.player(call, request.tenant, request.session, request.sco)
        package = view.launched.package
        page = player.render(base=f"/api/lms/scorm/sessions/{request.tenant}/{request.session}",
                             version=package.version, title=package.title, organization=view.organization,
                             sco=view.sco, attempt=view.attempt.number,
                             statuses={s["identifier"]: st for s, st in view.scos}, data=view.data,
                             locked=view.locked)
        call.add_response_headers([("cache-control", "no-store"), ("referrer-policy", "no-referrer"),
                                   ("x-content-type-options", "nosniff"), ("x-frame-options", "SAMEORIGIN")])
        return httpbody_pb2.HttpBody(content_type="text/html; charset=utf-8", data=page.encode())

    @rpc
    async def GetRuntime(self, request, call):
        if request.name not in RUNTIME_FILES:
            raise NotFound()
        await service.open_session(call, request.tenant, request.session)
        data = _runtime_cache.get(request.name)
        if data is None:
            data = _runtime_cache[request.name] = resources.files("lms.scorm").joinpath("static").joinpath(
                request.name).read_bytes()
        call.add_response_headers([("cache-control", "private, max-age=3600"), ("x-content-type-options", "nosniff")])
        return httpbody_pb2.HttpBody(content_type="text/javascript; charset=utf-8", data=data)

    @rpc
    async def GetContent(self, request, call):
        row = await service.content(call, request.tenant, request.session, request.path)
        call.add_response_headers(service.CONTENT_HEADERS)
        chunks = call.runtime.storage.read(row.key)
        try:
            first = await anext(chunks, b"")
        except (FileNotFoundError, LookupError) as exc:
            raise NotFound() from exc
        yield httpbody_pb2.HttpBody(content_type=row.content_type, data=first)
        async for chunk in chunks:
            yield httpbody_pb2.HttpBody(data=chunk)

    @rpc
    async def Commit(self, request, call):
        result = await service.commit(call, request.tenant, request.session, request.sco, request.attempt,
                                      present(request.data), finished=request.finished)
        return scorm_pb2.CommitResult(result=True, error_code=0, package_completed=result.package_completed)
