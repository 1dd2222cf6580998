"""SCORM packages as plain values: the ZIP's safety checks and the manifest's meaning.

Nothing here touches the database or storage, so every rule is checked by fast unit tests
(tests/scorm/test_package.py) over the shared fixtures and hand-made variants.

`inspect(zip_file)` checks the archive (`check_archive`) and parses its manifest (`parse_manifest`);
any problem is a `PackageError` whose message names it, which the upload route answers with 400
`{"package": [message]}`. The checks, in order:

- the bytes are a ZIP archive (`zipfile`), of at most `MAX_ENTRIES` entries;
- no entry is encrypted, a symbolic link (Unix mode in the external attributes), an absolute path
  (`/x`, `C:x`), a path with a backslash or a `..` segment (zip-slip), or a duplicate name;
- the uncompressed sizes add up to at most `max_total_bytes`, and no entry inflates more than
  `max_ratio` times (compression bombs; `zipfile` itself refuses to read past an entry's declared size);
- `imsmanifest.xml` is at the root, exactly once, and well-formed XML without a DTD or entities
  (defusedxml: no external entities, no entity expansion);
- every item points at a resource that exists, and every launch `href` (with `xml:base` resolved)
  stays inside the package and names a file the archive holds.

The manifest model: the version (`1.2`, `2004 2nd Edition`, `2004 3rd Edition`, `2004 4th Edition`,
from `<schemaversion>`, else from the namespaces), the organizations with their nested items, and
the launchable items (`Sco`) in tree order with their identifiers, titles, launch paths (query strings
and item `parameters` joined as the CAM says), mastery score, prerequisites and 2004 completion
threshold. A manifest whose `<organizations/>` is empty launches its first SCO resource (as Moodle does);
a `default` that names no organization falls back to the first organization.
"""
from __future__ import annotations

import dataclasses
import posixpath
import re
import stat
import zipfile
from typing import IO
from xml.etree.ElementTree import Element, ParseError as XmlParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

MANIFEST = "imsmanifest.xml"
MAX_ENTRIES = 10_000
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
DEFAULT_MAX_TOTAL_BYTES = 500 * 1024 * 1024
DEFAULT_MAX_RATIO = 100  # a deflated entry of a real package rarely passes 20:1 (text); bombs reach 1000:1
RATIO_FLOOR_BYTES = 1024 * 1024  # small entries are not judged by ratio (a 10 KB file of spaces is fine)

V12 = "1.2"
V2004_2 = "2004 2nd Edition"
V2004_3 = "2004 3rd Edition"
V2004_4 = "2004 4th Edition"
VERSIONS = (V12, V2004_2, V2004_3, V2004_4)

XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_DRIVE = re.compile(r"^[A-Za-z]:")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class PackageError(ValueError):
    """The package cannot be accepted; the message says why (the upload's 400)."""


@dataclasses.dataclass(frozen=True)
class Sco:
    """A launchable item: an item of the organization with a resource that has an href."""

    identifier: str  # the item's identifier (tracking is keyed by it)
    title: str
    resource_identifier: str
    scorm_type: str  # "sco" (talks to the runtime) or "asset"
    path: str  # the file inside the package, xml:base resolved, no query
    launch: str  # path plus the href's query and the item's parameters
    parameters: str = ""
    mastery_score: float | None = None  # 1.2 adlcp:masteryscore (0..100)
    prerequisites: str = ""  # 1.2 adlcp:prerequisites (AICC script)
    completion_threshold: float | None = None  # 2004 adlcp:completionThreshold (0..1)
    data_from_lms: str = ""  # launch_data
    max_time_allowed: str = ""
    time_limit_action: str = ""
    scaled_passing_score: float | None = None  # 2004 primary objective's minNormalizedMeasure


@dataclasses.dataclass(frozen=True)
class Item:
    """An item of an organization's tree (a SCO, an asset, or a folder of items)."""

    identifier: str
    title: str
    children: tuple["Item", ...] = ()
    sco: str = ""  # identifier of the launchable item (its own), "" for a folder
    visible: bool = True
    rollup: bool = True  # 2004: contributes to its parent's completion (lms.scorm.sequencing)

    def as_dict(self) -> dict:
        return {"identifier": self.identifier, "title": self.title, "sco": self.sco, "visible": self.visible,
                "rollup": self.rollup, "children": [child.as_dict() for child in self.children]}


@dataclasses.dataclass(frozen=True)
class Organization:
    identifier: str
    title: str
    items: tuple[Item, ...]
    has_sequencing: bool = False  # 2004: <imsss:sequencing> on the organization or its items

    def as_dict(self) -> dict:
        return {"identifier": self.identifier, "title": self.title, "items": [i.as_dict() for i in self.items]}


