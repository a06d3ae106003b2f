"""Production settings refuse to start without their secrets, pass the deploy check and
configure object storage from the environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "lms.settings.production",
    "SECRET_KEY": "x" * 64 + "-a-long-random-production-secret",
    "ALLOWED_HOSTS": "learning.example.org",
    "DATABASE_URL": "sqlite:////tmp/lms-deploy-check.sqlite3",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # The browser tests allow async-unsafe calls in this process; a deployment never does.
    dropped = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without_its_secret(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_seed_demo_refuses_to_run_with_production_settings():
    result = run_manage("seed_demo", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "not allowed" in result.stderr


def test_no_secret_is_committed_in_settings():
    for path in (ROOT / "lms" / "settings").glob("*.py"):
        text = path.read_text()
        assert "sk_live_" not in text and "whsec_" not in text, path


STORAGE_PROBE = """
import json
from django.conf import settings
from django.core.files.storage import storages
public, private = storages["default"], storages["private"]
print("PROBE " + json.dumps({
    "options": {name: settings.STORAGES[name].get("OPTIONS") for name in ("default", "private")},
    "public": [public.bucket_name, public.region_name, public.endpoint_url, public.custom_domain],
    "public_url": public.url("images/photo.jpg"),
    "private_url": private.url("evidence/cv.pdf"),
}))
"""
OBJECT_STORAGE_ENV = {
    "AWS_STORAGE_BUCKET_NAME": "lms-media",
    "AWS_PRIVATE_STORAGE_BUCKET_NAME": "lms-private",
    "AWS_S3_REGION_NAME": "eu-central-1",
    "AWS_S3_ENDPOINT_URL": "https://s3.eu-central-1.example.net",
    "AWS_S3_CUSTOM_DOMAIN": "media.example.org",
    # Signing a private link is local work: fake credentials, nothing is sent anywhere.
    "AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE00",
    "AWS_SECRET_ACCESS_KEY": "example-secret-access-key-for-local-signing-only",
}


def _storage_probe(extra_env: dict[str, str]) -> dict:
    result = run_manage("shell", "-c", STORAGE_PROBE, env={**PRODUCTION_ENV, **extra_env})
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("PROBE "))
    return json.loads(line.removeprefix("PROBE "))


def test_production_object_storage_gets_bucket_region_endpoint_and_domain_from_the_environment():
    probe = _storage_probe(OBJECT_STORAGE_ENV)

    public, private = probe["options"]["default"], probe["options"]["private"]
    assert public == {
        "bucket_name": "lms-media",
        "region_name": "eu-central-1",
        "endpoint_url": "https://s3.eu-central-1.example.net",
        "custom_domain": "media.example.org",
        "querystring_auth": False,
        "file_overwrite": False,
    }
    assert private == {
        "bucket_name": "lms-private",
        "region_name": "eu-central-1",
        "endpoint_url": "https://s3.eu-central-1.example.net",
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
        "custom_domain": None,
    }
    # django-storages is installed and accepts the options: the storages are built.
    assert probe["public"] == [
        "lms-media",
        "eu-central-1",
        "https://s3.eu-central-1.example.net",
        "media.example.org",
    ]
    assert probe["public_url"] == "https://media.example.org/images/photo.jpg"
    # Private links are signed, short-lived links to the private bucket, never the CDN.
    assert "media.example.org" not in probe["private_url"]
    assert "lms-private" in probe["private_url"]
    assert "X-Amz-Signature=" in probe["private_url"] or "Signature=" in probe["private_url"]


def test_without_a_private_bucket_private_files_stay_in_the_private_folder():
    env = {**OBJECT_STORAGE_ENV, "AWS_PRIVATE_STORAGE_BUCKET_NAME": ""}
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print('PRIVATE', settings.STORAGES['private'])",
        env={**PRODUCTION_ENV, **env},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "lms.storage.PrivateFileSystemStorage" in result.stdout
