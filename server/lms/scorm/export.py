"""A course as a SCORM package: one organization, an item per module holding an item per lesson, each lesson a
SCO whose page reports completion through a small runtime wrapper (`shared/scorm_wrapper.js`).

Text lessons become HTML pages (their text escaped), file lessons carry their file (linked from the page),
video and link lessons link their URL. 1.2 by default; `2004` writes a 2004 4th Edition manifest. The IMS/ADL
XSDs the manifest validates against ship at the package's root. Modules and lessons keep their order and titles,
so uploading the result into another course rebuilds the same tree.
"""
from __future__ import annotations

import dataclasses
import html
import zipfile
from importlib import resources
from typing import IO, Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

from lms.platform.storage import stored_filename

V12 = "1.2"
V2004 = "2004"
# The IMS/ADL schema sets the manifest validates against, shipped at the package's root as the CAM asks
# (schemas/README.md: where they come from, their notices). The 2004 set is 3rd Edition's: the manifest written
# here uses only what 3rd and 4th Edition define alike (IMS CP 1.1.4's imscp_v1p1 is unchanged, 4th Edition's
# adlcp_v1p3 only adds elements), so it validates against either (tests/scorm/test_routes.py).
SCHEMA_SETS = {V12: "scorm12", V2004: "scorm2004"}

WRAPPER = """// Finds the LMS's SCORM API (1.2 `API`, 2004 `API_1484_11`) up the frames; reports this page completed.
(function () {
  function find(win, name) {
    for (var i = 0; win && i < 500; i++) {
      if (win[name]) { return win[name]; }
      if (win.parent && win.parent !== win) { win = win.parent; } else { win = win.opener; }
    }
    return null;
  }
  var api2004 = find(window, "API_1484_11");
  var api12 = api2004 ? null : find(window, "API");
  function start() {
    if (api2004) {
      api2004.Initialize("");
      api2004.SetValue("cmi.completion_status", "completed");
      api2004.SetValue("cmi.exit", "normal");
      api2004.Commit("");
    } else if (api12) {
      api12.LMSInitialize("");
      api12.LMSSetValue("cmi.core.lesson_status", "completed");
      api12.LMSCommit("");
    }
  }
  function finish() {
    if (api2004) { api2004.Terminate(""); } else if (api12) { api12.LMSFinish(""); }
    api2004 = api12 = null;
  }
  window.addEventListener("load", start);
  window.addEventListener("pagehide", finish);
})();
"""

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<script src="../shared/scorm_wrapper.js"></script></head>
<body><h1>{title}</h1>
{body}
</body></html>
"""


@dataclasses.dataclass(frozen=True)
class ExportLesson:
    id: int
    title: str
    lesson_type: str
    content_text: str
    content_url: str
    content_file: str  # storage key, "" when none


@dataclasses.dataclass(frozen=True)
class ExportModule:
    id: int
    title: str
    lessons: tuple[ExportLesson, ...]


def identifier(prefix: str, number: int) -> str:
    return f"{prefix}_{number}"


def lesson_page(lesson: ExportLesson, file_href: str) -> str:
    if lesson.lesson_type == "text" or not (lesson.content_url or file_href):
        body = "".join(f"<p>{html.escape(p)}</p>" for p in lesson.content_text.split("\n\n") if p.strip())
    elif file_href:
        body = f'<p><a href="{html.escape(file_href)}">{html.escape(stored_filename(lesson.content_file))}</a></p>'
    else:
        body = f'<p><a href="{html.escape(lesson.content_url)}" target="_blank" rel="noopener">' \
               f'{html.escape(lesson.content_url)}</a></p>'
    return PAGE.format(title=html.escape(lesson.title), body=body)


def manifest(version: str, course_identifier: str, title: str, modules: Iterable[ExportModule],
             files_of: dict[int, list[str]]) -> str:
    """imsmanifest.xml for the course (`files_of`: lesson id -> files of its resource)."""
    modules = list(modules)
    items, resources = [], []
    for module in modules:
        lesson_items = []
        for lesson in module.lessons:
            item_id, resource_id = identifier("lesson", lesson.id), identifier("resource", lesson.id)
            lesson_items.append(f'      <item identifier="{item_id}" identifierref="{resource_id}">'
                                f"<title>{escape(lesson.title)}</title></item>")
            type_attr = 'adlcp:scormtype="sco"' if version == V12 else 'adlcp:scormType="sco"'
            files = "".join(f"<file href={quoteattr(f)}/>" for f in files_of[lesson.id])
            resources.append(f'    <resource identifier="{resource_id}" type="webcontent" {type_attr} '
                             f'href="lessons/{lesson.id}.html">{files}'
                             '<dependency identifierref="wrapper"/></resource>')
        items.append(f'    <item identifier="{identifier("module", module.id)}"><title>{escape(module.title)}</title>\n'
                     + "\n".join(lesson_items) + "\n    </item>")
    wrapper_type = 'adlcp:scormtype="asset"' if version == V12 else 'adlcp:scormType="asset"'
    resources.append(f'    <resource identifier="wrapper" type="webcontent" {wrapper_type}>'
                     '<file href="shared/scorm_wrapper.js"/></resource>')
    if version == V12:
        head = ('<manifest identifier={ident} version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
                'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                'xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd '
                'http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">\n'
                '  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>\n')
    else:
        head = ('<manifest identifier={ident} version="1" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
                'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                'xsi:schemaLocation="http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd '
                'http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd">\n'
                '  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>\n')
    org = identifier("org", 1)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + head.format(ident=quoteattr(course_identifier))
            + f'  <organizations default="{org}">\n  <organization identifier="{org}">'
            + f"<title>{escape(title)}</title>\n" + "\n".join(items) + "\n  </organization>\n  </organizations>\n"
            + "  <resources>\n" + "\n".join(resources) + "\n  </resources>\n</manifest>\n")


def schema_files(version: str) -> Iterator[tuple[str, bytes]]:
    """(path in the package, bytes) of the version's schema set."""
    def walk(folder, prefix: str):
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                yield from walk(entry, f"{prefix}{entry.name}/")
            elif entry.name.endswith((".xsd", ".dtd")):
                yield f"{prefix}{entry.name}", entry.read_bytes()

    yield from walk(resources.files("lms.scorm") / "schemas" / SCHEMA_SETS[version], "")


def write_package(out: IO[bytes], version: str, course_identifier: str, title: str, modules: list[ExportModule],
                  lesson_files: dict[int, tuple[str, IO[bytes]]]) -> None:
    """Writes the ZIP to `out`; `lesson_files`: lesson id -> (file name, readable file) of file lessons."""
    files_of: dict[int, list[str]] = {}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        pages = []
        for module in modules:
            for lesson in module.lessons:
                page = f"lessons/{lesson.id}.html"
                files_of[lesson.id] = [page]
                file_href = ""
                if lesson.id in lesson_files:
                    name, handle = lesson_files[lesson.id]
                    path = f"files/{lesson.id}/{name}"
                    with archive.open(path, "w") as target:
                        while chunk := handle.read(256 * 1024):
                            target.write(chunk)
                    files_of[lesson.id].append(path)
                    file_href = f"../{path}"
                pages.append((page, lesson_page(lesson, file_href)))
        archive.writestr("imsmanifest.xml", manifest(version, course_identifier, title, modules, files_of))
        archive.writestr("shared/scorm_wrapper.js", WRAPPER)
        for path, data in schema_files(version):
            archive.writestr(path, data)
        for page, text in pages:
            archive.writestr(page, text)
