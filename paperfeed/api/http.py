"""What every API view shares: JSON errors, read endpoints (CORS for anyone,
conditional GETs) and write endpoints (a Bearer token, a rate limit, no CORS).

Write endpoints are exempt from CSRF because they never look at the session:
a request is authenticated by its `Authorization: Bearer` token alone, which a
browser does not attach by itself to a cross-site request.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .conditional import conditional_get
from .ratelimit import rate_limit_hit
from .tokens import token_authenticate

READ_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_EXPOSED = "ETag, Last-Modified, Link, Retry-After"


def json_error(message: str, status: int, **headers) -> JsonResponse:
    """`{"error": "..."}`, the shape Hugging Face's API answers errors with."""
    response = JsonResponse({"error": message}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = str(value)
    return response


def json_answer(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = CORS_EXPOSED
    return response


def read_endpoint(view=None, *, allow: tuple[str, ...] = READ_METHODS):
    """GET/HEAD (and a CORS preflight) from anywhere; ETag, Last-Modified and 304s."""

    def decorate(view):
        conditional = conditional_get(view)

        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                response["Allow"] = ", ".join(allow)
                response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
                response["Access-Control-Allow-Headers"] = "Accept, If-None-Match, If-Modified-Since"
                response["Access-Control-Max-Age"] = "86400"
                return _cors(response)
            if request.method not in ("GET", "HEAD"):
                return json_error(f"Method {request.method} is not allowed here", 405, Allow=", ".join(allow))
            return _cors(conditional(request, *args, **kwargs))

        return wrapped

    return decorate(view) if view is not None else decorate


def bearer_secret(request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def write_endpoint(view=None, *, methods: tuple[str, ...] = ("POST",)):
    """A state change authenticated by `Authorization: Bearer <token>` and rate-limited per token.

    The view gets `request.api_token` (its `.user` is the acting user).
    """

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in methods:
                return json_error(f"Method {request.method} is not allowed here", 405, Allow=", ".join(methods))
            secret = bearer_secret(request)
            if not secret:
                return json_error(
                    "This needs an API token: Authorization: Bearer <token> (make one on your profile page)",
                    401,
                    WWW_Authenticate='Bearer realm="paperfeed"',
                )
            token = token_authenticate(secret=secret)
            if token is None:
                return json_error(
                    "Invalid or revoked API token", 401, WWW_Authenticate='Bearer realm="paperfeed", error="invalid_token"'
                )
            decision = rate_limit_hit(
                key=f"token:{token.pk}",
                limit=settings.PAPERFEED_API_RATE_LIMIT,
                window=settings.PAPERFEED_API_RATE_WINDOW,
            )
            if not decision.allowed:
                return json_error(
                    f"Rate limit exceeded: {decision.limit} requests per {settings.PAPERFEED_API_RATE_WINDOW} "
                    f"seconds for one token; retry in {decision.retry_after} s",
                    429,
                    Retry_After=decision.retry_after,
                    X_RateLimit_Limit=decision.limit,
                    X_RateLimit_Remaining=0,
                )
            request.api_token = token
            response = view(request, *args, **kwargs)
            if decision.limit:
                response["X-RateLimit-Limit"] = str(decision.limit)
                response["X-RateLimit-Remaining"] = str(decision.remaining)
            return response

        return wrapped

    return decorate(view) if view is not None else decorate
