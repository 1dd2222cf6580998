"""The incremental multipart parser, type detection, stored names and Range parsing, in process."""
import random

import pytest

from lms.files.service import byte_range
from lms.platform.errors import ParseError, RangeNotSatisfiable
from lms.platform.storage import object_key, stored_filename
from lms.platform.uploads import (
    ALL_TYPES, BODY_END, DOC, DOCUMENTS, DOCX, IMAGES, JPG, MP4, PART_END, PDF, PNG, WEBM, ZIP, MultipartParser,
    PartData, PartStart, detect, stored_name, type_of_name,
)
from tests.files import samples

BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW"


def form(parts: list[tuple[str, str | None, bytes]], boundary: str = BOUNDARY, preamble: bytes = b"",
         epilogue: bytes = b"") -> bytes:
    out = [preamble]
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        out.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
                   f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode() + epilogue)
    return b"".join(out)


def parse(body: bytes, sizes) -> list[tuple[str | None, str | None, bytes]]:
    parser = MultipartParser(BOUNDARY)
    events, at = [], 0
    for size in sizes:
        events.extend(parser.feed(body[at:at + size]))
        at += size
        if at >= len(body):
            break
    events.extend(parser.feed(body[at:]))
    parser.finish()
    parts, current = [], None
    for event in events:
        if isinstance(event, PartStart):
            current = [event.name, event.filename, bytearray()]
        elif isinstance(event, PartData):
            assert len(event.data) > 0
            current[2] += event.data
        elif event is PART_END:
            parts.append((current[0], current[1], bytes(current[2])))
        else:
            assert event is BODY_END
    assert events[-1] is BODY_END
    return parts


TRICKY = (b"\r\n--" + BOUNDARY[:-1].encode() + b"\r\n--" + BOUNDARY.encode()[:10] + b"--\r\n\r\n" + b"\r" * 7
          + b"-" * 60 + b"\r\n")
