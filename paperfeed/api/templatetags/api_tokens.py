from django import template

from paperfeed.api.models import ApiToken

register = template.Library()


@register.inclusion_tag("api/_tokens.html", takes_context=True)
def api_tokens_section(context):
    """The profile page's "API tokens" section: the user's tokens and a form for a new one."""
    user = context["request"].user
    tokens = list(ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at", "-pk")[:50])
    return {"tokens": tokens, "csrf_token": context.get("csrf_token"), "request": context["request"]}
