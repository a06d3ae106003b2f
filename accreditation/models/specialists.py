"""Registered Specialists: experts who are not auditors, listed on the public register.

A specialist (e.g. for community engagement in the local language, FPIC, human rights) is
a separate kind of entry: they hold no accreditation, have no scope, and the eligibility
engine, the auditor list, its CSV export, the auditors API and certificate verification
never look at them. The register shows them on a tab of their own
(``accreditation.register.specialists``), with their expertise and the languages they speak.

A specialist is public only while all three hold (``RegisteredSpecialistQuerySet.listed``):
status ``listed``; today within ``listed_from`` .. ``listed_until`` (an empty end is open);
consent to publication recorded on or before today.

Expertise areas and languages are sets of codes from fixed lists, stored in one text column
each as ``,code,code,`` (``CodeSetField``), so that "speaks Portuguese" is the portable filter
``languages__contains=",pt,"`` on SQLite and PostgreSQL alike.

Re-exported by ``accreditation.models``.
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Expertise(models.TextChoices):
    COMMUNITY_ENGAGEMENT = "community-engagement", _("Community engagement")
    FPIC = "fpic-indigenous-peoples", _("FPIC and indigenous peoples' rights")
    HUMAN_RIGHTS = "human-rights", _("Human rights")
    ENVIRONMENT = "environment-biodiversity", _("Environment and biodiversity")
    HEALTH_SAFETY = "health-safety", _("Health and safety")
    MATERIAL_STEWARDSHIP = "material-stewardship", _("Material stewardship")
    OTHER = "other", _("Other")


# Languages a specialist may speak: ISO 639-1 codes (ISO 639-2/3 where a language has no
# two-letter code), chosen for the regions where bauxite is mined and aluminium is made and
# sold. Add a line here to offer another language (no migration needed).
LANGUAGES = [
    ("af", _("Afrikaans")),
    ("am", _("Amharic")),
    ("ar", _("Arabic")),
    ("ay", _("Aymara")),
    ("bn", _("Bengali")),
    ("bs", _("Bosnian")),
    ("cs", _("Czech")),
    ("da", _("Danish")),
    ("de", _("German")),
    ("el", _("Greek")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fa", _("Persian")),
    ("ff", _("Fula (Pular)")),
    ("fi", _("Finnish")),
    ("fil", _("Filipino")),
    ("fr", _("French")),
    ("gn", _("Guarani")),
    ("ha", _("Hausa")),
    ("hi", _("Hindi")),
    ("hr", _("Croatian")),
    ("hu", _("Hungarian")),
    ("id", _("Indonesian")),
    ("is", _("Icelandic")),
    ("it", _("Italian")),
    ("ja", _("Japanese")),
    ("jam", _("Jamaican Patois")),
    ("kk", _("Kazakh")),
    ("ko", _("Korean")),
    ("ln", _("Lingala")),
    ("man", _("Mandinka / Maninka")),
    ("mg", _("Malagasy")),
    ("mn", _("Mongolian")),
    ("ms", _("Malay")),
    ("nl", _("Dutch")),
    ("no", _("Norwegian")),
    ("or", _("Odia")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("qu", _("Quechua")),
    ("ro", _("Romanian")),
    ("rop", _("Kriol (Australia)")),
    ("ru", _("Russian")),
    ("sk", _("Slovak")),
    ("sl", _("Slovenian")),
    ("sr", _("Serbian")),
    ("srn", _("Sranan Tongo")),
    ("sus", _("Susu")),
    ("sv", _("Swedish")),
    ("sw", _("Swahili")),
    ("ta", _("Tamil")),
    ("te", _("Telugu")),
    ("th", _("Thai")),
    ("tpi", _("Tok Pisin")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("ur", _("Urdu")),
    ("vi", _("Vietnamese")),
    ("wo", _("Wolof")),
    ("yo", _("Yoruba")),
    ("zh", _("Chinese")),
    ("zu", _("Zulu")),
]

_CODE = re.compile(r"^[a-z0-9-]{1,40}$")


class CodeSetField(models.CharField):
    """A set of codes from a fixed list (``code_choices``), stored as ``,a,b,`` (sorted).

    In Python the value is a list of codes. ``field__contains=",code,"`` finds the rows
    with ``code`` on any database. The list of choices lives in code, not in migrations.
    """

    def __init__(self, *args, code_choices=(), **kwargs):
        self.code_choices = list(code_choices)
        kwargs.setdefault("max_length", 400)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 400:
            del kwargs["max_length"]
        if kwargs.get("blank") is True:
            del kwargs["blank"]
        else:
            kwargs["blank"] = False
        if kwargs.get("default") is list:
            del kwargs["default"]
        return name, path, args, kwargs

    @staticmethod
    def split(value) -> list[str]:
        if value is None or value == "":
            return []
        if isinstance(value, str):
            return [code for code in value.split(",") if code]
        return list(value)

    def from_db_value(self, value, expression, connection):
        return self.split(value)

    def to_python(self, value):
        return self.split(value)

    def get_prep_value(self, value):
        # Lists and text alike become the stored form (``contains`` patterns are not
        # prepared by Django: they reach the database as given).
        codes = sorted(set(self.split(value)))
        return f",{','.join(codes)}," if codes else ""

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value, model_instance):
        codes = self.split(value)
        allowed = {code for code, _label in self.code_choices}
        unknown = [code for code in codes if code not in allowed or not _CODE.match(code)]
        if unknown:
            raise ValidationError(
                _("Unknown code: %(codes)s"), params={"codes": ", ".join(unknown)}, code="invalid"
            )
        if not self.blank and not codes:
            raise ValidationError(self.error_messages["blank"], code="blank")

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.MultipleChoiceField,
            "choices": self.code_choices,
            "required": not self.blank,
            "label": self.verbose_name,
            "help_text": self.help_text,
            "widget": forms.CheckboxSelectMultiple,
        }
        defaults.update(kwargs)
        form_class = defaults.pop("form_class")
        for key in ("max_length", "empty_value", "choices_form_class", "coerce"):
            defaults.pop(key, None)
        return form_class(**defaults)

    def labels(self, value) -> list[str]:
        """The names of the codes in ``value``, in the order of the list of choices."""
        codes = set(self.split(value))
        return [str(label) for code, label in self.code_choices if code in codes]


class RegisteredSpecialistQuerySet(models.QuerySet):
    def listed(self, on: datetime.date) -> RegisteredSpecialistQuerySet:
        """Public on ``on``: status listed, within the listing dates, consent recorded."""
        return self.filter(
            Q(listed_until__isnull=True) | Q(listed_until__gte=on),
            status=RegisteredSpecialist.Status.LISTED,
            listed_from__lte=on,
            publication_consent_on__isnull=False,
            publication_consent_on__lte=on,
        )

    def with_expertise(self, code: str) -> RegisteredSpecialistQuerySet:
        return self.filter(expertise__contains=f",{code},")

    def speaking(self, code: str) -> RegisteredSpecialistQuerySet:
        return self.filter(languages__contains=f",{code},")


class RegisteredSpecialist(models.Model):
    """A non-auditor expert on the public register (see the module docstring)."""

    class Status(models.TextChoices):
        LISTED = "listed", _("Listed")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    full_name = models.CharField(_("full name"), max_length=200)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_specialist",
        verbose_name=_("user account"),
        help_text=_("Optional: the specialist's account on this site, if they have one."),
    )
    organisation = models.CharField(
        _("organisation"),
        max_length=200,
        blank=True,
        help_text=_("Shown on the register. Leave empty to show the audit firm, if any."),
    )
    firm = models.ForeignKey(
        "accreditation.AuditFirm",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_specialists",
        verbose_name=_("audit firm"),
        help_text=_("Optional: an audit firm the specialist works with. Not an accreditation."),
    )
    country = CountryField(_("country"))
    expertise = CodeSetField(
        _("areas of expertise"), code_choices=Expertise.choices, blank=False, max_length=200
    )
    description = models.TextField(
        _("public description"),
        max_length=1000,
        blank=True,
        help_text=_("A few sentences on the register: experience, regions, communities."),
    )
    languages = CodeSetField(_("languages spoken"), code_choices=LANGUAGES, blank=False)
    standards = models.ManyToManyField(
        "accreditation.Standard",
        blank=True,
        related_name="registered_specialists",
        verbose_name=_("standards supported"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.LISTED
    )
    listed_from = models.DateField(_("listed from"), default=timezone.localdate)
    listed_until = models.DateField(
        _("listed until"), null=True, blank=True, help_text=_("Empty: no end date.")
    )
    public_email = models.EmailField(_("public contact e-mail"), blank=True)
    publication_consent_on = models.DateField(
        _("consent to publication given on"),
        null=True,
        blank=True,
        help_text=_("Without a consent date the specialist is never shown on the register."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RegisteredSpecialistQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name = _("registered specialist")
        verbose_name_plural = _("registered specialists")
        indexes = [
            models.Index(fields=["status", "full_name"], name="specialist_status_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(listed_until__isnull=True)
                | Q(listed_until__gte=models.F("listed_from")),
                name="specialist_listing_dates_ordered",
                violation_error_message=_("The listing cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def organisation_name(self) -> str:
        """What the register shows as the organisation: the text, else the firm's name."""
        if self.organisation:
            return self.organisation
        return self.firm.name if self.firm_id else ""

    @property
    def expertise_labels(self) -> list[str]:
        return self._meta.get_field("expertise").labels(self.expertise)

    @property
    def language_labels(self) -> list[str]:
        return self._meta.get_field("languages").labels(self.languages)

    def is_listed_on(self, on: datetime.date) -> bool:
        return (
            self.status == self.Status.LISTED
            and self.listed_from <= on
            and (self.listed_until is None or on <= self.listed_until)
            and self.publication_consent_on is not None
            and self.publication_consent_on <= on
        )
