"""Making and revoking API tokens, from the profile page (a logged-in session, with CSRF).

A new token's secret is shown on the page that answers the POST, once, and
never again: only its hash is kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .models import ApiToken
from .tokens import token_create, token_revoke

MAX_ACTIVE_TOKENS = 20


@never_cache
@login_required
@require_POST
def token_new(request: HttpRequest) -> HttpResponse:
    if ApiToken.objects.filter(user=request.user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        messages.error(request, f"You have {MAX_ACTIVE_TOKENS} active API tokens; revoke one first.")
        return redirect("profile")
    token, secret = token_create(user=request.user, name=request.POST.get("name", ""))
    return render(request, "api/token_created.html", {"token": token, "secret": secret})


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    if token_revoke(user=request.user, token_id=pk):
        messages.success(request, "The API token is revoked; requests with it are refused from now on.")
    else:
        messages.error(request, "No such active API token.")
    return redirect("profile")
