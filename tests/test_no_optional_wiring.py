"""Apps import each other directly (accreditation -> courses -> quiz -> lms, cms may use
any) or plug in through Wagtail hooks: no "if the other app has it" wiring, which once hid
a bug for a whole release (a quiz pass that never completed its course)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("lms", "cms", "courses", "accreditation")
OPTIONAL_WIRING = re.compile(
    r"\bimportlib\b|\bfind_spec\b|\bimport_module\b|except (ImportError|ModuleNotFoundError)"
    r"|apps\.get_model\("
)


def test_app_code_never_imports_another_app_only_if_it_is_there():
    offenders = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and OPTIONAL_WIRING.search(path.read_text())
    ]
    assert offenders == [], "import directly, or invert with a Wagtail hook"
