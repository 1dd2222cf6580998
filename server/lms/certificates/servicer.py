"""gRPC servicer of certificates."""
from __future__ import annotations

from lms.certificates import public, service  # noqa: F401 - (public: connects the certificate hook)
from lms.certificates.v1 import certificates_pb2, certificates_pb2_grpc
from lms.courses.public import settings_message
from lms.platform.protos import timestamp
from lms.platform.servicing import rpc
from lms.platform.storage import file_url
from lms.platform.validation import present


class CertificateServicer(certificates_pb2_grpc.CertificateServiceServicer):
    @rpc
    async def ListMyCertificates(self, request, call, session):
        rows = await service.my_certificates(session, call)
        return certificates_pb2.ListMyCertificatesResponse(certificates=[certificates_pb2.Certificate(
            id=c.id, enrollment=c.enrollment_id, course_title=c.course_title, issued_at=timestamp(c.issued_at),
            certificate_id=c.certificate_id, pdf_file_url=file_url(call, c.pdf_file)) for c in rows])

    @rpc
    async def GetCertificateTemplate(self, request, call, session):
        return settings_message(await service.get_settings(session, call, request.course_id))

    @rpc
    async def UpdateCertificateTemplate(self, request, call, session):
        settings = await service.update_settings(session, call, request.course_id,
                                                 present(request.template))
        return settings_message(settings)

    @rpc
    async def VerifyCertificate(self, request, call):
        certificate = await service.verify(await call.session(), request.certificate_id)
        return certificates_pb2.CertificateVerification(
            certificate_id=certificate.certificate_id, valid=True, learner_name=certificate.learner_name,
            course_title=certificate.course_title, issued_at=timestamp(certificate.issued_at))
