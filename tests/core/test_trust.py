"""The gRPC port's trust and the public verification route's budget (issue 13), on a stack of their own.

The stack trusts only 127.0.0.1 (the edge's address) as a proxy. A direct gRPC caller from another address
(127.0.0.2, through a small TCP relay that connects from there) cannot choose its rate-limit key or its
host with metadata; the anonymous budget is 3 calls an hour.
"""
from __future__ import annotations

import socket
import threading
import uuid

import grpc
import pytest

from lms.certificates.v1 import certificates_pb2, certificates_pb2_grpc
from lms.courses.v1 import courses_pb2, courses_pb2_grpc
from lms.platform import trust
from tests.helpers import assert_error
from tests.stack import make_stack

THROTTLED = grpc.StatusCode.RESOURCE_EXHAUSTED


@pytest.fixture(scope="module")
def guarded_stack(tmp_path_factory):
    stack = make_stack("sqlite", tmp_path_factory.mktemp("guarded"), LMS_RATE_LIMIT_ANON="3/h",
                       LMS_TRUSTED_PROXIES="127.0.0.1/32")
    stack.start()
    yield stack
    stack.stop()


class Relay:
    """Accepts on 127.0.0.1 and connects to `target` from `source`: the worker sees `source` as its peer."""

    def __init__(self, target: tuple[str, int], source: str):
        self.target, self.source = target, source
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target, source_address=(self.source, 0))
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()
        for s in self.sockets:
            s.close()


def _grpc_port(stack) -> int:
    return stack.grpc_port


def test_a_direct_caller_cannot_choose_its_rate_limit_key(guarded_stack):
    relay = Relay(("127.0.0.1", _grpc_port(guarded_stack)), "127.0.0.2")
    try:
        with grpc.insecure_channel(f"127.0.0.1:{relay.port}") as channel:
            stub = courses_pb2_grpc.CourseServiceStub(channel)
            codes = []
            for n in range(5):
                metadata = (("x-tenant-id", "t-relay"), ("x-envoy-external-address", f"203.0.113.{n}"),
                            ("x-forwarded-for", f"198.51.100.{n}"))
                try:
                    stub.ListCourses(courses_pb2.ListCoursesRequest(), metadata=metadata)
                    codes.append(grpc.StatusCode.OK)
                except grpc.RpcError as error:
                    codes.append(error.code())
            # Rotating the forwarded addresses buys nothing: the budget is the peer's (127.0.0.2).
            assert codes == [grpc.StatusCode.OK] * 3 + [THROTTLED] * 2
            # Nor does a forged host reach anything: an untrusted peer's x-forwarded-host is ignored.
            stub2 = certificates_pb2_grpc.CertificateServiceStub(channel)
            with pytest.raises(grpc.RpcError) as error:
                stub2.VerifyCertificate(certificates_pb2.VerifyCertificateRequest(certificate_id="CERT-X-1"),
                                        metadata=(("x-forwarded-host", "evil.example"),))
            assert error.value.code() == THROTTLED  # (not INVALID_ARGUMENT: the host was never believed)
    finally:
        relay.close()


def test_verification_is_charged_to_the_anonymous_budget_even_with_a_token(guarded_stack):
    stack = guarded_stack
    token = stack.token(f"u-{uuid.uuid4().hex[:6]}", "t-verify", ["student"])
    # The edge is the trusted peer: the budget is the client address it names (127.0.0.1 here).
    codes = [stack.client(token).get("/api/lms/certificates/verify/CERT-PY101-AAAA-BBBB-CCCC-DDDD/").status_code
             for _ in range(4)]
    assert codes == [404, 404, 404, 429]
    # The user's own budget is untouched: other routes still answer.
    assert stack.client(token).get("/api/lms/courses/").status_code == 200
    assert_error(stack.client(token).get("/api/lms/certificates/verify/CERT-PY101-AAAA/"), 429)


def test_trust_rules_without_transport():
    trusted = ("127.0.0.0/8", "::1/128", "10.1.0.0/16")
    assert trust.peer_address("ipv4:127.0.0.1:5050") == "127.0.0.1"
    assert trust.peer_address("ipv6:[::1]:5050") == "::1"
    assert trust.peer_address("ipv6:[::ffff:10.1.2.3]:5050") == "::ffff:10.1.2.3"
    assert trust.is_trusted_proxy("127.0.0.1", trusted) and trust.is_trusted_proxy("::1", trusted)
    assert trust.is_trusted_proxy("::ffff:10.1.2.3", trusted)
    assert not trust.is_trusted_proxy("10.2.0.1", trusted) and not trust.is_trusted_proxy("unix:/x", trusted)
    forwarded = {"x-envoy-external-address": "203.0.113.9", "x-forwarded-for": "1.2.3.4, 198.51.100.7"}
    assert trust.client_address(forwarded, "127.0.0.1", True) == "198.51.100.7"  # the entry the proxy appended
    assert trust.client_address({"x-envoy-external-address": "203.0.113.9"}, "127.0.0.1", True) == "203.0.113.9"
    assert trust.client_address({}, "127.0.0.1", True) == "127.0.0.1"
    assert trust.client_address(forwarded, "192.0.2.1", False) == "192.0.2.1"
    # Django's ALLOWED_HOSTS semantics.
    allowed = (".localhost", "127.0.0.1", "[::1]", "LMS.Example.com")
    for host in ("localhost", "localhost:9090", "api.localhost", "127.0.0.1:1", "[::1]:9090", "lms.example.com",
                 "LMS.EXAMPLE.COM.", "localhost."):
        assert trust.host_allowed(host, allowed), host
    for host in ("evil.example", "localhost.evil", "127.0.0.2", "[::2]", "", "a b", "lms.example.com:x",
                 "example.com", "xlocalhost"):
        assert not trust.host_allowed(host, allowed), host
    assert trust.host_allowed("anything.example", ("*",))


def test_a_wrong_trusted_proxy_entry_stops_the_service_at_start(monkeypatch):
    from lms.platform.config import Settings

    monkeypatch.setenv("LMS_TRUSTED_PROXIES", "10.0.0.0/8, 10.0.0.0/33")
    with pytest.raises(ValueError, match=r"LMS_TRUSTED_PROXIES: '10.0.0.0/33' is not an IP address"):
        Settings.from_env()
    monkeypatch.setenv("LMS_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7")
    assert Settings.from_env().trusted_proxies == ("10.0.0.0/8", "192.0.2.7")
