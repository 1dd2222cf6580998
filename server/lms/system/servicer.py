"""gRPC servicer of health and documentation."""
from __future__ import annotations

import functools
from pathlib import Path

from google.api import httpbody_pb2
from sqlalchemy import text


from lms.platform.errors import NotFound, Unavailable
from lms.platform.servicing import rpc
from lms.system.v1 import system_pb2, system_pb2_grpc

OPENAPI_PATH = Path(__file__).with_name("openapi.json")
CHUNK_BYTES = 256 * 1024
DOCS_ASSETS = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "application/javascript; charset=utf-8",
    "swagger-ui-standalone-preset.js": "application/javascript; charset=utf-8",
    "favicon-32x32.png": "image/png",
    "favicon-16x16.png": "image/png",
}
DOCS_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>LMS API</title>
  <link rel="stylesheet" href="/api/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/swagger-ui-bundle.js" charset="utf-8"></script>
  <script src="/api/docs/swagger-ui-standalone-preset.js" charset="utf-8"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: "/api/schema/",
      dom_id: "#swagger-ui",
      deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout"
    });
  </script>
</body>
</html>
"""


@functools.cache
def _asset(name: str) -> bytes:
    from swagger_ui_bundle import swagger_ui_path

    return (Path(str(swagger_ui_path)) / name).read_bytes()


@functools.cache
def _schema() -> bytes:
    return OPENAPI_PATH.read_bytes()


class SystemServicer(system_pb2_grpc.SystemServiceServicer):
    @rpc
    async def GetHealth(self, request, call):
        try:
            async with call.runtime.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
            raise Unavailable(body={"status": "unhealthy", "database": type(exc).__name__}) from exc
        return system_pb2.Health(status="healthy", database="ok")

    async def GetSchema(self, request, context):
        return httpbody_pb2.HttpBody(content_type="application/json", data=_schema())

    async def GetDocs(self, request, context):
        return httpbody_pb2.HttpBody(content_type="text/html; charset=utf-8", data=DOCS_PAGE.encode())

    async def GetDocsAsset(self, request, context):
        content_type = DOCS_ASSETS.get(request.asset)
        if content_type is None:
            raise NotFound()
        data = _asset(request.asset)
        # Streamed in pieces: the edge buffers at most 1 MiB of a unary response.
        for start in range(0, len(data), CHUNK_BYTES):
            yield httpbody_pb2.HttpBody(content_type=content_type, data=data[start:start + CHUNK_BYTES])
