"""gRPC servicers of course content: parse the request, call the service, convert the result.

Creating and changing lessons and resources are streamed uploads (`lms.platform.uploads`): the body
is JSON or multipart/form-data with the file. Rights and ids are checked before the body is read;
`read` stores the file (and releases the session while it streams), then the service writes the row
in a fresh transaction.
"""
from __future__ import annotations

from google.protobuf import empty_pb2

from lms.content import service
from lms.content.messages import faq_message, lesson_message, module_message, resource_message
from lms.content.models import Faq, Resource
from lms.content.v1 import (
    faqs_pb2, faqs_pb2_grpc, lessons_pb2, lessons_pb2_grpc, modules_pb2, modules_pb2_grpc, resources_pb2,
    resources_pb2_grpc,
)
from lms.platform.servicing import rpc
from lms.platform.uploads import Upload
from lms.platform.validation import present


def _tree_message(call, tree: service.ModuleTree):
    return module_message(call, tree.module, tree.lessons)


class ModuleServicer(modules_pb2_grpc.ModuleServiceServicer):
    @rpc
    async def ListModules(self, request, call, session):
        trees = await service.list_modules(session, call, request.course_id)
        return modules_pb2.ListModulesResponse(modules=[_tree_message(call, t) for t in trees])

    @rpc
    async def CreateModule(self, request, call, session):
        tree = await service.create_module(session, call, request.course_id, present(request.module))
        return _tree_message(call, tree)

    @rpc
    async def GetModule(self, request, call, session):
        return _tree_message(call, await service.get_module(session, call, request.course_id,
                                                            request.module_id))

    async def ReplaceModule(self, request, context):
        return await self._change(request, partial=False)

    async def UpdateModule(self, request, context):
        return await self._change(request, partial=True)

    @rpc
    async def _change(self, request, call, session, *, partial: bool):
        tree = await service.change_module(session, call, request.course_id, request.module_id,
                                           present(request.module), partial=partial)
        return _tree_message(call, tree)

    @rpc
    async def DeleteModule(self, request, call, session):
        await service.delete_module(session, call, request.course_id, request.module_id)
        return empty_pb2.Empty()


class LessonServicer(lessons_pb2_grpc.LessonServiceServicer):
    @rpc
    async def ListLessons(self, request, call, session):
        lessons = await service.list_lessons(session, call, request.course_id, request.module_id)
        return lessons_pb2.ListLessonsResponse(lessons=[lesson_message(call, lesson) for lesson in lessons])

    @rpc
    async def CreateLesson(self, request_iterator, call):
        upload = await Upload.open(request_iterator)
        ids = upload.request
        course = await service.course_for_lesson_upload(await call.session(), call, ids.course_id, ids.module_id)
        form = await upload.read(call, files={"content_file": service.LESSON_FILE}, course_id=course.id,
                                 course_slug=course.slug)
        lesson = await service.create_lesson(await call.session(), call, course.id, ids.module_id, form.present(),
                                             content_file=form.files.get("content_file"))
        return lesson_message(call, lesson)

    @rpc
    async def GetLesson(self, request, call, session):
        lesson = await service.get_lesson(session, call, request.course_id, request.module_id,
                                          request.lesson_id)
        return lesson_message(call, lesson)

    async def ReplaceLesson(self, request_iterator, context):
        return await self._change(request_iterator, partial=False)

    async def UpdateLesson(self, request_iterator, context):
        return await self._change(request_iterator, partial=True)

    @rpc
    async def _change(self, request_iterator, call, *, partial: bool):
        upload = await Upload.open(request_iterator)
        ids = upload.request
        course = await service.course_for_lesson_upload(await call.session(), call, ids.course_id, ids.module_id,
                                                        ids.lesson_id)
        form = await upload.read(call, files={"content_file": service.LESSON_FILE}, course_id=course.id,
                                 course_slug=course.slug)
        lesson = await service.change_lesson(await call.session(), call, course.id, ids.module_id, ids.lesson_id,
                                             form.present(), partial=partial,
                                             content_file=form.files.get("content_file"))
        return lesson_message(call, lesson)

    @rpc
    async def DeleteLesson(self, request, call, session):
        await service.delete_lesson(session, call, request.course_id, request.module_id,
                                    request.lesson_id)
        return empty_pb2.Empty()


