"""The package's rules without transports: archive safety over every fixture, and the manifest parser."""
from __future__ import annotations

import io
import os
import zipfile

import pytest

from lms.scorm.package import (
    V12, V2004_2, V2004_3, V2004_4, PackageError, add_parameters, check_archive, inspect, open_zip, parse_manifest,
)
from tests.scorm.fixtures import (
    GOLF_12, GOLF_2004, NEGATIVE, NEGATIVE_MESSAGES, NS_2004, make_zip, manifest_xml,
)


def test_valid_fixtures_parse():
    with GOLF_12.open("rb") as handle:
        archive, files, manifest = inspect(handle)
        archive.close()
    assert manifest.version == V12 and manifest.title == "Golf Explained - Run-time Basic Calls"
    assert [(s.identifier, s.title, s.launch, s.scorm_type) for s in manifest.scos] == [
        ("item_1", "Golf Explained", "shared/launchpage.html", "sco")]
    assert "imsmanifest.xml" in files and len(files) == 46
    with GOLF_2004.open("rb") as handle:
        archive, files, manifest = inspect(handle)
        archive.close()
    assert manifest.version == V2004_3 and manifest.is_2004
    assert manifest.default_organization == "golf_sample_default_org"
    assert manifest.organizations[0].has_sequencing


def test_every_negative_fixture_is_rejected_with_its_reason():
    assert {p.name for p in NEGATIVE} == set(NEGATIVE_MESSAGES)
    for path in NEGATIVE:
        with path.open("rb") as handle, pytest.raises(PackageError) as caught:
            inspect(handle)
        expected = NEGATIVE_MESSAGES[path.name] or "not a valid ZIP archive"
        assert expected in str(caught.value), (path.name, str(caught.value))


@pytest.mark.parametrize("name, reason", [
    ("../evil.txt", "leaves the package folder"), ("a/../../evil.txt", "leaves the package folder"),
    ("/etc/passwd", "absolute path"), ("C:/evil.txt", "names a drive"), ("c:evil.txt", "names a drive"),
    ("..\\evil.txt", "backslash"), ("a\\b.txt", "backslash"),
])
def test_unsafe_entry_names(name, reason):
    data = make_zip({"imsmanifest.xml": manifest_xml(""), name: "x"})
    with pytest.raises(PackageError, match=reason):
        check_archive(open_zip(io.BytesIO(data)))


def test_encrypted_entries_and_bombs_by_total_size():
    data = bytearray(make_zip({"imsmanifest.xml": manifest_xml(""), "a.txt": "hello"}))
    archive = open_zip(io.BytesIO(bytes(data)))
    archive.infolist()[1].flag_bits |= 0x1
    with pytest.raises(PackageError, match="Encrypted entries"):
        check_archive(archive)
    big = make_zip({"imsmanifest.xml": manifest_xml(""), "a.bin": os.urandom(2 * 1024 * 1024)})  # incompressible
    with pytest.raises(PackageError, match="inflates to more than 1 MB"):
        check_archive(open_zip(io.BytesIO(big)), max_total_bytes=1024 * 1024)
    check_archive(open_zip(io.BytesIO(big)))


def test_duplicate_entries():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("imsmanifest.xml", manifest_xml(""))
        archive.writestr("a.html", "1")
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            archive.writestr("a.html", "2")
    with pytest.raises(PackageError, match="Duplicate entry"):
        check_archive(open_zip(io.BytesIO(buffer.getvalue())))


ITEMS_12 = """
<organizations default="org1"><organization identifier="org1"><title>Course</title>
  <item identifier="m1"><title>Module 1</title>
    <item identifier="s1" identifierref="r1" parameters="?page=1"><title>One</title>
      <adlcp:masteryscore>80</adlcp:masteryscore><adlcp:prerequisites>s0</adlcp:prerequisites></item>
    <item identifier="s2" identifierref="r2" parameters="lang=en"><title>Two</title></item>
    <item identifier="m2"><title>Nested</title>
      <item identifier="s3" identifierref="r3" parameters="#top"><title>Three</title></item></item>
  </item></organization></organizations>
<resources xml:base="content/">
  <resource identifier="r1" type="webcontent" adlcp:scormtype="sco" href="one.html"/>
  <resource identifier="r2" type="webcontent" adlcp:scormtype="sco" xml:base="two/" href="index.html?x=1"/>
  <resource identifier="r3" type="webcontent" adlcp:scormtype="asset" href="three.html"/>
</resources>"""


