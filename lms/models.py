"""Identity: people (users), the member organisations they belong to, and roles."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class MembershipClass(models.TextChoices):
    PRODUCTION_TRANSFORMATION = "production", _("Production and Transformation")
    INDUSTRIAL_USERS = "industrial_users", _("Industrial Users")
    DOWNSTREAM_SUPPORTERS = "downstream_supporters", _("Downstream Supporters")
    CIVIL_SOCIETY = "civil_society", _("Civil Society")
    ASSOCIATIONS = "associations", _("Associations")
    GENERAL_SUPPORTERS = "general_supporters", _("General Supporters")


class OrganisationQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date | None = None) -> OrganisationQuerySet:
        """Organisations whose membership covers ``day`` (today by default)."""
        day = day or timezone.localdate()
        return self.filter(
            Q(membership_active_from__isnull=False, membership_active_from__lte=day),
            Q(membership_active_until__isnull=True) | Q(membership_active_until__gte=day),
        )


class Organisation(models.Model):
    """A member organisation of the standards body."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    country = CountryField(_("country"))
    membership_class = models.CharField(
        _("membership class"), max_length=32, choices=MembershipClass.choices
    )
    membership_active_from = models.DateField(_("membership active from"), null=True, blank=True)
    membership_active_until = models.DateField(
        _("membership active until"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a membership without an end date."),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("member organisation")
        verbose_name_plural = _("member organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(membership_active_until__isnull=True)
                | Q(membership_active_from__isnull=True)
                | Q(membership_active_until__gte=models.F("membership_active_from")),
                name="organisation_membership_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def membership_active_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        if self.membership_active_from is None or self.membership_active_from > day:
            return False
        return self.membership_active_until is None or self.membership_active_until >= day


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The e-mail address is the login."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("member organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Designates whether the user can log into the Django admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    # Wagtail's admin reads these two names for user listings.
    @property
    def first_name(self) -> str:
        return self.get_short_name()

    @property
    def last_name(self) -> str:
        parts = self.full_name.split(" ", 1)
        return parts[1] if len(parts) > 1 else ""
