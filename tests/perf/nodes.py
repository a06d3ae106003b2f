"""Two web nodes and a task worker sharing PostgreSQL and Redis (not collected by pytest).

    .venv/bin/python -m tests.perf.nodes [--database perf_nodes] [--redis-db 12]

Starts what a deployment past one machine runs, with the production settings
(``tests/perf/settings.py``) and ``TASKS_BACKEND=rq``: two gunicorn instances on two ports
(node A, node B) sharing one PostgreSQL database and one Redis database (cache, sessions'
rate limits, the task queue), and one ``manage.py rqworker`` for background tasks. Then
shows, printing PASS or FAIL for each:

1. both nodes are live (``/healthz``) and ready (``/readyz``: database and cache);
2. a session started on node A continues on node B (and a change made on B is seen on A);
3. a suspension made through the service is visible at once on node B's cached register
   page (the purge goes through the shared cache, not a per-process one);
4. e-mails, one with a PDF invoice, are produced by the worker: queued in Redis while no
   worker runs (the web nodes send nothing themselves), sent once the worker starts.

Exit status 0 when every property holds.
"""

from __future__ import annotations

import argparse
import email
import subprocess
import sys
import time
import uuid
from email import policy
from pathlib import Path

from tests.perf._server import BIN, ROOT, Browser, Gunicorn, Site, parse_forms

# A new learner each run, so that a reused database still lets them buy the course.
LEARNER = (f"nodes-{uuid.uuid4().hex[:8]}@perf.example.org", "nodes-learner-password-2026")
AUDITOR_NAME = "Ade Auditor"
AUDITOR_EMAIL = "auditor@example.org"


class Results:
    def __init__(self):
        self.outcomes: list[tuple[str, bool, str]] = []

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.outcomes.append((name, ok, detail))
        print(
            f"{'PASS' if ok else 'FAIL'}  {name}" + (f"  ({detail})" if detail else ""), flush=True
        )
        return ok


SEED_LEARNER = """
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from lms import roles
from lms.models import User
user, _ = User.objects.get_or_create(email=EMAIL, defaults={"full_name": "Nina Nodes"})
user.set_password(PASSWORD)
user.save()
user.groups.add(Group.objects.get(name=roles.AUDITOR))  # the auditor course is for auditors
EmailAddress.objects.get_or_create(
    user=user, email=user.email, defaults={"verified": True, "primary": True}
)
# Accepted the terms and privacy notice in force at sign-up (else every page asks first).
from lms.privacy.selectors import versions_to_accept
from lms.privacy.services import record_acceptance
record_acceptance(user=user, versions=versions_to_accept(user))
"""

SUSPEND = """
from accreditation import services
from accreditation.models import Accreditation
from lms.models import User
staff = User.objects.get(email="staff@example.org")
for accreditation in Accreditation.objects.filter(auditor__user__email=EMAIL):
    services.accreditation_suspend(
        accreditation=accreditation, actor=staff, reason="Two nodes: suspended through the service."
    )
"""

REINSTATE = SUSPEND.replace("accreditation_suspend", "accreditation_reinstate").replace(
    "suspended through", "reinstated after the check, through"
)

# Both nodes behind one load balancer: the browser names the site the same way on both.
PUBLIC_HOST = "localhost"


def seed_learner(site: Site) -> None:
    """A learner (auditor role, verified address, no second factor)."""
    code = SEED_LEARNER.replace("EMAIL", repr(LEARNER[0])).replace("PASSWORD", repr(LEARNER[1]))
    site.manage("shell", "-c", code)


def redis_count(site: Site, command: str, key: str) -> int:
    out = subprocess.run(
        ["redis-cli", "-n", str(site.redis_db), command, key], capture_output=True, text=True
    ).stdout.strip()
    return int(out or 0)


def queued_jobs(site: Site) -> int:
    """Tasks waiting in the default queue (RQ's list in Redis)."""
    return redis_count(site, "llen", "rq:queue:default")


def running_jobs(site: Site) -> int:
    return redis_count(site, "zcard", "rq:wip:default")


