"""Uploads: the one mechanism every route that accepts files goes through.

Envoy forwards a multipart/form-data body to a client-streaming RPC as a stream of
`google.api.HttpBody` pieces (up to 1 MiB each; the first message also carries the path and query
fields and the content type with its boundary). `Upload` parses that stream incrementally and
writes each file to storage while it arrives, so memory does not grow with the file size:

    upload = await Upload.open(request_iterator)           # first message: path fields, content type
    course = await course_for_change(session, call, upload.request.course_id)   # check first
    form = await upload.read(call, course_id=course.id, course_slug=course.slug,
                             files={"file": FileField("resources", DOCUMENTS + IMAGES + VIDEOS)})
    form.fields   # text fields (multipart/urlencoded: strings) or the parsed JSON object
    form.files    # {"file": StoredUpload(key=..., size=..., file_type=PDF, ...)}, already stored

The body is parsed by python-multipart's streaming parser (the one Starlette uses). `read` checks
each file's type from its first bytes (magic numbers, told by the `filetype` library; the name only
supplies the stored file name, whose extension is made to match the detected type), stops with 413
as soon as a file passes its type's limit, and charges the caller's "upload" rate limit when the
body carries a file (a multipart body of text fields only is not an upload). It releases the
request's database session while the body streams (so a slow upload holds no connection) and opens
a fresh one afterwards, in which the stored objects become `active`
(lms.platform.files): the domain's row and the objects commit together. If anything fails --
a rejected file, a parse error, a disconnect, a later validation error, a failed commit -- the
objects and their register rows are deleted again, so nothing is left behind.

The same route accepts `application/json` (and urlencoded forms): `form.fields` is then the
parsed body and `form.files` is empty, so one route can serve links as JSON and files as multipart.
"""
from __future__ import annotations

import collections
import dataclasses
import json
import logging
from email.message import Message
from email.utils import collapse_rfc2231_value
from typing import Any, AsyncIterator, Awaitable, Callable
from urllib.parse import parse_qsl

from filetype.types import archive as _archive, document as _document, image as _image, video as _video
import python_multipart
import python_multipart.exceptions

from lms.platform import metrics
from lms.platform import files as registry
from lms.platform.context import Call
from lms.platform.errors import NotFound, ParseError, PayloadTooLarge, UnsupportedMediaType, ValidationError
from lms.platform.storage import object_key, safe_filename

MiB = 1024 * 1024
SNIFF_BYTES = 64 * 1024  # read before deciding a file's type (enough to see a DOCX's first entries)
MAX_TEXT_BYTES = 1 * MiB  # all non-file parts together
MAX_JSON_BYTES = 2 * MiB
MAX_PARTS = 200
MAX_HEADER_BYTES = 16 * 1024

# python-multipart logs a warning for every malformed body; that is the client's 400, not the service's problem.
logging.getLogger("python_multipart").setLevel(logging.ERROR)


# File types, decided from the bytes ---------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class FileType:
    name: str  # as the API document names it: "JPG", "PDF", "MP4", ...
    family: str  # "image", "document", "video", "SCORM package"
    extensions: tuple[str, ...]  # the first is the one a stored name gets when its own does not match
    content_type: str
    max_bytes: int
    matches: Callable[[bytes], bool] = dataclasses.field(repr=False, compare=False)

    @property
    def max_label(self) -> str:
        return f"{self.max_bytes // MiB} MB"


# The matchers are the `filetype` library's (magic numbers; DOCX told from other ZIPs by its entries, WebM from
# Matroska by its doctype, MP4 from QuickTime by its brands), with three of our own rules kept beside them.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PDF, _MP4, _M4V = _archive.Pdf(), _video.Mp4(), _video.M4v()


def _is_doc(head: bytes) -> bool:
    # Kept: any OLE2 container. filetype's Doc matcher knows two writers' layouts only (the Word header at
    # byte 512, or a named stream at byte 2075) and refuses other Word 97-2003 files.
    return head.startswith(OLE2_MAGIC)


