"""The README stays a newcomer's one or two screens, and every link in it and in docs/ stays inside the repository."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)|<(https?://[^>]+)>")


def _anchors(page: Path) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes."""
    return {re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
            for line in page.read_text().splitlines() if line.startswith("#")}


def test_the_readme_is_short():
    assert len((ROOT / "README.md").read_bytes()) < 10_000


def test_every_link_resolves_inside_the_repository():
    broken = []
    for page in PAGES:
        for relative, absolute in LINK.findall(page.read_text()):
            target = relative or absolute
            if target.startswith(("http://", "https://")):
                if not re.match(r"https?://(localhost|127\.0\.0\.1)[:/]", target):
                    broken.append(f"{page.name}: {target} leaves the repository")
                continue
            path, _, anchor = target.partition("#")
            resolved = (page.parent / path).resolve() if path else page
            if ROOT not in resolved.parents and resolved != ROOT or not resolved.exists():
                broken.append(f"{page.name}: {target} does not exist in the repository")
            elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved):
                broken.append(f"{page.name}: {target} names no heading")
    assert not broken, "\n".join(broken)


def test_nothing_points_beside_the_repository():
    for page in PAGES:
        assert "../shared" not in page.read_text(), page.name


def test_the_readme_links_every_domain_doc():
    readme = (ROOT / "README.md").read_text()
    for doc in sorted((ROOT / "docs").glob("*.md")):
        assert f"(docs/{doc.name})" in readme, f"README does not link docs/{doc.name}"
