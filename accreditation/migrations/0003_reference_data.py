"""Seeds the standards, their current versions, sector vocabularies and programmes.

Today's lists (DESIGN.md). The two sectors added by the 2024 assurance-manual update
(``bauxite-development``, ``high-purity-alumina``) are added to both standards' current
versions: the update applies to the assurance of both standards. Staff edit all of this
in the admin afterwards; the migration only creates what is missing.
"""

import datetime

from django.db import migrations

STANDARDS = {
    "PS": {
        "name": "Performance Standard",
        "version": "V3",
        "effective_from": datetime.date(2022, 5, 1),
        "sectors": [
            ("bauxite-mining", "Bauxite mining"),
            ("alumina-refining", "Alumina refining"),
            ("aluminium-smelting", "Aluminium smelting"),
            ("aluminium-remelting-refining", "Aluminium re-melting / refining"),
            ("casthouse", "Casthouse"),
            ("semi-fabrication", "Semi-fabrication"),
            ("material-conversion", "Material conversion"),
            (
                "other-manufacturing",
                "Other manufacturing or sale of products containing aluminium",
            ),
            ("bauxite-development", "Bauxite development"),
            ("high-purity-alumina", "High-purity alumina"),
        ],
    },
    "CoC": {
        "name": "Chain of Custody Standard",
        "version": "V2",
        "effective_from": datetime.date(2022, 5, 1),
        "sectors": [
            ("bauxite-mining", "Bauxite mining"),
            ("alumina-refining", "Alumina refining"),
            ("aluminium-smelting", "Aluminium smelting"),
            ("aluminium-remelting-refining", "Aluminium re-melting / refining"),
            ("casthouse", "Casthouse"),
            (
                "post-casthouse",
                "Post-casthouse (semi-fabrication, material conversion, other manufacturing "
                "or sale)",
            ),
            ("bauxite-development", "Bauxite development"),
            ("high-purity-alumina", "High-purity alumina"),
        ],
    },
}


def seed(apps, schema_editor):
    Standard = apps.get_model("accreditation", "Standard")
    Sector = apps.get_model("accreditation", "Sector")
    StandardVersion = apps.get_model("accreditation", "StandardVersion")
    Programme = apps.get_model("accreditation", "Programme")
    for code, data in STANDARDS.items():
        standard, _ = Standard.objects.get_or_create(code=code, defaults={"name": data["name"]})
        version, _ = StandardVersion.objects.get_or_create(
            standard=standard,
            version=data["version"],
            defaults={"effective_from": data["effective_from"]},
        )
        for slug, name in data["sectors"]:
            sector, _ = Sector.objects.get_or_create(
                standard=standard, slug=slug, defaults={"name": name}
            )
            version.sectors.add(sector)
        Programme.objects.get_or_create(
            standard_version=version,
            defaults={
                "name": f"{data['name']} {data['version']} auditor accreditation",
                "accreditation_validity_months": 36,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("accreditation", "0002_reminders")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
