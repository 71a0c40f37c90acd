"""Pages for people, roles, the profile and API tokens."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def placeholder(request: HttpRequest) -> HttpResponse:
    """Temporary: replaced page by page while the UI is being built."""
    return render(request, "web/home.html", {})
