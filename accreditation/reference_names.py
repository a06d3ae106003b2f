"""The reference data's names (standards, sectors) in the reader's language.

Standards and sectors are data (staff edit them in the admin), stored with their English
names, which stay the names of the CSV export, the JSON API and the database. On the
site, a name is shown through :func:`translated_name`: the English name is the msgid of
the project's catalogues (``locale/``), so translators translate it with the interface.
A name staff add or change later shows in English until the catalogues carry it.

``NAMES`` lists today's names (DESIGN.md, migration 0003) so that ``make messages``
extracts them.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

NAMES = (
    # standards
    gettext_noop("Performance Standard"),
    gettext_noop("Chain of Custody Standard"),
    # sectors
    gettext_noop("Bauxite mining"),
    gettext_noop("Alumina refining"),
    gettext_noop("Aluminium smelting"),
    gettext_noop("Aluminium re-melting / refining"),
    gettext_noop("Casthouse"),
    gettext_noop("Semi-fabrication"),
    gettext_noop("Material conversion"),
    gettext_noop("Other manufacturing or sale of products containing aluminium"),
    gettext_noop(
        "Post-casthouse (semi-fabrication, material conversion, other manufacturing or sale)"
    ),
    gettext_noop("Bauxite development"),
    gettext_noop("High-purity alumina"),
)


def translated_name(name: str) -> str:
    """``name`` in the active language when the catalogues translate it, else as stored."""
    # gettext("") would answer the catalogue's header.
    return gettext(name) if name else name