def test_nested_items_xml_base_parameters_and_mastery():
    present = {"content/one.html", "content/two/index.html", "content/three.html"}
    manifest = parse_manifest(manifest_xml(ITEMS_12).encode(), present=present)
    assert manifest.version == V12 and manifest.title == "Course"
    assert [(s.identifier, s.launch, s.scorm_type) for s in manifest.scos] == [
        ("s1", "content/one.html?page=1", "sco"), ("s2", "content/two/index.html?x=1&lang=en", "sco"),
        ("s3", "content/three.html#top", "asset")]
    one = manifest.scos[0]
    assert one.mastery_score == 80 and one.prerequisites == "s0" and one.parameters == "?page=1"
    tree = manifest.organizations[0].items
    assert [i.identifier for i in tree] == ["m1"] and [i.identifier for i in tree[0].children] == ["s1", "s2", "m2"]
    assert tree[0].children[2].children[0].sco == "s3"
    with pytest.raises(PackageError, match="'content/one.html' of resource 'r1' is not in the package"):
        parse_manifest(manifest_xml(ITEMS_12).encode(), present=present - {"content/one.html"})
    based = parse_manifest(manifest_xml(ITEMS_12, base="pkg/").encode())
    assert based.scos[0].path == "pkg/content/one.html"


def test_parameters_are_joined_as_the_cam_says():
    assert add_parameters("a.html", "?x=1") == "a.html?x=1"
    assert add_parameters("a.html?y=2", "?x=1") == "a.html?y=2&x=1"
    assert add_parameters("a.html?y=2", "&x=1") == "a.html?y=2&x=1"
    assert add_parameters("a.html", "#p") == "a.html#p"
    assert add_parameters("a.html", "") == "a.html"


RESOURCES = """<resources>
  <resource identifier="asset" type="webcontent" adlcp:scormtype="asset" href="readme.html"/>
  <resource identifier="first" type="webcontent" adlcp:scormtype="sco" href="index.html"/>
</resources>"""


def test_empty_organizations_launch_the_first_sco_resource():
    manifest = parse_manifest(manifest_xml("<organizations/>" + RESOURCES).encode(),
                              present={"index.html", "readme.html"})
    assert [(s.identifier, s.launch, s.scorm_type) for s in manifest.scos] == [("first", "index.html", "sco")]
    assert len(manifest.organizations) == 1 and manifest.default_organization == "m1"


def test_default_naming_no_organization_falls_back_to_the_first():
    body = ('<organizations default="nowhere"><organization identifier="a"><title>A</title>'
            '<item identifier="i" identifierref="first"><title>I</title></item></organization>'
            '<organization identifier="b"><title>B</title></organization></organizations>' + RESOURCES)
    manifest = parse_manifest(manifest_xml(body).encode())
    assert manifest.default_organization == "a" and manifest.title == "A"


@pytest.mark.parametrize("text, version", [
    ("2004 2nd Edition", V2004_2), ("CAM 1.3", V2004_2), ("2004 3rd Edition", V2004_3),
    ("2004 4th Edition", V2004_4), ("1.2", V12),
])
def test_versions_from_schemaversion(text, version):
    body = ('<organizations default="a"><organization identifier="a"><title>A</title>'
            '<item identifier="i" identifierref="first"><title>I</title></item></organization></organizations>'
            + RESOURCES.replace("scormtype", "scormType"))
    assert parse_manifest(manifest_xml(body, version=text, ns=NS_2004).encode()).version == version


def test_2004_sequencing_gives_the_scaled_passing_score():
    body = ('<organizations default="a"><organization identifier="a"><title>A</title>'
            '<item identifier="i" identifierref="first"><title>I</title>'
            '<adlcp:completionThreshold completedByMeasure="true" minProgressMeasure="0.8"/>'
            '<imsss:sequencing><imsss:objectives><imsss:primaryObjective objectiveID="p" satisfiedByMeasure="true">'
            '<imsss:minNormalizedMeasure>0.7</imsss:minNormalizedMeasure></imsss:primaryObjective></imsss:objectives>'
            '</imsss:sequencing></item></organization></organizations>' + RESOURCES.replace("scormtype", "scormType"))
    sco = parse_manifest(manifest_xml(body, version="2004 4th Edition", ns=NS_2004).encode()).scos[0]
    assert sco.scaled_passing_score == 0.7 and sco.completion_threshold == 0.8


