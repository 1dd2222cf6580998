"""gRPC servicer of certificates."""
from __future__ import annotations

from lms.certificates import service
from lms.certificates.v1 import certificates_pb2, certificates_pb2_grpc
from lms.courses.servicer import settings_message
from lms.platform.context import current_call
from lms.platform.protos import timestamp
from lms.platform.storage import file_url
from lms.platform.validation import present


class CertificateServicer(certificates_pb2_grpc.CertificateServiceServicer):
    async def ListMyCertificates(self, request, context):
        call = current_call()
        rows = await service.my_certificates(await call.session(), call)
        return certificates_pb2.ListMyCertificatesResponse(certificates=[certificates_pb2.Certificate(
            id=c.id, enrollment=c.enrollment_id, course_title=c.course_title, issued_at=timestamp(c.issued_at),
            certificate_id=c.certificate_id, pdf_file_url=file_url(call, c.pdf_file)) for c in rows])

    async def GetCertificateTemplate(self, request, context):
        call = current_call()
        return settings_message(await service.get_settings(await call.session(), call, request.course_id))

    async def UpdateCertificateTemplate(self, request, context):
        call = current_call()
        settings = await service.update_settings(await call.session(), call, request.course_id,
                                                 present(request.template))
        return settings_message(settings)

    async def VerifyCertificate(self, request, context):
        call = current_call()
        certificate = await service.verify(await call.session(), request.certificate_id)
        return certificates_pb2.CertificateVerification(
            certificate_id=certificate.certificate_id, valid=True, learner_name=certificate.learner_name,
            course_title=certificate.course_title, issued_at=timestamp(certificate.issued_at))
