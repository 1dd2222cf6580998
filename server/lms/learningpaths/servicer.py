"""gRPC servicer of learning paths."""
from __future__ import annotations

from google.protobuf import empty_pb2

from lms.learningpaths import service
from lms.learningpaths.v1 import learningpaths_pb2, learningpaths_pb2_grpc
from lms.platform.protos import timestamp
from lms.platform.servicing import rpc
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
    @rpc
    async def ListLearningPaths(self, request, call, session):
        views = await service.list_paths(session, call)
        return learningpaths_pb2.ListLearningPathsResponse(learning_paths=[path_message(v) for v in views])

    @rpc
    async def CreateLearningPath(self, request, call, session):
        return path_message(await service.create_path(session, call, present(request.learning_path)))

    @rpc
    async def GetLearningPath(self, request, call, session):
        return path_message(await service.get_path(session, call, request.learning_path_id))

    @rpc
    async def ReplaceLearningPath(self, request, call, session):
        return path_message(await service.change_path(session, call, request.learning_path_id,
                                                      present(request.learning_path), partial=False))

    @rpc
    async def UpdateLearningPath(self, request, call, session):
        return path_message(await service.change_path(session, call, request.learning_path_id,
                                                      present(request.learning_path), partial=True))

    @rpc
    async def DeleteLearningPath(self, request, call, session):
        await service.delete_path(session, call, request.learning_path_id)
        return empty_pb2.Empty()