def test_hrefs_that_leave_the_package():
    for href in ("../x.html", "/etc/passwd", "http://evil.example/x.html", "a/../../x.html", "C:/x.html"):
        body = ('<organizations default="a"><organization identifier="a"><title>A</title>'
                '<item identifier="i" identifierref="r"><title>I</title></item></organization></organizations>'
                f'<resources><resource identifier="r" adlcp:scormtype="sco" href="{href}"/></resources>')
        with pytest.raises(PackageError):
            parse_manifest(manifest_xml(body).encode())


def test_12_prerequisites_as_a_simple_and_lock_until_met():
    from lms.scorm.sequencing import locked, prerequisite_items

    assert prerequisite_items("") == () and prerequisite_items(" intro ") == ("intro",)
    assert prerequisite_items("intro & part_1") == ("intro", "part_1")
    assert prerequisite_items("intro | part_1") is None and prerequisite_items("~intro") is None
    assert prerequisite_items("{intro, part_1}") is None and prerequisite_items("intro=passed") is None
    organization = {"items": [
        {"identifier": "intro", "sco": "intro", "children": []},
        {"identifier": "unit", "sco": "", "children": [{"identifier": "a", "sco": "a", "children": []},
                                                       {"identifier": "b", "sco": "b", "children": []}]},
        {"identifier": "quiz", "sco": "quiz", "children": []}]}
    scos = [{"identifier": "intro"}, {"identifier": "a", "prerequisites": "intro"},
            {"identifier": "b", "prerequisites": "intro & a"}, {"identifier": "quiz", "prerequisites": "unit"},
            {"identifier": "extra", "prerequisites": "intro | a"}, {"identifier": "typo", "prerequisites": "nope"}]
    assert locked("1.2", organization, scos, {}) == {"a", "b", "quiz"}
    assert locked("1.2", organization, scos, {"intro": "completed"}) == {"b", "quiz"}
    assert locked("1.2", organization, scos, {"intro": "passed", "a": "failed"}) == {"b", "quiz"}
    assert locked("1.2", organization, scos, {"intro": "passed", "a": "completed"}) == {"quiz"}
    assert locked("1.2", organization, scos, {"intro": "passed", "a": "completed", "b": "passed"}) == set()
    assert locked("2004 4th Edition", organization, scos, {}) == set()  # (2004 sequencing is not enforced)


def test_2004_completion_rolls_up_by_the_default_rules():
    from lms.scorm.sequencing import counted

    resources = "<resources>" + "".join(
        f'<resource identifier="r{n}" type="webcontent" adlcp:scormType="sco" href="{n}.html"/>' for n in range(4)) \
        + "</resources>"
    body = ('<organizations default="a"><organization identifier="a"><title>A</title>'
            '<item identifier="i0" identifierref="r0"><title>Intro</title></item>'
            '<item identifier="i1" identifierref="r1"><title>Practice</title><imsss:sequencing>'
            '<imsss:deliveryControls tracked="false"/></imsss:sequencing></item>'
            '<item identifier="unit"><title>Unit</title>'
            '<item identifier="i2" identifierref="r2"><title>Lesson</title></item>'
            '<item identifier="i3" identifierref="r3"><title>Extra</title><imsss:sequencing>'
            '<imsss:rollupRules rollupProgressCompletion="false"/></imsss:sequencing></item>'
            '</item></organization></organizations>' + resources)
    manifest = parse_manifest(manifest_xml(body, version="2004 4th Edition", ns=NS_2004).encode())
    organization = manifest.organizations[0].as_dict()
    assert counted(organization) == ["i0", "i2"]
    plain = parse_manifest(manifest_xml(body.replace('tracked="false"', 'tracked="true"').replace(
        'rollupProgressCompletion="false"', ""), version="2004 4th Edition", ns=NS_2004).encode())
    assert counted(plain.organizations[0].as_dict()) == ["i0", "i1", "i2", "i3"]