class ResourceServicer(resources_pb2_grpc.ResourceServiceServicer):
    @rpc
    async def ListResources(self, request, call, session):
        resources = await service.list_resources(session, call, request.course_id)
        return resources_pb2.ListResourcesResponse(resources=[resource_message(call, r) for r in resources])

    @rpc
    async def CreateResource(self, request_iterator, call):
        upload = await Upload.open(request_iterator)
        course = await service.course_for_resource_upload(await call.session(), call, upload.request.course_id)
        form = await upload.read(call, files={"file": service.RESOURCE_FILE}, course_id=course.id,
                                 course_slug=course.slug)
        resource = await service.create_resource(await call.session(), call, course.id, form.present(),
                                                 file=form.files.get("file"))
        return resource_message(call, resource)

    @rpc
    async def ReorderResources(self, request, call, session):
        resources = await service.reorder(session, call, Resource, "resources", request.course_id,
                                          [present(item) for item in request.resources])
        return resources_pb2.ListResourcesResponse(resources=[resource_message(call, r) for r in resources])

    @rpc
    async def GetResource(self, request, call, session):
        resource = await service.get_resource(session, call, request.course_id, request.resource_id)
        return resource_message(call, resource)

    async def ReplaceResource(self, request_iterator, context):
        return await self._change(request_iterator, partial=False)

    async def UpdateResource(self, request_iterator, context):
        return await self._change(request_iterator, partial=True)

    @rpc
    async def _change(self, request_iterator, call, *, partial: bool):
        upload = await Upload.open(request_iterator)
        ids = upload.request
        course = await service.course_for_resource_upload(await call.session(), call, ids.course_id,
                                                          ids.resource_id)
        form = await upload.read(call, files={"file": service.RESOURCE_FILE}, course_id=course.id,
                                 course_slug=course.slug)
        resource = await service.change_resource(await call.session(), call, course.id, ids.resource_id,
                                                 form.present(), partial=partial, file=form.files.get("file"))
        return resource_message(call, resource)

    @rpc
    async def DeleteResource(self, request, call, session):
        await service.delete_resource(session, call, request.course_id, request.resource_id)
        return empty_pb2.Empty()


class FaqServicer(faqs_pb2_grpc.FaqServiceServicer):
    @rpc
    async def ListFaqs(self, request, call, session):
        faqs = await service.list_faqs(session, call, request.course_id)
        return faqs_pb2.ListFaqsResponse(faqs=[faq_message(f) for f in faqs])

    @rpc
    async def CreateFaq(self, request, call, session):
        faq = await service.create_faq(session, call, request.course_id, present(request.faq))
        return faq_message(faq)

    @rpc
    async def ReorderFaqs(self, request, call, session):
        faqs = await service.reorder(session, call, Faq, "faqs", request.course_id,
                                     [present(item) for item in request.faqs])
        return faqs_pb2.ListFaqsResponse(faqs=[faq_message(f) for f in faqs])

    @rpc
    async def GetFaq(self, request, call, session):
        return faq_message(await service.get_faq(session, call, request.course_id, request.faq_id))

    async def ReplaceFaq(self, request, context):
        return await self._change(request, partial=False)

    async def UpdateFaq(self, request, context):
        return await self._change(request, partial=True)

    @rpc
    async def _change(self, request, call, session, *, partial: bool):
        faq = await service.change_faq(session, call, request.course_id, request.faq_id,
                                       present(request.faq), partial=partial)
        return faq_message(faq)

    @rpc
    async def DeleteFaq(self, request, call, session):
        await service.delete_faq(session, call, request.course_id, request.faq_id)
        return empty_pb2.Empty()
