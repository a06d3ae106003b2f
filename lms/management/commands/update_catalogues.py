"""``python manage.py update_catalogues [--into DIR]`` (``make messages``): the project's own
strings into the catalogues of every working language but English, for both the ``django``
(Python, templates, e-mail texts) and ``djangojs`` (site scripts) domains.

One place for the options, so that ``make messages`` and ``.ci/check-translations`` extract
exactly the same strings: the locales follow ``settings.LANGUAGES`` (``locale/fr``,
``locale/de``, ``locale/zh_Hans``, ``locale/pt_BR``); tests, the virtualenv, collected
static files, media and vendored or minified scripts are skipped; each entry keeps the file
it comes from but not the line (``--add-location file``: small diffs), and strings no longer
in the code are dropped (``--no-obsolete``).

``--into DIR`` writes to ``DIR/<locale>/LC_MESSAGES/`` instead of ``LOCALE_PATHS[0]`` (the
check works on a copy and never touches ``locale/``).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.management.commands import makemessages
from django.test.utils import override_settings
from django.utils.translation import to_locale

IGNORE = [
    "venv",
    "node_modules",
    "tests",
    "staticfiles",
    "media",
    "private-media",
    "test-artifacts",
    "build",
    "migrations",
    "*.egg-info",
    "vendor",
    "*.min.js",
]
DOMAINS = {"django": ["html", "txt", "py"], "djangojs": ["js"]}


def catalogue_locales() -> list[str]:
    """The catalogue folder names: every working language but the source one (English)."""
    return [to_locale(code) for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class _Extract(makemessages.Command):
    """``makemessages``, writing every source file's strings to one locale folder."""

    target: str | None = None

    def find_files(self, root):
        files = super().find_files(root)
        if self.target:
            for translatable in files:
                translatable.locale_dir = self.target
            self.locale_paths = [self.target]
        return files


class Command(BaseCommand):
    help = (
        "Extract the project's own strings into locale/<language>/LC_MESSAGES/django.po and "
        "djangojs.po for every working language but English (make messages)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--into",
            metavar="DIR",
            help="Write the catalogues under DIR instead of the project's locale/ folder.",
        )

    def handle(self, *args, into: str | None = None, **options):
        target = str(Path(into).resolve()) if into else str(Path(settings.LOCALE_PATHS[0]))
        Path(target).mkdir(parents=True, exist_ok=True)
        for domain, extensions in DOMAINS.items():
            command = _Extract()
            command.target = target
            # makemessages creates LOCALE_PATHS[0]: the target, never locale/ by accident.
            with override_settings(LOCALE_PATHS=[target]):
                call_command(
                    command,
                    locale=catalogue_locales(),
                    domain=domain,
                    extensions=extensions,
                    ignore_patterns=list(IGNORE),
                    add_location="file",
                    no_obsolete=True,
                    verbosity=options["verbosity"] - 1 if options["verbosity"] > 1 else 0,
                    stdout=self.stdout._out,
                    stderr=self.stderr._out,
                )
        for locale in catalogue_locales():
            for domain in DOMAINS:
                settle_header(Path(target) / locale / "LC_MESSAGES" / f"{domain}.po", locale)
        self.stdout.write(f"Catalogues updated in {target}: {', '.join(catalogue_locales())}")


def settle_header(path: Path, locale: str) -> None:
    """A new catalogue's header as gettext writes it is fuzzy and names no language: Django
    would then ignore its plural rules. Unfuzzied, with its language; entries untouched."""
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    head, marker, rest = text.partition('msgid ""\n')
    if not marker:
        return
    header, blank, entries = rest.partition("\n\n")
    header = header.replace('"Language: \\n"', f'"Language: {locale}\\n"', 1)
    settled = head.replace("#, fuzzy\n", "") + marker + header + blank + entries
    if settled != text:
        path.write_text(settled, encoding="utf-8")
