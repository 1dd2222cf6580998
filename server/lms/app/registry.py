"""The servicers the gRPC server exposes: adding a domain means adding its servicers here."""
from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import pkgutil
import sys

from google.protobuf.descriptor import ServiceDescriptor


@dataclasses.dataclass(frozen=True)
class Binding:
    servicer_class: type
    add_to_server: object
    descriptor: ServiceDescriptor


def load_public_faces() -> list[str]:
    """Imports every domain's public module (`lms.<domain>.public`), which connects the domain to those
    below it (lms.platform.hooks, the course detail's outline): before any request is served."""
    import lms

    loaded = []
    for package in pkgutil.iter_modules(lms.__path__):
        if package.ispkg and importlib.util.find_spec(f"lms.{package.name}.public") is not None:
            importlib.import_module(f"lms.{package.name}.public")
            loaded.append(package.name)
    return loaded


def servicer_classes() -> list[type]:
    load_public_faces()
    from lms.activitylog.servicer import ActivityLogServicer
    from lms.adverts.servicer import AdvertServicer
    from lms.ai_chat.servicer import AiChatServicer
    from lms.assignments.servicer import AssignmentServicer, SubmissionServicer
    from lms.carts.servicer import CartServicer, CouponServicer
    from lms.certificates.servicer import CertificateServicer
    from lms.chat.servicer import ChatServicer
    from lms.content.servicer import FaqServicer, LessonServicer, ModuleServicer, ResourceServicer
    from lms.courses.servicer import CategoryServicer, CourseInstructorServicer, CourseServicer
    from lms.enrollments.servicer import EnrollmentServicer
    from lms.files.servicer import FileServicer
    from lms.forums.servicer import ForumServicer
    from lms.gamification.servicer import BadgeServicer, PointsServicer
    from lms.groups.servicer import GroupServicer
    from lms.learningpaths.servicer import LearningPathServicer
    from lms.messaging.servicer import MessageServicer
    from lms.schedules.servicer import ScheduleServicer
    from lms.scorm.servicer import ScormPlayerServicer, ScormServicer
    from lms.payments.servicer import PaymentServicer
    from lms.system.servicer import SystemServicer
    from lms.users.servicer import UserDirectoryServicer

    return [
        SystemServicer,
        UserDirectoryServicer,
        CategoryServicer,
        CourseServicer,
        CourseInstructorServicer,
        ModuleServicer,
        LessonServicer,
        ResourceServicer,
        FaqServicer,
        EnrollmentServicer,
        CertificateServicer,
        LearningPathServicer,
        FileServicer,
        ChatServicer,
        AssignmentServicer,
        SubmissionServicer,
        BadgeServicer,
        PointsServicer,
        GroupServicer,
        ForumServicer,
        ScheduleServicer,
        AdvertServicer,
        AiChatServicer,
        CartServicer,
        CouponServicer,
        PaymentServicer,
        ScormServicer,
        ScormPlayerServicer,
        MessageServicer,
        ActivityLogServicer,
    ]


def bind(servicer_class: type) -> Binding:
    """Finds the generated add-function and service descriptor of a servicer from its generated base."""
    base = next(b for b in servicer_class.__mro__[1:] if b.__module__.endswith("_pb2_grpc"))
    grpc_module = sys.modules[base.__module__]
    messages_module = importlib.import_module(base.__module__.removesuffix("_grpc"))
    service_name = base.__name__.removesuffix("Servicer")
    return Binding(servicer_class, getattr(grpc_module, f"add_{base.__name__}_to_server"),
                   messages_module.DESCRIPTOR.services_by_name[service_name])


def bindings() -> list[Binding]:
    return [bind(cls) for cls in servicer_classes()]