def mails(folder: Path) -> list[email.message.EmailMessage]:
    found = []
    for path in sorted(folder.glob("*.log")):
        # the file backend writes each message followed by a line of dashes
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk, policy=policy.default))
    return found


def check_health(nodes: dict[str, Gunicorn], results: Results) -> None:
    for name, node in nodes.items():
        probe = Browser(node.url, host=PUBLIC_HOST)
        live = probe.get("/healthz")
        ready = probe.get("/readyz")
        results.check(
            f"node {name} live and ready",
            live.status == 200 and ready.status == 200,
            f"/healthz {live.status}, /readyz {ready.status} {ready.text.strip()}",
        )


def check_session(a: Gunicorn, b: Gunicorn, results: Results) -> None:
    browser = Browser(a.url, host=PUBLIC_HOST)
    login = browser.login(*LEARNER)
    signed_in = login.status == 302 and browser.signed_in()
    results.check("sign in on node A", signed_in, f"login -> {login.status}")
    browser.base_url = b.url  # the same browser, its cookies, now talking to node B
    profile = browser.get("/accounts/profile/")
    results.check(
        "the session continues on node B",
        profile.status == 200 and LEARNER[0] in profile.text,
        f"GET /accounts/profile/ on B -> {profile.status}",
    )
    saved = browser.post(
        "/accounts/profile/", {"full_name": "Nina Two-Nodes", "preferred_language": "en"}
    )
    browser.base_url = a.url
    again = browser.get("/accounts/profile/")
    results.check(
        "a change posted on node B is read on node A",
        saved.status == 302 and "Nina Two-Nodes" in again.text,
        f"POST on B -> {saved.status}, GET on A -> {again.status}",
    )


def check_register(site: Site, a: Gunicorn, b: Gunicorn, results: Results) -> None:
    visitor = Browser(b.url, host=PUBLIC_HOST)
    visitor.get("/auditors/")
    before = visitor.get("/auditors/")
    listed = AUDITOR_NAME in before.text
    results.check(
        "node B serves the register from the shared cache",
        before.status == 200 and before.headers.get("X-Register-Cache") == "hit" and listed,
        f"second GET -> {before.status}, cache {before.headers.get('X-Register-Cache')},"
        f" {AUDITOR_NAME} listed: {listed}",
    )
    # A staff member suspends the accreditation through the service (what the admin's
    # suspension view calls), in a process of node A's deployment.
    site.manage("shell", "-c", SUSPEND.replace("EMAIL", repr(AUDITOR_EMAIL)))
    after = visitor.get("/auditors/")
    results.check(
        "the suspension is visible at once on node B's register",
        after.status == 200 and AUDITOR_NAME not in after.text,
        f"GET on B -> {after.status}, cache {after.headers.get('X-Register-Cache')},"
        f" {AUDITOR_NAME} listed: {AUDITOR_NAME in after.text}",
    )
    on_a = Browser(a.url, host=PUBLIC_HOST).get("/auditors/")
    results.check(
        "and on node A's",
        on_a.status == 200 and AUDITOR_NAME not in on_a.text,
        f"GET on A -> {on_a.status}",
    )
    site.manage("shell", "-c", REINSTATE.replace("EMAIL", repr(AUDITOR_EMAIL)))  # for --reuse


# Paying by invoice asks who the invoice is made out to.
BILLING = {
    "billing_name": "Nina Nodes Audit Ltd",
    "billing_address": "1 Two Nodes Street\nMelbourne VIC 3000",
    "billing_country": "AU",
}


def buy_by_invoice(node: Gunicorn, slug: str) -> tuple[int, str]:
    """The learner buys a course on ``node`` and chooses to pay by invoice."""
    browser = Browser(node.url, host=PUBLIC_HOST)
    browser.login(*LEARNER)
    page = browser.get(f"/payments/buy/course/{slug}/")
    form = next(
        (f for f in parse_forms(page.text) if any(x.name == "method" for x in f.fields)), None
    )
    if page.status != 200 or form is None:
        return page.status, "no buy form"
    data = [(k, v) for k, v in form.values() if k != "csrfmiddlewaretoken"]
    data = [(k, v) for k, v in data if k not in ("method", *BILLING)]
    data += [("method", "invoice"), *BILLING.items()]
    placed = browser.post(f"/payments/buy/course/{slug}/", data)
    return placed.status, placed.location