def _is_pdf(head: bytes) -> bool:
    # Kept: PDF readers accept the header anywhere in the first 1024 bytes; filetype wants it at byte 0.
    return bool(_PDF.match(head)) or b"%PDF-" in head[:1024]


def _is_gif(head: bytes) -> bool:
    # Kept: the whole signature with its version (GIF87a, GIF89a); filetype looks at "GIF" only.
    return head[:6] in (b"GIF87a", b"GIF89a")


def _is_mp4(head: bytes) -> bool:
    return bool(_MP4.match(head) or _M4V.match(head))


JPG = FileType("JPG", "image", ("jpg", "jpeg"), "image/jpeg", 5 * MiB, _image.Jpeg().match)
PNG = FileType("PNG", "image", ("png",), "image/png", 5 * MiB, _image.Png().match)
GIF = FileType("GIF", "image", ("gif",), "image/gif", 5 * MiB, _is_gif)
PDF = FileType("PDF", "document", ("pdf",), "application/pdf", 10 * MiB, _is_pdf)
DOCX = FileType("DOCX", "document", ("docx",),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 10 * MiB,
                _document.Docx().match)
DOC = FileType("DOC", "document", ("doc",), "application/msword", 10 * MiB, _is_doc)
MP4 = FileType("MP4", "video", ("mp4", "m4v"), "video/mp4", 100 * MiB, _is_mp4)
WEBM = FileType("WebM", "video", ("webm",), "video/webm", 100 * MiB, _video.Webm().match)
ZIP = FileType("ZIP", "SCORM package", ("zip",), "application/zip", 50 * MiB, _archive.Zip().match)

IMAGES = (JPG, PNG, GIF)
DOCUMENTS = (PDF, DOCX, DOC)
VIDEOS = (MP4, WEBM)
SCORM_PACKAGES = (ZIP,)
ALL_TYPES = IMAGES + DOCUMENTS + VIDEOS + SCORM_PACKAGES


def detect(head: bytes, allowed: tuple[FileType, ...]) -> FileType | None:
    """The first allowed type the bytes match (specific types such as DOCX come before ZIP)."""
    for file_type in sorted(allowed, key=lambda t: t is ZIP):
        if file_type.matches(head):
            return file_type
    return None


def stored_name(filename: str, file_type: FileType) -> str:
    """The sanitised name, its extension made to agree with the type the bytes showed."""
    name = safe_filename(filename or "file")
    stem, dot, extension = name.rpartition(".")
    if dot and extension.lower() in file_type.extensions:
        return name
    return f"{name if not dot else stem or 'file'}.{file_type.extensions[0]}"


@dataclasses.dataclass(frozen=True)
class FileField:
    """A form field that takes one file of the given types, stored under `<course>/<kind>/`.

    `accept`, if given, narrows the types from the text fields sent before the file (e.g. a video
    lesson takes only videos): it returns a subset of `types`, or None for all of them, or raises
    ValidationError when the form takes no file at all. It sees only the fields that came first, so
    the domain checks the stored file's type again once the whole form (and the row) is known.
    """

    kind: str  # storage kind: "thumbnails", "resources", "lessons", "assignments", "submissions", "scorm"
    types: tuple[FileType, ...]
    required: bool = True
    accept: Callable[[dict[str, str]], tuple[FileType, ...] | None] | None = dataclasses.field(
        default=None, compare=False)

    def type_error(self) -> str:
        return type_error(self.types)

    def types_for(self, fields: dict[str, str]) -> tuple[FileType, ...]:
        """The types the file may have, given the text fields read before it."""
        narrowed = self.accept(fields) if self.accept is not None else None
        return self.types if narrowed is None else tuple(t for t in self.types if t in narrowed)

    @property
    def max_bytes(self) -> int:
        return max(t.max_bytes for t in self.types)


# Finds the course a body's files belong to from the text fields before the first file: (id, slug).
Locator = Callable[[dict[str, str]], Awaitable[tuple[int | None, str]]]


