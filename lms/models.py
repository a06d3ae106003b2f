"""Identity: people (users), the member organisations they belong to, their role there,
and the invitations that bring colleagues in."""

from __future__ import annotations

import datetime
import hashlib

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


class OrganisationStatus(models.TextChoices):
    """What the secretariat decided, apart from the membership dates: a suspended
    organisation's people lose members-only access until it is reinstated."""

    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")


class OrganisationRole(models.TextChoices):
    """A person's role in their member organisation. Managers invite and remove colleagues
    and see their learning, on the site (not in the admin)."""

    MEMBER = "member", _("Member")
    MANAGER = "manager", _("Manager")


class OrganisationQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date | None = None) -> OrganisationQuerySet:
        """Organisations whose membership gives members-only access on ``day`` (today by
        default): active, begun on or before ``day`` and not lapsed (the membership lapses
        on its ``membership_active_until`` date)."""
        day = day or timezone.localdate()
        return self.filter(
            Q(status=OrganisationStatus.ACTIVE),
            Q(membership_active_from__isnull=False, membership_active_from__lte=day),
            Q(membership_active_until__isnull=True) | Q(membership_active_until__gt=day),
        )

    def lapsing_between(self, first: datetime.date, last: datetime.date) -> OrganisationQuerySet:
        """Active organisations whose membership lapses on a day from ``first`` to ``last``
        (both included)."""
        return self.filter(
            status=OrganisationStatus.ACTIVE,
            membership_active_until__gte=first,
            membership_active_until__lte=last,
        )


class Organisation(models.Model):
    """A member organisation of the standards body."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    country = CountryField(_("country"))
    membership_class = models.CharField(
        _("membership class"), max_length=32, choices=MembershipClass.choices
    )
    membership_active_from = models.DateField(
        _("member since"),
        null=True,
        blank=True,
        help_text=_("The first day of the membership. Without it there is no membership."),
    )
    membership_active_until = models.DateField(
        _("member until"),
        null=True,
        blank=True,
        help_text=_(
            "The day the membership lapses: members-only access ends on this day. Leave "
            "empty for a membership without an end date."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.ACTIVE,
        help_text=_("A suspended organisation's people have no members-only access."),
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
                violation_error_message=_("A membership cannot lapse before it begins."),
            )
        ]
        permissions = [("import_members", _("Can import member organisations and people"))]

    def __str__(self) -> str:
        return self.name

    def membership_active_on(self, day: datetime.date | None = None) -> bool:
        """Whether the membership gives members-only access on ``day`` (today by default):
        the same rule as ``Organisation.objects.active_on``. It lapses on its ``until``
        date, so access ends that day, with no job to run."""
        day = day or timezone.localdate()
        if self.status != OrganisationStatus.ACTIVE:
            return False
        if self.membership_active_from is None or self.membership_active_from > day:
            return False
        return self.membership_active_until is None or self.membership_active_until > day

    def membership_state(self, day: datetime.date | None = None) -> str:
        """The membership on ``day`` in words: current, suspended, not begun or lapsed."""
        day = day or timezone.localdate()
        if self.status == OrganisationStatus.SUSPENDED:
            return str(_("Suspended"))
        if self.membership_active_on(day):
            return str(_("Current"))
        if self.membership_active_from is None or self.membership_active_from > day:
            return str(_("Not begun"))
        return str(_("Lapsed"))


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
    organisation_role = models.CharField(
        _("role in the organisation"),
        max_length=16,
        choices=OrganisationRole.choices,
        default=OrganisationRole.MEMBER,
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

    @property
    def is_organisation_manager(self) -> bool:
        return self.organisation_id is not None and (
            self.organisation_role == OrganisationRole.MANAGER
        )


INVITATION_VALID_DAYS = 14


def hash_invitation_token(token: str) -> str:
    """What is stored of an invitation's token: its SHA-256, so that a copy of the
    database does not hold working links."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def open(self) -> InvitationQuerySet:
        """Neither accepted nor revoked (they may have expired)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def pending(self, now: datetime.datetime | None = None) -> InvitationQuerySet:
        """Open and not expired: the link still works."""
        return self.open().filter(expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """An e-mailed invitation to join a member organisation.

    The link carries a random token; only its hash is stored. It works once, until
    ``expires_at``, unless revoked. Accepting links the account with the invited address
    to the organisation in ``role`` (creating the account first, through sign-up)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("member organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role in the organisation"),
        max_length=16,
        choices=OrganisationRole.choices,
        default=OrganisationRole.MEMBER,
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    def is_pending(self, now: datetime.datetime | None = None) -> bool:
        return self.is_open and self.expires_at > (now or timezone.now())


class DigestSent(models.Model):
    """A staff member's daily digest of work queues, already sent for ``day``
    (``lms.work_queues.send_staff_digests``): a second run that day sends nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("staff digest sent")
        verbose_name_plural = _("staff digests sent")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_sent_once_a_day")
        ]
