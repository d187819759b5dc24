"""Templates read like code: no template line is longer than MAX_LINE_LENGTH characters."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINE_LENGTH = 160


def templates() -> list[Path]:
    """Every template git knows of, tracked or new (not ignored), that exists on disk: the
    files `make lint` gives djhtml."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", "*.html"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return [ROOT / name for name in listed if (ROOT / name).is_file()]


def test_there_are_templates_to_check():
    assert ROOT / "templates" / "base.html" in templates()


def test_no_template_line_is_longer_than_the_limit():
    too_long = [
        f"{path.relative_to(ROOT)}:{number}: {len(line)} characters"
        for path in templates()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if len(line) > MAX_LINE_LENGTH
    ]
    assert not too_long, f"Template lines over {MAX_LINE_LENGTH} characters:\n" + "\n".join(
        too_long
    )