def type_error(types: tuple[FileType, ...]) -> str:
    """DRF-like message for a file whose bytes are none of `types`."""
    if all(t.family == "image" for t in types):
        return "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    groups: dict[str, list[FileType]] = collections.defaultdict(list)
    for file_type in types:
        groups[file_type.max_label].append(file_type)
    allowed = "; ".join(f"{', '.join(t.name for t in group)} (max {label})" for label, group in groups.items())
    return f"Unsupported file type. Allowed types: {allowed}."


def type_of_name(filename: str) -> FileType | None:
    """The type of a stored file from its name: stored names end in their detected type's extension."""
    extension = filename.rpartition(".")[2].lower()
    return next((t for t in ALL_TYPES if extension in t.extensions), None)


MSG_NO_FILE = "No file was submitted."
MSG_NOT_A_FILE = "The submitted data was not a file. Check the encoding type on the form."
MSG_EMPTY_FILE = "The submitted file is empty."


@dataclasses.dataclass(frozen=True)
class StoredUpload:
    """A file of the request, already in storage under `key`."""

    field: str
    key: str
    filename: str  # the stored (sanitised) name
    size: int
    file_type: FileType

    @property
    def content_type(self) -> str:
        return self.file_type.content_type


@dataclasses.dataclass
class Form:
    """The parsed body: text fields (or the JSON object) and the stored files."""

    media_type: str
    fields: dict[str, Any]
    files: dict[str, StoredUpload]
    lists: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # every value of repeated form fields

    def present(self) -> dict[str, Any]:
        """The fields sent, as routes bound to a message see them (`lms.platform.validation.present`): a
        JSON `null` is the value null, which fields that do not allow it refuse (docs/validation.md)."""
        return dict(self.fields)


# Streaming multipart/form-data parser (python-multipart) ------------------------------------------------------------

@dataclasses.dataclass
class PartStart:
    name: str | None
    filename: str | None
    content_type: str


@dataclasses.dataclass
class PartData:
    data: bytes


PART_END = object()
BODY_END = object()


