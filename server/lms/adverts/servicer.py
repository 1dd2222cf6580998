"""gRPC servicer of adverts: request in, service call, message out."""
from __future__ import annotations

from google.protobuf import empty_pb2

from lms.adverts import service
from lms.adverts.counting import TALLY
from lms.adverts.models import IMAGE_KIND, Advert
from lms.adverts.v1 import adverts_pb2, adverts_pb2_grpc
from lms.platform import files
from lms.platform.context import Call
from lms.platform.errors import NotFound
from lms.platform.models import utcnow
from lms.platform.pagination import PageRequest, page_envelope
from lms.platform.protos import nullable_number, timestamp
from lms.platform.servicing import rpc
from lms.platform.storage import file_url
from lms.platform.uploads import IMAGES, FileField, Upload
from lms.platform.validation import present

IMAGE = FileField(IMAGE_KIND, IMAGES, required=True)
IMAGE_SLUG = "_adverts"  # the key's course segment (no course slug starts with "_")


def advert_message(call: Call, a: Advert, now) -> adverts_pb2.Advert:
    admin = call.actor.is_admin
    return adverts_pb2.Advert(
        id=a.id, title=a.title, content=a.content, advert_type=a.advert_type, is_active=a.is_active,
        start_date=timestamp(a.start_date), end_date=timestamp(a.end_date), target_audience=a.target_audience,
        course=nullable_number(a.course_id), link_url=a.link_url, image_url=file_url(call, a.image),
        is_live=service.is_live(a, now), impressions=_capped(a.impressions) if admin else 0,
        clicks=_capped(a.clicks) if admin else 0,
        created_at=timestamp(a.created_at), updated_at=timestamp(a.updated_at))


class AdvertServicer(adverts_pb2_grpc.AdvertServiceServicer):
    @rpc
    async def ListAdverts(self, request, call):
        actor = call.actor
        page = PageRequest.from_request(request)
        if actor.is_admin:
            await TALLY.flush(call.runtime, actor.tenant_id)  # admins read this worker's latest counts
        rows, total = await service.list_adverts(
            await call.session(), actor, page, advert_type=request.advert_type if request.HasField("advert_type")
            else None, include_inactive=request.include_inactive)
        now = utcnow()
        return adverts_pb2.ListAdvertsResponse(**page_envelope(call, request, page, total),
                                               results=[advert_message(call, a, now) for a in rows])

    @rpc
    async def CreateAdvert(self, request, call):
        call.require_user()
        advert = await service.create_advert(await call.session(), call.actor, present(request.advert))
        return advert_message(call, advert, utcnow())

    @rpc
    async def GetAdvert(self, request, call):
        actor = call.actor
        if actor.is_admin:
            await TALLY.flush(call.runtime, actor.tenant_id)
        return advert_message(call, await service.get_advert(await call.session(), actor, request.advert_id),
                              utcnow())

    @rpc
    async def ReplaceAdvert(self, request, call):
        call.require_user()
        advert = await service.change_advert(await call.session(), call.actor, request.advert_id,
                                             present(request.advert), partial=False)
        return advert_message(call, advert, utcnow())

    @rpc
    async def UpdateAdvert(self, request, call):
        call.require_user()
        advert = await service.change_advert(await call.session(), call.actor, request.advert_id,
                                             present(request.advert), partial=True)
        return advert_message(call, advert, utcnow())

    @rpc
    async def DeleteAdvert(self, request, call):
        call.require_user()
        session = await call.session()
        image = await service.delete_advert(session, call.actor, request.advert_id)
        if image:
            await files.discard(session, call, [image])
        return empty_pb2.Empty()

    @rpc
    async def UploadAdvertImage(self, request_iterator, call):
        call.require_user()
        upload = await Upload.open(request_iterator)
        await service.advert_for_image(await call.session(), call.actor, upload.request.advert_id)
        form = await upload.read(call, files={"image": IMAGE}, course_id=None, course_slug=IMAGE_SLUG,
                                 allow_json=False)
        session = await call.session()  # a fresh transaction: the body has streamed
        advert = await service.advert_for_image(session, call.actor, upload.request.advert_id)
        old, advert.image = advert.image, form.files["image"].key
        if old:
            await files.discard(session, call, [old])
        await session.flush()
        return advert_message(call, advert, utcnow())

    @rpc
    async def DeleteAdvertImage(self, request, call):
        call.require_user()
        session = await call.session()
        advert = await service.advert_for_image(session, call.actor, request.advert_id)
        if not advert.image:
            raise NotFound()
        await files.discard(session, call, [advert.image])
        advert.image = ""
        await session.flush()
        return empty_pb2.Empty()

    @rpc
    async def RecordImpression(self, request, call):
        TALLY.add(call.runtime, call.require_tenant(), _id(request.advert_id), impressions=1)
        return empty_pb2.Empty()

    @rpc
    async def RecordClick(self, request, call):
        TALLY.add(call.runtime, call.require_tenant(), _id(request.advert_id), clicks=1)
        return empty_pb2.Empty()

    @rpc
    async def RecordImpressions(self, request, call):
        tenant = call.require_tenant()
        for advert_id in service.check_ids(list(request.adverts)):
            TALLY.add(call.runtime, tenant, advert_id, impressions=1)
        return empty_pb2.Empty()


def _capped(count: int) -> int:
    return min(count, 2**31 - 1)


def _id(advert_id: int) -> int:
    if advert_id < 1:
        raise NotFound()
    return advert_id
