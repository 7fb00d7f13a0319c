"""The documentation: the README stays short and its links resolve; the MkDocs site builds with
--strict, so a page left out of the navigation or a broken link between pages fails the suite."""
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_the_readme_is_short_enough_to_read_in_ten_minutes():
    assert len((REPO / "README.md").read_text(encoding="utf-8").splitlines()) < 300


def test_every_link_in_the_readme_points_at_a_file_of_the_repository():
    links = LINK.findall((REPO / "README.md").read_text(encoding="utf-8"))
    missing = [link for link in links if not link.startswith(("http://", "https://")) and not (REPO / link).exists()]
    assert links and missing == []


def test_the_documentation_site_builds_without_a_warning(tmp_path):
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                           cwd=REPO,
                           capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    pages = {p.stem for p in (REPO / "docs").glob("*.md")}
    assert {p.parent.name or "index" for p in (tmp_path / "site").rglob("index.html")} >= pages - {"index"}
