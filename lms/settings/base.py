"""Settings shared by every environment.

Every value that differs between environments is read from the environment here or in
the per-environment module (dev, test, production). Nothing secret is committed.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_lines(name: str, default: str = "") -> str:
    """A multi-line value written on one line, ``|`` between lines (blank lines dropped)."""
    return "\n".join(
        line.strip() for line in os.environ.get(name, default).split("|") if line.strip()
    )


SECRET_KEY = env("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # ours
    "lms",
    "lms.privacy",
    "courses.quiz",
    "courses",
    "courses.payments",
    "accreditation",
    "cms",
    # wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    # Translation of pages and snippets (PO download and upload for translators); its
    # locales app replaces wagtail.locales (README, "Languages").
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # the rest
    "django_countries",
    "django_tasks",
    "ninja",  # serves the API docs' Swagger UI from its own static files, not a CDN
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the session or the database: NUL bytes and oversized query
    # strings get a 400 here (lms/input_guard.py).
    "lms.input_guard.RejectMalformedInputMiddleware",
    # Database or Redis outages: a 503 with Retry-After, logins fail closed (lms/resilience.py).
    "lms.middleware.ServiceUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The URL's language on site pages; Accept-Language outside the prefix (the API).
    "lms.i18n.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lms.middleware.StaffMFARequiredMiddleware",
    # After the second factor: signed-in people accept new versions of the notices first.
    "lms.privacy.middleware.ConsentRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: cuts the document view's file response to a Range (206) so videos can seek.
    "cms.middleware.DocumentRangeMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"
ASGI_APPLICATION = "lms.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "wagtail.contrib.settings.context_processors.settings",
                "lms.context_processors.roles",
                "lms.i18n.languages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# DATABASE_URL selects the database (postgres://user@host:5432/name); without it the
# embedded default is a SQLite file next to manage.py.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(env("CONN_MAX_AGE", "0") or 0),
        # A kept connection is checked before reuse (after a PostgreSQL restart, say).
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------
# A real cache is required: allauth's rate limits and the public register cache live
# here. REDIS_URL selects Redis; without it the database cache table is used. With Redis
# unreachable the site serves uncached and logins are refused (lms/resilience.py): short
# timeouts so that a Redis host that does not answer costs little.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "lms.resilience.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "lms"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1, "DOWN_SECONDS": 5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "lms_cache",
        }
    }

# Wagtail keeps image renditions in a cache of their own (it writes on every image shown):
# in memory per process, or in Redis when there is one. (Added for the cms pages.)
CACHES["renditions"] = (
    {**CACHES["default"], "KEY_PREFIX": f"{env('CACHE_KEY_PREFIX', 'lms')}-renditions"}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "renditions"}
)

# --- Identity -------------------------------------------------------------------------
AUTH_USER_MODEL = "lms.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "courses:dashboard"  # or the page they came for (?next=)
LOGOUT_REDIRECT_URL = "/"

# allauth: e-mail is the login, verification is mandatory, answers never reveal
# whether an address has an account, rate limits are on (allauth's defaults).
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, stated so that the policy is visible and reviewable
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    # Logins: failed password checks only, so that one attacker cannot lock others out
    # (see lms/ratelimit.py). allauth's per-address limit on every login POST is off: it
    # let one address block everyone behind it; refused attempts cost no password hash.
    "login": "",
    # per client address + account (and, for TOTP codes, per account)
    "login_failed": "5/5m/key,15/h/key",
    # per account over all addresses: more than one address can reach alone
    "login_failed_account": "40/h/key",
    # per client address over all accounts (password spraying)
    "login_failed_address": "60/h/ip",
}
# The client address is the N-th X-Forwarded-For entry from the right, N being the number
# of reverse proxies of ours in front of the app; 0 ignores the header (lms/ratelimit.py).
TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0") or 0)
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ASI Learning] "
ACCOUNT_FORMS = {"signup": "lms.forms.SignupForm"}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_ADAPTER = "lms.adapters.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "ASI Learning"

# --- Internationalisation -------------------------------------------------------------
# Country names are ISO 3166's English short names (translated with the interface):
# django-countries' own choice for Nauru is its local name.
COUNTRIES_OVERRIDE = {"NR": _("Nauru")}
# The standards body's five working languages. Site pages carry the language in the URL
# (English unprefixed, /fr/, /zh-hans/, /de/, /pt-br/: lms/urls.py and lms/i18n.py);
# catalogues live in locale/<fr|de|zh_Hans|pt_BR>/ (`make messages`, compiled on install).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("zh-hans", _("Chinese (Simplified)")),
    ("de", _("German")),
    ("pt-br", _("Portuguese (Brazil)")),
]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Dates and times for people follow the active language's formats (lms/formats.py);
# English's clock is overridden to 24 hours there.
FORMAT_MODULE_PATH = ["lms.locale_formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Personal and restricted files (evidence, submissions, Wagtail documents) live in the
# "private" storage under random names, outside MEDIA_ROOT, and are served only by views
# that check who asks (see lms.storage). COURSES_PRIVATE_MEDIA_ROOT is its former name.
PRIVATE_MEDIA_ROOT = Path(
    env("PRIVATE_MEDIA_ROOT")
    or env("COURSES_PRIVATE_MEDIA_ROOT")
    or str(BASE_DIR / "private-media")
)
# The only MEDIA_ROOT folders a web server or bucket may publish (and the only ones the
# development server serves): image renditions and the admin's user avatars.
PUBLIC_MEDIA_PREFIXES = ("images/", "avatar_images/")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "lms.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_PERMISSIONS = 0o640

# --- E-mail ---------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "ASI Learning <learning@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the contact form's messages go (the contact page's "to" address when seeded).
CONTACT_EMAIL = env("CONTACT_EMAIL", "secretariat@example.org")

# --- Background tasks -----------------------------------------------------------------
# TASKS_BACKEND: "immediate" (embedded default), "database" (django-tasks-db) or "rq".
TASKS_BACKEND = env("TASKS_BACKEND", "immediate")
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
if TASKS_BACKEND == "database":
    INSTALLED_APPS.append("django_tasks_db")
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]  # django_rq: `manage.py rqworker`
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}

# --- Security headers -----------------------------------------------------------------
# A nonce-based Content-Security-Policy on public pages. The Wagtail admin ships its own
# inline scripts and is excluded; it is reachable only by staff with MFA.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "media-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, "https://checkout.stripe.com"],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- Wagtail --------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "ASI Learning"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# webm and mp4: recordings of "45 minutes on ...", played through the checked serve view
WAGTAILDOCS_EXTENSIONS = [
    *["csv", "docx", "odt", "pdf", "pptx", "txt", "vtt", "xlsx", "zip"],
    *["webm", "mp4"],
]
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.forms.AltTextImageForm"  # alt text is required
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILEMBEDS_FINDERS = []  # nothing is fetched from the internet at render time
# No shared-password privacy for pages or document collections: those forms would be
# login forms outside allauth's rate limits. Members-only pages and logins cover the need.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False  # passwords are managed through allauth
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = True
# Content in the five working languages: a page's translation lives in that language's
# tree (copied and translated with wagtail-localize); a page not translated yet is served
# in English with a notice (cms.models.pages.HomePage.route, templates/base.html).
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Staff pick their admin language among the working languages (Account > Preferences).
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no avatar requests to the internet
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False

# --- Payments -------------------------------------------------------------------------
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", "")
STRIPE_WEBHOOK_TOLERANCE = int(env("STRIPE_WEBHOOK_TOLERANCE", "300") or 300)
STRIPE_API_BASE = env("STRIPE_API_BASE", "")  # tests point this at a local fake
# Seller and bank lines printed on invoices and receipts ("|" separates lines); empty
# means the placeholders of courses/payments/conf.py, fine for the demo only.
PAYMENTS_SELLER_DETAILS = env_lines("PAYMENTS_SELLER_DETAILS")
PAYMENTS_BANK_DETAILS = env_lines("PAYMENTS_BANK_DETAILS")

DEMO_SEEDING_ALLOWED = False  # dev and test settings allow `seed_demo`

# --- Site -----------------------------------------------------------------------------
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# --- Courses --------------------------------------------------------------------------
# Learners' assignment files are in the private storage (PRIVATE_MEDIA_ROOT, above).
COURSES_ASSIGNMENT_MAX_BYTES = int(env("COURSES_ASSIGNMENT_MAX_BYTES", str(10 * 1024 * 1024)))

# --- Privacy: the retention schedule (lms/privacy/retention.py, `apply_retention`) --------
PRIVACY_UNVERIFIED_ACCOUNT_DAYS = int(env("PRIVACY_UNVERIFIED_ACCOUNT_DAYS", "30") or 30)
PRIVACY_EVIDENCE_YEARS = int(env("PRIVACY_EVIDENCE_YEARS", "6") or 6)
PRIVACY_ATTEMPT_TEXT_YEARS = int(env("PRIVACY_ATTEMPT_TEXT_YEARS", "6") or 6)
PRIVACY_EXPORT_VALID_DAYS = int(env("PRIVACY_EXPORT_VALID_DAYS", "7") or 7)
# Erasure (lms/privacy/erasure.py): keep billing names and addresses on invoices as issued
# where the law requires it (courses/payments/privacy_rights.py); pseudonymised by default.
PRIVACY_ERASURE_KEEP_BILLING_DETAILS = env_bool("PRIVACY_ERASURE_KEEP_BILLING_DETAILS", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