class MultipartParser:
    """Push parser over python-multipart's streaming `MultipartParser` (the one Starlette uses): `feed(bytes)`
    returns PartStart / PartData / PART_END / BODY_END events.

    Memory stays bounded by the fed chunk plus a delimiter's length: python-multipart hands body bytes out as
    soon as they cannot be the start of a boundary. Kept here: skipping a preamble (RFC 2046 allows one;
    python-multipart wants the boundary first), the part headers' Content-Disposition (python-multipart's
    parser ignores RFC 2231 `filename*=`, which Django honours), our limits and DRF-style messages.
    """

    def __init__(self, boundary: str):
        self.delimiter = b"\r\n--" + boundary.encode("latin-1")
        self._preamble: bytearray | None = bytearray(b"\r\n")  # the first boundary has no CRLF before it
        self._events: list = []
        self._headers: list[tuple[bytes, bytes]] = []
        self._field = bytearray()
        self._value = bytearray()
        self._header_bytes = 0
        self.parts = 0
        self.done = False
        self._parser = python_multipart.MultipartParser(boundary.encode("latin-1"), {
            "on_part_begin": self._on_part_begin,
            "on_header_field": self._on_header_field,
            "on_header_value": self._on_header_value,
            "on_header_end": self._on_header_end,
            "on_headers_finished": self._on_headers_finished,
            "on_part_data": self._on_part_data,
            "on_part_end": self._on_part_end,
            "on_end": self._on_end,
        }, max_header_size=MAX_HEADER_BYTES)

    def feed(self, data: bytes) -> list:
        if self._preamble is not None:
            buffer = self._preamble
            buffer += data
            at = buffer.find(self.delimiter)
            if at < 0:
                del buffer[:max(0, len(buffer) - len(self.delimiter))]
                return []
            data = bytes(buffer[at + 2:])
            self._preamble = None
        if self.done or not data:
            return []
        try:
            self._parser.write(data)
        except python_multipart.exceptions.FormParserError as exc:
            raise ParseError(f"Multipart form parse error - {_parse_error(str(exc))}") from None
        events, self._events = self._events, []
        return events

    def finish(self) -> None:
        if not self.done:
            raise ParseError("Multipart form parse error - The body ended before the closing boundary.")

    # python-multipart's callbacks

    def _on_part_begin(self) -> None:
        self._headers, self._header_bytes = [], 0

    def _on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]
        self._count_header(end - start)

    def _on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]
        self._count_header(end - start)

    def _count_header(self, size: int) -> None:
        self._header_bytes += size
        if self._header_bytes > MAX_HEADER_BYTES:
            raise ParseError("Multipart form parse error - Part headers are too long.")

    def _on_header_end(self) -> None:
        self._headers.append((bytes(self._field), bytes(self._value)))
        self._field.clear()
        self._value.clear()

    def _on_headers_finished(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise ParseError(f"Multipart form parse error - More than {MAX_PARTS} parts.")
        self._events.append(_part_start(self._headers))

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if end > start:
            self._events.append(PartData(bytes(data[start:end])))

    def _on_part_end(self) -> None:
        self._events.append(PART_END)

    def _on_end(self) -> None:
        self.done = True
        self._events.append(BODY_END)


def _parse_error(message: str) -> str:
    """python-multipart's reason as the message our clients have seen."""
    if "header size" in message or "header count" in message:
        return "Part headers are too long."
    if "header" in message.lower():
        return "Invalid part header."
    return "Invalid boundary in multipart."


def _part_start(raw: list[tuple[bytes, bytes]]) -> PartStart:
    headers = {name.strip().lower().decode("latin-1"): value.strip().decode("utf-8", "replace")
               for name, value in raw}
    disposition = headers.get("content-disposition", "")
    if not disposition:
        raise ParseError("Multipart form parse error - A part has no Content-Disposition header.")
    message = Message()
    message["content-disposition"] = disposition
    name = message.get_param("name", header="content-disposition")
    if isinstance(name, tuple):
        name = collapse_rfc2231_value(name)
    return PartStart(name=name, filename=message.get_filename(), content_type=headers.get("content-type", ""))


# The request body -----------------------------------------------------------------------------------

class _Events:
    """Pulls body chunks on demand and hands out the parser's events one at a time."""

    def __init__(self, chunks: AsyncIterator[bytes], parser: MultipartParser, max_total: int):
        self.chunks, self.parser, self.max_total = chunks, parser, max_total
        self.pending: collections.deque = collections.deque()
        self.total = 0

    async def next(self):
        while not self.pending:
            chunk = await anext(self.chunks, None)
            if chunk is None:
                self.parser.finish()
                return BODY_END
            self.total += len(chunk)
            if self.total > self.max_total:
                raise PayloadTooLarge(f"Request body is too large: at most {self.max_total // MiB} MB.")
            self.pending.extend(self.parser.feed(chunk))
        return self.pending.popleft()


class Upload:
    """The request stream of a client-streaming `google.api.HttpBody` upload RPC."""

    def __init__(self, iterator: AsyncIterator, first, body_field: str):
        self._iterator = iterator
        self.request = first  # the first message: path and query parameters
        self._body_field = body_field
        self._consumed = False

    @classmethod
    async def open(cls, requests, body_field: str = "body") -> "Upload":
        """Reads the first message (path and query fields, content type) of the stream."""
        iterator = requests.__aiter__()
        first = await anext(iterator, None)
        if first is None:
            raise ParseError("The request has no body.")
        return cls(iterator, first, body_field)

    @property
    def content_type(self) -> str:
        return getattr(self.request, self._body_field).content_type

    async def _chunks(self) -> AsyncIterator[bytes]:
        if self._consumed:
            raise RuntimeError("the upload body was read already")
        self._consumed = True
        data = getattr(self.request, self._body_field).data
        if data:
            yield data
        async for message in self._iterator:
            data = getattr(message, self._body_field).data
            if data:
                yield data

    async def read(self, call: Call, *, files: dict[str, FileField], course_id: int | None = None,
                   course_slug: str = "", locate: Locator | None = None, allow_json: bool = True) -> Form:
        """Parses the body; files are stored (see the module doc). Call it before changing anything:
        it commits and closes the request's session while the body streams.

        Files go under the course `course_id`/`course_slug`. Routes whose course is named in the body
        itself (an assignment id, a course id) pass `locate` instead: when the first (non-empty) file of a
        multipart body arrives, it is called with the text fields read so far, checks the caller's
        rights and returns `(course_id, course_slug)`. It may use `await call.session()`; that
        transaction is committed and released again before the file streams. (Fields after the file
        are not seen by it, so such forms put the naming field first; JSON bodies carry no files.)
        """
        if locate is None and not course_slug:
            raise ValueError("read() needs course_slug or locate")
        message = Message()
        message["content-type"] = self.content_type or ""
        media_type = message.get_content_type() if self.content_type else ""
        if media_type == "multipart/form-data":
            boundary = message.get_param("boundary")
            if not boundary or not isinstance(boundary, str) or len(boundary) > 200:
                raise ParseError("Multipart form parse error - Invalid boundary in multipart: None")
            where = (course_id, course_slug) if locate is None else None
            return await self._read_multipart(call, boundary, files, where, locate)
        if media_type in ("", "application/json") and allow_json or media_type == "application/x-www-form-urlencoded":
            body = await self._read_small(MAX_JSON_BYTES)
            if media_type == "application/x-www-form-urlencoded":
                try:
                    pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_PARTS)
                except (UnicodeDecodeError, ValueError) as exc:
                    raise ParseError(f"Form parse error - {exc}") from None
                fields, lists = _collect(pairs)
            else:
                fields, lists = _parse_json(body), {}
            missing = {name: [MSG_NO_FILE] for name, rule in files.items() if rule.required}
            if missing:
                raise ValidationError(missing)
            return Form(media_type=media_type or "application/json", fields=fields, files={}, lists=lists)
        raise UnsupportedMediaType(self.content_type)

    async def _read_small(self, limit: int) -> bytes:
        body = bytearray()
        async for chunk in self._chunks():
            body += chunk
            if len(body) > limit:
                raise PayloadTooLarge(f"Request body is too large: at most {limit // MiB} MB.")
        return bytes(body)

    async def _read_multipart(self, call: Call, boundary: str, rules: dict[str, FileField],
                              where: tuple[int | None, str] | None, locate: Locator | None) -> Form:
        tenant_id = call.require_tenant()
        await call.release_session()
        max_total = sum(rule.max_bytes for rule in rules.values()) + 2 * MAX_TEXT_BYTES
        events = _Events(self._chunks(), MultipartParser(boundary), max_total)
        pairs: list[tuple[str, str]] = []
        stored: dict[str, StoredUpload] = {}
        reserved: list[str] = []
        errors: dict[str, list[str]] = {}
        text_bytes = 0

        async def target() -> tuple[int | None, str]:
            nonlocal where
            if where is None:  # the first non-empty file: find its course from the fields before it
                where = await locate(_collect(pairs)[0])
                await call.release_session()
            return where

        try:
            while True:
                event = await events.next()
                if event is BODY_END:
                    break
                if not isinstance(event, PartStart):  # pragma: no cover - the parser always starts parts first
                    raise ParseError("Multipart form parse error - Unexpected data.")
                name = event.name or ""
                if event.filename is not None and name in rules:
                    if name in stored:
                        raise ValidationError({name: ["Only one file may be uploaded."]})
                    upload = await self._store_part(call, events, name, event.filename, rules[name], tenant_id,
                                                    target, reserved, dict(pairs))
                    if upload is not None:
                        stored[name] = upload
                    continue
                # Text fields, and file parts nobody asked for (read and dropped): bounded together.
                is_file = event.filename is not None
                value = bytearray()
                while (part := await events.next()) is not PART_END:
                    text_bytes += len(part.data)
                    if text_bytes > MAX_TEXT_BYTES:
                        raise PayloadTooLarge(f"Form fields are too large: at most {MAX_TEXT_BYTES // MiB} MB.")
                    if not is_file:
                        value += part.data
                if is_file or not name:
                    continue
                if name in rules:
                    errors.setdefault(name, [MSG_NOT_A_FILE])
                    continue
                try:
                    pairs.append((name, bytes(value).decode("utf-8")))
                except UnicodeDecodeError:
                    errors[name] = ["Not a valid string."]
            for name, rule in rules.items():
                if rule.required and name not in stored and name not in errors:
                    errors[name] = [MSG_NO_FILE]
            if errors:
                raise ValidationError(errors)
            session = await call.session()
            for upload in stored.values():
                if not await registry.activate(session, upload.key, upload.size):
                    raise NotFound()  # its course was deleted while the file streamed in
        except BaseException:
            # The objects go at once (first freeing the connection a failed activation may hold: SQLite
            # has one); the interceptor then reads what is left of the body (HTTP/2).
            await call.rollback_session()
            await registry.forget_pending(call.runtime, tenant_id, reserved)
            raise
        runtime = call.runtime

        async def purge_on_rollback() -> None:
            await registry.forget_pending(runtime, tenant_id, reserved)

        call.after_rollback(purge_on_rollback)
        fields, lists = _collect(pairs)
        return Form(media_type="multipart/form-data", fields=fields, files=stored, lists=lists)

    async def _store_part(self, call: Call, events: _Events, name: str, filename: str, rule: FileField,
                          tenant_id: str, target: Callable[[], Awaitable[tuple[int | None, str]]],
                          reserved: list[str], fields_before: dict[str, str]) -> StoredUpload | None:
        head = bytearray()
        ended = False
        while len(head) < SNIFF_BYTES:
            event = await events.next()
            if event is PART_END:
                ended = True
                break
            head += event.data
        if not head:
            if not filename:
                return None  # an empty file input: browsers send a part with filename=""
            raise ValidationError({name: [MSG_EMPTY_FILE]})
        course_id, course_slug = await target()  # rights to the course are checked before anything is stored
        # A file is being sent: this is an upload, charged to the upload budget (once per request)
        # whatever becomes of it. Bodies without a file (links as form fields) are not charged.
        if "upload" not in call.charged_buckets and call.rate_key:
            await call.runtime.rate_limits.charge_bucket(call.rate_key, "upload")
            call.charged_buckets.add("upload")
        types = rule.types_for(fields_before)
        file_type = detect(bytes(head[:SNIFF_BYTES]), types)
        if file_type is None:
            raise ValidationError({name: [type_error(types)]})
        too_large = PayloadTooLarge(
            f"The file is too large: {file_type.name} files may be at most {file_type.max_label}.")
        if len(head) > file_type.max_bytes:
            raise too_large
        name_in_storage = stored_name(filename, file_type)
        key = object_key(tenant_id, course_slug, rule.kind, name_in_storage)
        user = call.principal.user_id if call.principal else ""
        reserved.append(key)  # (first: a cancellation while the row commits must still remove it)
        await registry.reserve(call.runtime, tenant_id, key=key, course_id=course_id, kind=rule.kind,
                               filename=name_in_storage, content_type=file_type.content_type, uploaded_by=user)
        size = len(head)

        async def chunks() -> AsyncIterator[bytes]:
            nonlocal size
            yield bytes(head)
            if ended:
                return
            while (event := await events.next()) is not PART_END:
                size += len(event.data)
                if size > file_type.max_bytes:
                    raise too_large
                yield event.data

        written = await call.runtime.storage.write(key, chunks(), file_type.content_type)
        metrics.uploaded(written)
        return StoredUpload(field=name, key=key, filename=name_in_storage, size=written, file_type=file_type)


def _collect(pairs: list[tuple[str, str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    fields: dict[str, str] = {}
    lists: dict[str, list[str]] = collections.defaultdict(list)
    for name, value in pairs:
        fields[name] = value
        lists[name].append(value)
    return fields, dict(lists)


def _parse_json(body: bytes) -> dict:
    if not body.strip():
        return {}
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ParseError(f"JSON parse error - {exc}") from None
    except ValueError as exc:
        raise ParseError(f"JSON parse error - {exc}") from None
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [
            f"Invalid data. Expected a dictionary, but got {_json_type(data)}."]})
    return data


def _json_type(value) -> str:
    return {list: "list", str: "str", int: "int", float: "float", bool: "bool"}.get(type(value), type(value).__name__)