def check_worker(site: Site, a: Gunicorn, b: Gunicorn, mail_dir: Path, results: Results) -> None:
    status, where = buy_by_invoice(b, "ps-v3-auditor-training")
    results.check(
        "an order paid by invoice is placed on node B", status == 302, f"-> {status} {where}"
    )
    reset = Browser(a.url, host=PUBLIC_HOST)
    reset.get("/accounts/password/reset/")
    asked = reset.post("/accounts/password/reset/", {"email": LEARNER[0]})
    results.check("a password reset is asked on node A", asked.status == 302, f"-> {asked.status}")
    time.sleep(2)
    queued = queued_jobs(site)
    sent_by_web = len(mails(mail_dir))
    results.check(
        "the e-mails wait in the Redis queue; the web nodes sent none",
        queued >= 3 and sent_by_web == 0,
        f"{queued} jobs queued, {sent_by_web} e-mails written",
    )
    worker_log = site.scratch / "worker.log"
    with open(worker_log, "w") as log:
        worker = subprocess.Popen(
            # django-tasks-rq runs its tasks with its own job class
            [str(BIN / "python"), "manage.py", "rqworker", "--job-class", "django_tasks_rq.Job"],
            cwd=ROOT,
            env=site.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (queued_jobs(site) or running_jobs(site)):
            time.sleep(1)
        time.sleep(1)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    messages = mails(mail_dir)
    subjects = [str(m["Subject"]) for m in messages]
    pdfs = [
        part.get_filename()
        for m in messages
        for part in m.iter_attachments()
        if part.get_content_type() == "application/pdf" and part.get_content().startswith(b"%PDF")
    ]
    expected = ("Invoice", "Password Reset", "Accreditation suspended")
    missing = [word for word in expected if not any(word in subject for subject in subjects)]
    failed = redis_count(site, "zcard", "rq:failed:default")
    results.check(
        "the worker ran every task: the e-mails are sent, the invoice with its PDF",
        queued_jobs(site) == 0 and failed == 0 and not missing and bool(pdfs),
        f"{len(messages)} e-mails {subjects}; PDF attachments {pdfs}; failed tasks {failed};"
        f" missing {missing}; worker log {worker_log}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="perf_nodes")
    parser.add_argument("--redis-db", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per node")
    parser.add_argument("--reuse", action="store_true", help="keep the database of a previous run")
    args = parser.parse_args()

    scratch = Path(f"/tmp/perf-{args.database}")
    mail_dir = scratch / "mail"
    site = Site(
        args.database,
        args.redis_db,
        scratch,
        extra_env={
            "TASKS_BACKEND": "rq",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
        },
    )
    print(f"preparing {site.database} (migrate, seed_demo, collectstatic) ...", flush=True)
    site.prepare(fresh=not args.reuse)
    site.flush_redis()
    seed_learner(site)
    mail_dir.mkdir(parents=True, exist_ok=True)
    for old in mail_dir.glob("*.log"):
        old.unlink()

    a = Gunicorn(site, workers=args.workers, name="node-a")
    b = Gunicorn(site, workers=args.workers, name="node-b")
    results = Results()
    try:
        a.start()
        b.start()
        print(
            f"node A {a.url}, node B {b.url}, Redis db {site.redis_db}, PostgreSQL {site.database}"
        )
        check_health({"A": a, "B": b}, results)
        check_session(a, b, results)
        check_register(site, a, b, results)
        check_worker(site, a, b, mail_dir, results)
    finally:
        a.stop()
        b.stop()
    failed = [name for name, ok, _detail in results.outcomes if not ok]
    print(f"\n{len(results.outcomes) - len(failed)} of {len(results.outcomes)} properties hold")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
