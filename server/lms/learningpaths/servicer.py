"""gRPC servicer of learning paths."""
from __future__ import annotations

from google.protobuf import empty_pb2

from lms.learningpaths import service
from lms.learningpaths.v1 import learningpaths_pb2, learningpaths_pb2_grpc
from lms.platform.context import current_call
from lms.platform.protos import timestamp
from lms.platform.validation import present


def path_message(view: service.PathView) -> learningpaths_pb2.LearningPath:
    p = view.path
    completed = sum(1 for _, _, _, done in view.courses if done)
    total = len(view.courses)
    return learningpaths_pb2.LearningPath(
        id=p.id, title=p.title, description=p.description, is_active=p.is_active, order=p.order,
        course_ids=view.course_ids,
        courses=[learningpaths_pb2.PathCourse(
            id=c.id, title=c.title, slug=c.slug, code=c.code, level=c.level, position=position,
            is_enrolled=enrolled, is_completed=done) for position, c, enrolled, done in view.courses],
        progress=learningpaths_pb2.PathProgress(completed_courses=completed, total_courses=total,
                                                percent=(100 * completed // total) if total else 0),
        created_at=timestamp(p.created_at), updated_at=timestamp(p.updated_at))


class LearningPathServicer(learningpaths_pb2_grpc.LearningPathServiceServicer):
    async def ListLearningPaths(self, request, context):
        call = current_call()
        views = await service.list_paths(await call.session(), call)
        return learningpaths_pb2.ListLearningPathsResponse(learning_paths=[path_message(v) for v in views])

    async def CreateLearningPath(self, request, context):
        call = current_call()
        return path_message(await service.create_path(await call.session(), call, present(request.learning_path)))

    async def GetLearningPath(self, request, context):
        call = current_call()
        return path_message(await service.get_path(await call.session(), call, request.learning_path_id))

    async def ReplaceLearningPath(self, request, context):
        call = current_call()
        return path_message(await service.change_path(await call.session(), call, request.learning_path_id,
                                                      present(request.learning_path), partial=False))

    async def UpdateLearningPath(self, request, context):
        call = current_call()
        return path_message(await service.change_path(await call.session(), call, request.learning_path_id,
                                                      present(request.learning_path), partial=True))

    async def DeleteLearningPath(self, request, context):
        call = current_call()
        await service.delete_path(await call.session(), call, request.learning_path_id)
        return empty_pb2.Empty()