@dataclasses.dataclass(frozen=True)
class Manifest:
    identifier: str
    version: str
    title: str
    default_organization: str  # the organization launched (the `default`, or the first)
    organizations: tuple[Organization, ...]
    scos: tuple[Sco, ...]  # launchable items of every organization, in tree order

    @property
    def is_2004(self) -> bool:
        return self.version != V12

    def organization(self, identifier: str = "") -> Organization:
        wanted = identifier or self.default_organization
        return next((o for o in self.organizations if o.identifier == wanted), self.organizations[0])


# The archive ------------------------------------------------------------------------------------------

def open_zip(file: IO[bytes]) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise PackageError("The file is not a valid ZIP archive.") from None


def unsafe_path_reason(name: str) -> str | None:
    """Why an entry's name may not be extracted (zip-slip and friends), or None if it is safe."""
    if "\\" in name:
        return "contains a backslash"
    if name.startswith("/"):
        return "is an absolute path"
    if _DRIVE.match(name):
        return "names a drive"
    if "\x00" in name:
        return "contains a NUL character"
    if any(part == ".." for part in name.split("/")):
        return "leaves the package folder (..)"
    return None


def is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def check_archive(archive: zipfile.ZipFile, *, max_total_bytes: int = DEFAULT_MAX_TOTAL_BYTES,
                  max_ratio: int = DEFAULT_MAX_RATIO) -> dict[str, zipfile.ZipInfo]:
    """Every entry checked (see the module doc); returns the files by their normalised name."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise PackageError(f"The package has more than {MAX_ENTRIES} entries.")
    files: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = info.filename
        reason = unsafe_path_reason(name)
        if reason is not None:
            raise PackageError(f"Unsafe path in package: {name!r} {reason}.")
        if info.flag_bits & 0x1:
            raise PackageError(f"Encrypted entries are not supported: {name!r}.")
        if is_symlink(info):
            raise PackageError(f"Symbolic links are not allowed in a package: {name!r}.")
        if info.is_dir():
            continue
        normal = posixpath.normpath(name)
        if normal in files:
            if normal == MANIFEST:
                raise PackageError("The package holds more than one imsmanifest.xml.")
            raise PackageError(f"Duplicate entry in package: {name!r}.")
        total += info.file_size
        if total > max_total_bytes:
            raise PackageError(f"The package inflates to more than {max_total_bytes // (1024 * 1024)} MB "
                               "(compression bomb?).")
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > max_ratio * max(info.compress_size, 1):
            raise PackageError(f"Entry {name!r} is compressed more than {max_ratio}:1 (compression bomb?).")
        files[normal] = info
    if MANIFEST not in files:
        nested = sorted(n for n in files if n.rsplit("/", 1)[-1].lower() == MANIFEST)
        if nested:
            raise PackageError(f"imsmanifest.xml must be at the root of the package, not in {nested[0]!r}.")
        raise PackageError("The package has no imsmanifest.xml.")
    if files[MANIFEST].file_size > MAX_MANIFEST_BYTES:
        raise PackageError("imsmanifest.xml is too large.")
    return files


def inspect(file: IO[bytes], **limits) -> tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo], Manifest]:
    """The archive, its files and its manifest, every check passed (else PackageError)."""
    archive = open_zip(file)
    try:
        files = check_archive(archive, **limits)
        try:
            data = archive.read(files[MANIFEST])
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
            raise PackageError(f"imsmanifest.xml cannot be read: {exc}.") from None
        manifest = parse_manifest(data, present=set(files))
    except BaseException:
        archive.close()
        raise
    return archive, files, manifest


# The manifest ---------------------------------------------------------------------------------------

def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag).lower() == name.lower()]


def _child(element: Element, name: str) -> Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _attr(element: Element, name: str, default: str = "") -> str:
    """An attribute by local name, any namespace, case-insensitive (1.2 `scormtype`, 2004 `scormType`)."""
    wanted = name.lower()
    for key, value in element.attrib.items():
        if _local(key).lower() == wanted:
            return value.strip()
    return default


def _text(element: Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def parse_xml(data: bytes) -> Element:
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise PackageError(f"imsmanifest.xml may not declare a DTD or entities ({type(exc).__name__}).") from None
    except XmlParseError as exc:
        raise PackageError(f"imsmanifest.xml is not well-formed XML: {exc}.") from None


def detect_version(root: Element) -> str:
    """From `<metadata><schemaversion>`; without one, from the ADL namespaces the manifest uses."""
    metadata = _child(root, "metadata")
    text = _text(_child(metadata, "schemaversion")) if metadata is not None else ""
    lowered = text.lower()
    if lowered in ("1.2", "1.1", "1.0"):
        return V12
    if "4th" in lowered:
        return V2004_4
    if "3rd" in lowered:
        return V2004_3
    if "2nd" in lowered or lowered in ("cam 1.3", "1.3"):
        return V2004_2
    namespaces = " ".join(str(v) for v in root.attrib.values()) + " " + " ".join(
        {e.tag.partition("}")[0] for e in root.iter() if isinstance(e.tag, str)})
    if "adlcp_rootv1p2" in namespaces or "imscp_rootv1p1p2" in namespaces:
        return V12
    if "adlcp_v1p3" in namespaces or "imsss" in namespaces or lowered.startswith("2004"):
        return V2004_3
    return V12


def join_base(*parts: str) -> str:
    """xml:base values and an href joined (each base names a folder of the one before)."""
    path = ""
    for part in parts:
        part = (part or "").strip()
        if not part:
            continue
        if _SCHEME.match(part) or part.startswith("/"):
            path = part
            continue
        if path and not path.endswith("/"):
            path += "/"
        path += part
    return path


def add_parameters(launch: str, parameters: str) -> str:
    """An item's `parameters` added to its resource's href (SCORM CAM 3.4.1.5 / 2004 CAM 3.5.2)."""
    parameters = (parameters or "").strip()
    if not parameters:
        return launch
    if parameters.startswith("#"):
        return launch if "#" in launch else launch + parameters
    parameters = parameters.lstrip("?&")
    if not parameters:
        return launch
    return launch + ("&" if "?" in launch else "?") + parameters


def resolve_href(href: str, *bases: str) -> tuple[str, str]:
    """(the package file, the query and fragment) an href names; PackageError if it leaves the package."""
    joined = join_base(*bases, href)
    if _SCHEME.match(joined):
        raise PackageError(f"Launch href {href!r} is not a file inside the package.")
    path, mark, query = joined.partition("?")
    if not mark:
        path, mark, query = joined.partition("#")
    suffix = (mark + query) if mark else ""
    if "\\" in path or path.startswith("/") or _DRIVE.match(path):
        raise PackageError(f"Launch href {href!r} escapes the package root.")
    normal = posixpath.normpath(path) if path else ""
    if not normal or normal == "." or normal == ".." or normal.startswith("../"):
        raise PackageError(f"Launch href {href!r} escapes the package root.")
    return normal, suffix


def parse_manifest(data: bytes, present: set[str] | None = None) -> Manifest:
    """The manifest's meaning; `present` (the archive's files) makes missing launch files an error."""
    root = parse_xml(data)
    if _local(root.tag) != "manifest":
        raise PackageError("imsmanifest.xml has no <manifest> root element.")
    version = detect_version(root)
    manifest_base = root.get(XML_BASE, "")
    resources_element = _child(root, "resources")
    resources: dict[str, tuple[Element, str]] = {}  # identifier -> (element, resources' xml:base)
    ordered_resources: list[str] = []
    if resources_element is not None:
        resources_base = resources_element.get(XML_BASE, "")
        for resource in _children(resources_element, "resource"):
            identifier = _attr(resource, "identifier")
            if identifier and identifier not in resources:
                resources[identifier] = (resource, resources_base)
                ordered_resources.append(identifier)

    def sco_of(item_identifier: str, title: str, resource_id: str, item: Element | None) -> Sco | None:
        if resource_id not in resources:
            raise PackageError(f"Item {item_identifier!r} refers to a missing resource {resource_id!r}.")
        resource, resources_base = resources[resource_id]
        href = _attr(resource, "href")
        if not href:
            return None  # a resource without an href launches nothing (shared files)
        path, suffix = resolve_href(href, manifest_base, resources_base, resource.get(XML_BASE, ""))
        if present is not None and path not in present:
            raise PackageError(f"Launch file {path!r} of resource {resource_id!r} is not in the package.")
        scorm_type = (_attr(resource, "scormtype") or "asset").lower()
        parameters = item.get("parameters", "").strip() if item is not None else ""
        fields: dict = {}
        if item is not None:
            mastery = _number(_text(_child(item, "masteryscore")))
            fields.update(
                mastery_score=mastery,
                prerequisites=_text(_child(item, "prerequisites")),
                completion_threshold=_completion_threshold(_child(item, "completionThreshold")),
                data_from_lms=_text(_child(item, "dataFromLMS")),
                max_time_allowed=_text(_child(item, "maxtimeallowed")),
                time_limit_action=_text(_child(item, "timelimitaction")),
                scaled_passing_score=_scaled_passing_score(item))
        return Sco(identifier=item_identifier, title=title, resource_identifier=resource_id,
                   scorm_type="sco" if scorm_type == "sco" else "asset", path=path,
                   launch=add_parameters(path + suffix, parameters), parameters=parameters, **fields)

    scos: list[Sco] = []
    seen_items: set[str] = set()

    def item_of(element: Element, position: str) -> Item:
        identifier = _attr(element, "identifier") or f"item_{position}"
        if identifier in seen_items:
            raise PackageError(f"Item identifier {identifier!r} is used more than once.")
        seen_items.add(identifier)
        title = _text(_child(element, "title")) or identifier
        resource_id = _attr(element, "identifierref")
        sco_id = ""
        if resource_id:
            sco = sco_of(identifier, title, resource_id, element)
            if sco is not None:
                scos.append(sco)
                sco_id = sco.identifier
        children = tuple(item_of(child, f"{position}_{n}") for n, child in enumerate(_children(element, "item"), 1))
        visible = _attr(element, "isvisible", "true").lower() != "false"
        return Item(identifier=identifier, title=title, children=children, sco=sco_id, visible=visible,
                    rollup=_contributes(element))

    organizations: list[Organization] = []
    organizations_element = _child(root, "organizations")
    default = _attr(organizations_element, "default") if organizations_element is not None else ""
    if organizations_element is not None:
        for n, element in enumerate(_children(organizations_element, "organization"), 1):
            identifier = _attr(element, "identifier") or f"organization_{n}"
            items = tuple(item_of(child, str(i)) for i, child in enumerate(_children(element, "item"), 1))
            sequencing = any(_local(e.tag) == "sequencing" for e in element.iter())
            title = _text(_child(element, "title")) or identifier
            organizations.append(Organization(identifier=identifier, title=title, items=items,
                                              has_sequencing=sequencing))
    manifest_identifier = _attr(root, "identifier") or "manifest"
    if not organizations or not any(scos_in(o) for o in organizations):
        # Empty <organizations/>: the first SCO resource (else the first with an href) is the package (Moodle).
        launchable = [r for r in ordered_resources if _attr(resources[r][0], "href")]
        first = next((r for r in launchable if _attr(resources[r][0], "scormtype").lower() == "sco"),
                     launchable[0] if launchable else None)
        if first is None:
            raise PackageError("The package has nothing to launch: no organization item and no resource with an href.")
        title = _metadata_title(root) or first
        scos.clear()
        seen_items.clear()
        sco = sco_of(first, title, first, None)
        scos.append(sco)
        organizations = [Organization(identifier=manifest_identifier, title=title,
                                      items=(Item(identifier=first, title=title, sco=first),))]
        default = manifest_identifier
    if default not in {o.identifier for o in organizations}:
        default = organizations[0].identifier
    chosen = next(o for o in organizations if o.identifier == default)
    title = chosen.title or _metadata_title(root) or manifest_identifier
    return Manifest(identifier=manifest_identifier, version=version, title=title, default_organization=default,
                    organizations=tuple(organizations), scos=tuple(scos))


def scos_in(organization: Organization) -> bool:
    def walk(items) -> bool:
        return any(item.sco or walk(item.children) for item in items)

    return walk(organization.items)


def _metadata_title(root: Element) -> str:
    """The LOM title of the package's metadata (`lom/general/title/string`, 1.2's `langstring`), if any."""
    metadata = _child(root, "metadata")
    if metadata is None:
        return ""
    for general in metadata.iter():
        if _local(general.tag) == "general":
            title = _child(general, "title")
            if title is not None:
                named = [c for c in title if _local(c.tag).lower() in ("string", "langstring")]
                return _text(named[0]) if named else _text(title)
    return ""


def _contributes(item: Element) -> bool:
    """2004: whether the item's completion rolls up to its parent: not when its sequencing says
    `deliveryControls tracked="false"` or `rollupRules rollupProgressCompletion="false"`."""
    sequencing = _child(item, "sequencing")
    if sequencing is None:
        return True
    delivery = _child(sequencing, "deliveryControls")
    rules = _child(sequencing, "rollupRules")
    return not ((delivery is not None and _attr(delivery, "tracked").lower() == "false")
                or (rules is not None and _attr(rules, "rollupProgressCompletion").lower() == "false"))


def _completion_threshold(element: Element | None) -> float | None:
    if element is None:
        return None
    value = _number(_attr(element, "minProgressMeasure") or _text(element))
    if value is None and _attr(element, "completedByMeasure").lower() != "true":
        return None
    return value


def _scaled_passing_score(item: Element) -> float | None:
    sequencing = _child(item, "sequencing")
    if sequencing is None:
        return None
    objectives = _child(sequencing, "objectives")
    primary = _child(objectives, "primaryObjective") if objectives is not None else None
    if primary is None or _attr(primary, "satisfiedByMeasure").lower() != "true":
        return None
    return _number(_text(_child(primary, "minNormalizedMeasure")) or "1.0")
