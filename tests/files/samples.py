"""Small files of every allowed type, built here: real magic numbers and structure, random payload."""
from __future__ import annotations

import io
import os
import struct
import zipfile

MiB = 1024 * 1024


def _pad(head: bytes, size: int) -> bytes:
    return head + os.urandom(max(0, size - len(head)))


def jpg(size: int = 40_000) -> bytes:
    return _pad(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", size)


def png(size: int = 40_000) -> bytes:
    header = struct.pack(">I", 13) + b"IHDR" + struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0) + b"\x00" * 4
    return _pad(b"\x89PNG\r\n\x1a\n" + header, size)


def gif(size: int = 40_000) -> bytes:
    return _pad(b"GIF89a\x40\x00\x40\x00\x80\x00\x00", size)


def pdf(size: int = 200_000) -> bytes:
    return _pad(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", size - 6) + b"\n%%EOF"


def doc(size: int = 200_000) -> bytes:
    return _pad(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff", size)


def _zip(entries: dict[str, bytes], size: int) -> bytes:
    """A ZIP of exactly `size` bytes (when that is above its entries' size): a stored blob, then a comment."""
    def build(padding: int, comment: bytes = b"") -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            for name, data in entries.items():
                archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
            if padding:
                archive.writestr("media/blob.bin", blob[:padding], compress_type=zipfile.ZIP_STORED)
            archive.comment = comment
        return out.getvalue()

    blob = os.urandom(max(0, size - 2000))
    first = build(len(blob))
    missing = size - len(first)
    return build(len(blob), b"x" * missing) if 0 < missing <= 65535 else first


def docx(size: int = 200_000) -> bytes:
    return _zip({
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
                               b'2006/content-types"/>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
        "word/document.xml": b'<?xml version="1.0"?><w:document/>',
    }, size)


def scorm_zip(size: int = 300_000) -> bytes:
    return _zip({"imsmanifest.xml": b'<?xml version="1.0"?><manifest identifier="course"/>',
                 "index.html": b"<html><body>SCORM</body></html>"}, size)


def mp4(size: int = 1_500_000) -> bytes:
    ftyp = struct.pack(">I", 24) + b"ftypisom" + struct.pack(">I", 512) + b"isomiso2"
    return _pad(ftyp + struct.pack(">I", size - 24) + b"mdat", size)


def webm(size: int = 1_500_000) -> bytes:
    ebml = (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
            b"\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02")
    return _pad(ebml + b"\x18\x53\x80\x67\x01\xff\xff\xff\xff\xff\xff\xff", size)


# name, builder, upload file name, expected content type
ALL = [
    ("JPG", jpg, "photo.jpg", "image/jpeg"),
    ("PNG", png, "diagram.png", "image/png"),
    ("GIF", gif, "anim.gif", "image/gif"),
    ("PDF", pdf, "manual.pdf", "application/pdf"),
    ("DOC", doc, "notes.doc", "application/msword"),
    ("DOCX", docx, "essay.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("MP4", mp4, "lecture.mp4", "video/mp4"),
    ("WebM", webm, "clip.webm", "video/webm"),
    ("ZIP", scorm_zip, "package.zip", "application/zip"),
]
LIMITS = {"image": (png, 5 * MiB, "PNG"), "document": (pdf, 10 * MiB, "PDF"), "video": (mp4, 100 * MiB, "MP4"),
          "zip": (scorm_zip, 50 * MiB, "ZIP")}