PARTS = [("title", None, "Course Manual ✓".encode()), ("file", "manual.pdf", samples.pdf(5000) + TRICKY),
         ("empty", None, b""), ("tail", "x.bin", TRICKY)]


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 1000, 10 ** 6])
def test_parts_survive_any_chunking(size):
    body = form(PARTS, preamble=b"ignored preamble\r\n", epilogue=b"ignored epilogue")
    assert parse(body, [size] * (len(body) // size + 1)) == PARTS


def test_random_chunkings():
    body = form(PARTS)
    rng = random.Random(7)
    for _ in range(50):
        assert parse(body, [rng.randint(1, 300) for _ in range(len(body))]) == PARTS


def test_memory_stays_bounded_by_the_chunk():
    parser = MultipartParser(BOUNDARY)
    parser.feed(f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\n".encode())
    fed = handed_out = 0
    for _ in range(50):
        events = parser.feed(bytes(1024 * 1024))
        fed += 1024 * 1024
        handed_out += sum(len(e.data) for e in events)
        assert sum(len(e.data) for e in events) > 1024 * 1024 - 100
        # Everything fed is handed out at once but for what could still be the start of a delimiter.
        assert fed - handed_out < len(parser.delimiter)


def test_filenames_with_rfc2231_and_odd_headers():
    body = (f"--{BOUNDARY}\r\ncontent-disposition: form-data; name=file; filename*=UTF-8''%C3%A9t%C3%A9.pdf\r\n\r\n"
            f"data\r\n--{BOUNDARY}  \r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--{BOUNDARY}--"
            ).encode()
    assert parse(body, [len(body)]) == [("file", "été.pdf", b"data"), ("a", None, b"b")]


@pytest.mark.parametrize("body,message", [
    (f"--{BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nx\r\n--{BOUNDARY}--".encode(),
     "A part has no Content-Disposition header."),
    (f"--{BOUNDARY}\r\n".encode() + b"X-Long: " + b"a" * 20000, "Part headers are too long."),
    (f"--{BOUNDARY}junk\r\n".encode(), "Invalid boundary in multipart."),
    (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunfinished".encode(),
     "The body ended before the closing boundary."),
])
def test_malformed_bodies_are_parse_errors(body, message):
    parser = MultipartParser(BOUNDARY)
    with pytest.raises(ParseError) as caught:
        parser.feed(body)
        parser.finish()
    assert caught.value.detail == f"Multipart form parse error - {message}"


def test_too_many_parts():
    body = form([(f"f{i}", None, b"x") for i in range(201)])
    with pytest.raises(ParseError):
        MultipartParser(BOUNDARY).feed(body)


@pytest.mark.parametrize("name,build,filename,content_type", samples.ALL, ids=[s[0] for s in samples.ALL])
def test_every_sample_is_detected_as_its_type(name, build, filename, content_type):
    detected = detect(build()[:65536], ALL_TYPES)
    assert (detected.name, detected.content_type) == (name, content_type)


def test_detection_rejects_lookalikes():
    quicktime = b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + bytes(100)
    matroska = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska" + bytes(100)
    assert detect(quicktime, ALL_TYPES) is None
    assert detect(matroska, ALL_TYPES) is None
    assert detect(samples.scorm_zip(), DOCUMENTS) is None  # a ZIP that is no DOCX
    assert detect(samples.docx(), DOCUMENTS + (ZIP,)) is DOCX
    assert detect(samples.docx(), (ZIP,)) is ZIP
    assert detect(samples.doc(), DOCUMENTS) is DOC
    assert detect(samples.png(), DOCUMENTS) is None
    assert detect(b"", ALL_TYPES) is None
    assert detect(samples.webm(), (MP4, WEBM)) is WEBM
    assert detect(samples.gif(), IMAGES).name == "GIF"


@pytest.mark.parametrize("filename,file_type,expected", [
    ("photo.png", PNG, "photo.png"),
    ("photo.PNG", PNG, "photo.png"),
    ("photo.jpg", PNG, "photo.png"),
    ("../../etc/passwd", PNG, "passwd.png"),
    ("C:\\Users\\me\\Desktop\\Résumé final.docx", DOCX, "Resume_final.docx"),
    (".htaccess", ZIP, "htaccess.zip"),
    ("", PNG, "file.png"),
    ("…", PNG, "file.png"),
    ("a" * 300 + ".pdf", DOCUMENTS[0], "a" * 96 + ".pdf"),
])
def test_stored_names_are_safe_and_follow_the_type(filename, file_type, expected):
    assert stored_name(filename, file_type) == expected


def test_stored_names_and_types_come_back_from_keys():
    key = object_key("t1", "introduction-to-python", "lessons", "Chapter 1.PDF")
    assert stored_filename(key) == "Chapter_1.pdf" and type_of_name(stored_filename(key)) is PDF
    assert stored_filename("") == "" and stored_filename("courses/t/c/media/plain.png") == "plain.png"
    assert [type_of_name(n) for n in ("a.jpeg", "a.JPG", "a.webm", "a.docx", "a.zip", "a.txt", "noext")] == [
        JPG, JPG, WEBM, DOCX, ZIP, None, None]


@pytest.mark.parametrize("header,expected", [
    ("", None), ("bytes=0-9", (0, 9)), ("bytes=5-", (5, 99)), ("bytes=-10", (90, 99)), ("bytes=-1000", (0, 99)),
    ("bytes=90-1000", (90, 99)), ("bytes=0-0", (0, 0)), ("BYTES = 1-2", (1, 2)), ("bytes=1-2,4-5", None),
    ("bytes=x-2", None), ("items=1-2", None), ("bytes=5-1", None), ("bytes=", None),
])
def test_byte_ranges(header, expected):
    assert byte_range(header, 100) == expected


@pytest.mark.parametrize("header,size", [("bytes=100-", 100), ("bytes=-0", 100), ("bytes=0-", 0), ("bytes=-5", 0)])
def test_unsatisfiable_ranges(header, size):
    with pytest.raises(RangeNotSatisfiable):
        byte_range(header, size)
