"""Settings of the benchmarks under ``tests/perf/``: the production settings, unchanged but for
the URL map, which adds the benchmarks' bare views in front of the site's own
(``tests/perf/urls.py``), and two paths a benchmark chooses for itself.

Selected with ``DJANGO_SETTINGS_MODULE=tests.perf.settings`` and the production variables
(``tests/perf/_server.py`` sets them). On plain http on 127.0.0.1 the benchmarks turn the
HTTPS redirect off (``SECURE_SSL_REDIRECT=false``) and send ``X-Forwarded-Proto: https``, as
the reverse proxy would, so secure cookies and CSRF's origin check work as in production.
"""

from lms.settings.production import *  # noqa: F403
from lms.settings.production import STATIC_ROOT, env

ROOT_URLCONF = "tests.perf.urls"
# collectstatic into the benchmark's scratch folder, not the checkout's staticfiles/
STATIC_ROOT = env("PERF_STATIC_ROOT") or STATIC_ROOT
# the file e-mail backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH") or None
