from django.conf import settings

# Pages a "Log in" link returns to afterwards (never the account pages themselves).
RETURN_TO_AFTER_LOGIN = {"home", "day", "week", "month", "trending", "paper", "author", "organization", "search"}


def site(request):
    match = getattr(request, "resolver_match", None)
    come_back = match is not None and match.url_name in RETURN_TO_AFTER_LOGIN
    return {
        "site_name": settings.PAPERFEED_SITE_NAME,
        "login_next": request.get_full_path() if come_back else "",
    }
