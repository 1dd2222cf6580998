"""The shared SCORM fixtures (../shared/fixtures/scorm) and hand-made packages built in memory."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "scorm"
if not FIXTURES.exists():
    FIXTURES = Path("/work/shared/fixtures/scorm")
GOLF_12 = FIXTURES / "golf_scorm12_runtime_basic_calls.zip"
GOLF_2004 = FIXTURES / "golf_scorm2004_3rd_runtime_basic_calls.zip"
VALID = [GOLF_12, GOLF_2004]
NEGATIVE = sorted((FIXTURES / "negative").glob("*.zip"))

# What each negative fixture's 400 names.
NEGATIVE_MESSAGES = {
    "neg_duplicate_manifest_entries.zip": "more than one imsmanifest.xml",
    "neg_entity_expansion_manifest.zip": "may not declare a DTD or entities",
    "neg_malformed_manifest.zip": "is not well-formed XML",
    "neg_manifest_href_traversal.zip": "escapes the package root",
    "neg_manifest_in_subfolder.zip": "must be at the root of the package",
    "neg_missing_launch_file.zip": "is not in the package",
    "neg_missing_resource_ref.zip": "refers to a missing resource",
    "neg_no_manifest.zip": "has no imsmanifest.xml",
    "neg_not_a_zip.zip": None,  # not even a ZIP: refused by the upload's type check (or the archive check)
    "neg_symlink_entry.zip": "Symbolic links are not allowed",
    "neg_xxe_manifest.zip": "may not declare a DTD or entities",
    "neg_zip_bomb_ratio.zip": "compression bomb",
    "neg_zip_slip.zip": "Unsafe path in package",
    "neg_zip_slip_variants.zip": "Unsafe path in package",
}

NS_12 = ('xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
         'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"')
NS_2004 = ('xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" '
           'xmlns:imsss="http://www.imsglobal.org/xsd/imsss"')


def manifest_xml(body: str, *, version: str = "1.2", ns: str = NS_12, base: str = "") -> str:
    base_attr = f' xml:base="{base}"' if base else ""
    return (f'<?xml version="1.0"?><manifest identifier="m1" {ns}{base_attr}><metadata><schema>ADL SCORM</schema>'
            f"<schemaversion>{version}</schemaversion></metadata>{body}</manifest>")


def make_zip(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
