"""Every kind of public page, in English and Arabic, is valid HTML for the Nu Html Checker
(vnu.jar from the npm package `vnu-jar`, installed by `make install`, run on the machine's Java):
no error on any page."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import PAGES

pytestmark = [pytest.mark.django_db(transaction=True)]

VNU_JAR = (
    Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)


def vnu_errors(files: list[Path]) -> list[str]:
    """The checker's errors over `files`, one readable line each (one JVM for all of them)."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        pytest.fail(f"the Nu Html Checker needs java and {VNU_JAR}: run `make install`")
    finished = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(finished.stderr or finished.stdout)
    return [
        f"{Path(message.get('url', '?')).name}:{message.get('lastLine', '?')}: "
        f"{message.get('message')} [{message.get('extract', '').strip()[:80]}]"
        for message in report["messages"]
        if message.get("type") in ("error", "non-document-error")
    ]


def test_the_checker_reports_an_error_it_is_shown(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text("<!doctype html><html lang=en><title>t</title><p><div></span>")
    assert vnu_errors([broken]), "the checker found nothing wrong in broken HTML"


def test_every_page_type_in_english_and_arabic_has_no_html_error(client, content, tmp_path):
    files = []
    for language in ("en", "ar"):
        for name in PAGES:
            path = content.path(name, language)
            response = client.get(path)
            assert response.status_code == 200, f"{path} answered {response.status_code}"
            page = tmp_path / f"{language}-{name}.html"
            page.write_bytes(response.content)
            files.append(page)
    errors = vnu_errors(files)
    assert not errors, "the Nu Html Checker found errors:\n" + "\n".join(errors)
