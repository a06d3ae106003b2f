"""A local fake of the parts of Stripe's HTTP API that payments uses, on loopback.

It records every request (method, path, headers, form-decoded body) so that tests
assert what stripe-python really sent, and answers with Stripe-shaped JSON. Idempotency
keys are honoured like Stripe: the same key returns the first answer again.

``watch_transactions`` also records, in the calling thread, how many database
transactions our code had open around each call (beyond those the test itself runs in:
pytest-django wraps a test in a transaction and a savepoint), so that tests assert no
call to Stripe is made while a transaction, and so a row lock, is held.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    params: dict[str, str]


@dataclass
class FakeStripe:
    server: ThreadingHTTPServer
    requests: list[RecordedRequest] = field(default_factory=list)
    fail_next: tuple[int, dict] | None = None
    # Transactions our code had open around each call, in the order of the calls.
    open_transactions: list[int] = field(default_factory=list)
    _baseline_depth: int = 0
    _by_idempotency_key: dict[str, tuple[int, dict]] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def reset(self) -> None:
        self.requests.clear()
        self.fail_next = None
        self._by_idempotency_key.clear()
        self.open_transactions.clear()

    def watch_transactions(self, monkeypatch) -> None:
        """Records the transactions open around each call, measured against the depth
        at which the test runs (call this from a fixture of the test)."""
        from stripe import _http_client

        self._baseline_depth = transaction_depth()
        original = _http_client.HTTPClient.request_with_retries

        def watched(client, *args, **kwargs):
            self.open_transactions.append(transaction_depth() - self._baseline_depth)
            return original(client, *args, **kwargs)

        monkeypatch.setattr(_http_client.HTTPClient, "request_with_retries", watched)

    def calls_inside_a_transaction(self) -> list[int]:
        """The indexes of the calls made while our code held a transaction open."""
        return [index for index, depth in enumerate(self.open_transactions) if depth > 0]

    def posts(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == "POST" and r.path == path]

    def answer(self, request: RecordedRequest) -> tuple[int, dict]:
        key = request.headers.get("idempotency-key")
        if key and key in self._by_idempotency_key:
            return self._by_idempotency_key[key]
        if self.fail_next is not None:
            result, self.fail_next = self.fail_next, None
            return result
        number = next(self._ids)
        params = request.params
        if request.path == "/v1/checkout/sessions":
            total, index = 0, 0
            while f"line_items[{index}][quantity]" in params:
                total += int(params[f"line_items[{index}][quantity]"]) * int(
                    params[f"line_items[{index}][price_data][unit_amount]"]
                )
                index += 1
            body = {
                "id": f"cs_test_{number}",
                "object": "checkout.session",
                "url": f"https://checkout.stripe.com/c/pay/cs_test_{number}",
                "amount_total": total,
                "currency": params.get("line_items[0][price_data][currency]"),
                "client_reference_id": params.get("client_reference_id"),
                "metadata": {"order_id": params.get("metadata[order_id]")},
                "payment_status": "unpaid",
                "status": "open",
                "mode": "payment",
            }
            result = (200, body)
        elif request.path.startswith("/v1/checkout/sessions/") and request.path.endswith("/expire"):
            session_id = request.path.split("/")[4]
            result = (200, {"id": session_id, "object": "checkout.session", "status": "expired"})
        elif request.path == "/v1/refunds":
            body = {
                "id": f"re_test_{number}",
                "object": "refund",
                "amount": int(params.get("amount", 0)),
                "payment_intent": params.get("payment_intent"),
                "status": "succeeded",
                "metadata": {"order_id": params.get("metadata[order_id]")},
            }
            result = (200, body)
        else:
            result = (404, {"error": {"type": "invalid_request_error", "message": "No route"}})
        if key:
            self._by_idempotency_key[key] = result
        return result


def transaction_depth() -> int:
    """How many atomic blocks are open on this thread's default connection."""
    from django.db import connection

    return len(connection.savepoint_ids) + (1 if connection.in_atomic_block else 0)


def start() -> FakeStripe:
    fake: FakeStripe | None = None

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            path, _, query = self.path.partition("?")
            request = RecordedRequest(
                method=self.command,
                path=path,
                headers={k.lower(): v for k, v in self.headers.items()},
                params=dict(parse_qsl(raw or query, keep_blank_values=True)),
            )
            fake.requests.append(request)
            status, body = fake.answer(request)
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Request-Id", "req_fake")
            self.end_headers()
            self.wfile.write(payload)

        do_GET = _handle
        do_POST = _handle
        do_DELETE = _handle

        def log_message(self, format, *args):  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake = FakeStripe(server=server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake
