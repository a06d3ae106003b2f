"""Production: PostgreSQL, Redis, secure cookies, HSTS, static files from whitenoise.

Refuses to start without SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES, env, env_bool, env_list

for _name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"):
    if not env(_name):
        raise ImproperlyConfigured(f"Production settings need the {_name} environment variable.")

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
# Persistent database connections: each worker keeps its connection for a minute (checked
# before reuse, so a restarted PostgreSQL costs one reconnect) instead of opening one per
# request, which made the exam benchmark's bare write cost 2.7 times as much
# (tests/perf/RESULTS-exam.md). CONN_MAX_AGE=0 goes back to a connection per request.
DATABASES["default"]["CONN_MAX_AGE"] = int(env("CONN_MAX_AGE", "60") or 0)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000") or 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Object storage (django-storages, S3 or any S3-compatible service). Credentials come from
# boto3's usual sources (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, an instance role, ...).
_S3_CONNECTION = {
    "region_name": env("AWS_S3_REGION_NAME") or None,
    "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,  # e.g. an S3-compatible provider
}
if env("AWS_STORAGE_BUCKET_NAME"):
    # Public media: the bucket (or the CDN in front of it, AWS_S3_CUSTOM_DOMAIN) publishes
    # only PUBLIC_MEDIA_PREFIXES (image renditions, avatars), by its own policy; links are
    # plain URLs, so cached pages keep working images.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3_CONNECTION,
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN") or None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
if env("AWS_PRIVATE_STORAGE_BUCKET_NAME"):
    # Private files (evidence, submissions, documents) in a bucket of their own that
    # publishes nothing: the site reads them with its credentials and serves them through
    # its checked views. Without it they stay in PRIVATE_MEDIA_ROOT (a shared volume when
    # there is more than one app server).
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3_CONNECTION,
            "bucket_name": env("AWS_PRIVATE_STORAGE_BUCKET_NAME"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "custom_domain": None,
        },
    }

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25") or 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
