"""The product's URLs plus two bench-only views, selected by xuncha.bench.settings (never by the
product's own urls.py):

- ``/bench/bare/ledger?status=…``: the ledger page as the hand-written SQL of
  xuncha.bench.baseline returns it for the holder of the bearer token, dumped as JSON by a plain
  Django view — the floor the ledger API (/api/v1/ledger) is compared with, served by the same
  server through the same middleware, checking the token and working out the scope in SQL;
- ``/bench/bare/hello``: a constant JSON answer (the framework's own cost, for reference).
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.urls import path

from xuncha.bench import baseline
from xuncha.urls import handler403, handler404  # noqa: F401 — the product's error pages
from xuncha.urls import urlpatterns as product_urls

FIELDS = (*baseline.LEDGER_COLUMNS, "problem_number", "problem_title")


def bare_ledger(request: HttpRequest) -> HttpResponse:
    from django.utils import timezone

    auth = request.headers.get("Authorization", "")
    user_id = baseline.token_user(auth.removeprefix("Bearer ")) if auth.startswith("Bearer ") else None
    if user_id is None:
        return HttpResponse(b'{"code": "unauthenticated"}', status=401,
                            content_type="application/json")
    status = request.GET.get("status", "")
    offset = int(request.GET.get("offset", "0"))
    today = timezone.localdate()
    total, rows = baseline.ledger_page(user_id, status, offset=offset, today=today)
    items = []
    for r in rows:
        item = dict(zip(FIELDS, r, strict=True))
        deadline = item["deadline"]
        item["overdue"] = (item["status"] != "closed" and deadline is not None
                           and str(deadline) < today.isoformat())
        items.append(item)
    body = json.dumps({"count": total, "items": items}, cls=DjangoJSONEncoder, ensure_ascii=False)
    return HttpResponse(body, content_type="application/json")


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b'{"ok": true}', content_type="application/json")


urlpatterns = [
    path("bench/bare/ledger", bare_ledger),
    path("bench/bare/hello", hello),
    *product_urls,
]
