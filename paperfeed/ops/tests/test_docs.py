import re
from pathlib import Path

import paperfeed

PACKAGE = Path(paperfeed.__file__).parent
DOCS = PACKAGE.parent / "docs" / "settings.md"
READ_SETTING = re.compile(r"""(?:env_(?:bool|int|float|list)|environ\.get)\(\s*["']([A-Z][A-Z0-9_]+)["']""")


def settings_read_by_the_code() -> set[str]:
    names = set()
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or "testing" in path.parts:
            continue
        names |= set(READ_SETTING.findall(path.read_text()))
    return names


def test_every_setting_the_code_reads_is_documented():
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)`", DOCS.read_text(), re.M))
    missing = settings_read_by_the_code() - documented
    assert not missing, f"add these to docs/settings.md: {sorted(missing)}"


def test_every_documented_setting_is_read_by_the_code():
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)`", DOCS.read_text(), re.M))
    stale = documented - settings_read_by_the_code() - {"PAPERFEED_FIXTURES_DIR"}
    assert not stale, f"docs/settings.md documents settings nothing reads: {sorted(stale)}"
