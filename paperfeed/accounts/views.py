"""Sign-up, log-in and -out, password reset and change, and the profile page.

Log-in goes through Django's LoginView, whose AuthenticationForm passes the
request to `authenticate()`: django-axes (first authentication backend) needs
it to count failures per username and address and to refuse a locked-out
pair, and AxesMiddleware then answers with `accounts/locked_out.html` (429).
"""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from paperfeed.catalog.models import Feature, Vote

from .forms import SignupForm
from .templatetags.accounts_extras import human_duration

REDIRECT_FIELD = "next"
PROFILE_PAGE_SIZE = 20
# Signed-up users are logged in with the model backend directly: their
# password was just set, there is nothing for django-axes to count.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def safe_next_url(request: HttpRequest) -> str:
    """The `next` URL of the request (POST first, then GET) if it stays on this site, else ""."""
    url = request.POST.get(REDIRECT_FIELD) or request.GET.get(REDIRECT_FIELD) or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
def signup(request: HttpRequest) -> HttpResponse:
    next_url = safe_next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            user = form.save()
            auth_login(request, user, backend=MODEL_BACKEND)
            messages.success(request, f"Welcome to {settings.PAPERFEED_SITE_NAME}, {user.get_username()}!")
            return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    else:
        form = SignupForm()
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Django puts the host name in `site_name` here; keep the site's own name.
        context["site_name"] = settings.PAPERFEED_SITE_NAME
        return context


class LogoutView(auth_views.LogoutView):
    # Django 5's LogoutView answers GET with 405; logging out is a POST with a CSRF token.

    def post(self, request, *args, **kwargs):
        was_authenticated = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_authenticated:
            messages.info(request, "You have logged out.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    # Our templates are under accounts/: django.contrib.admin, installed
    # before this app, ships registration/password_reset_*.html that would
    # shadow same-named templates here.
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    html_email_template_name = "accounts/email/password_reset.html"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    @property
    def extra_email_context(self):
        # Without django.contrib.sites the "site name" would be the host name.
        return {
            "site_name": settings.PAPERFEED_SITE_NAME,
            "link_valid_for": human_duration(settings.PASSWORD_RESET_TIMEOUT),
        }


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever reset the password controls the account's mailbox: lift any
        # login lockout of this username so the new password works at once.
        axes_reset(username=form.user.get_username())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The user's account, the papers they upvoted (newest vote first) and the papers they submitted."""
    user = request.user
    votes = (
        Vote.objects.filter(user=user, paper__is_hidden=False)
        .select_related("paper")
        .order_by("-created_at", "-pk")
    )
    submissions = (
        Feature.objects.filter(submitted_by=user, paper__is_hidden=False)
        .select_related("paper")
        .order_by("-day", "-pk")
    )
    context = {
        "votes_page": _paged(request, votes, "page"),
        "submissions_page": _paged(request, submissions, "submitted"),
    }
    return render(request, "accounts/profile.html", context)


def _paged(request: HttpRequest, queryset, param: str):
    """One page of `queryset` chosen by the query parameter `param`, with links
    to the pages around it that keep the request's other parameters."""
    page = Paginator(queryset, PROFILE_PAGE_SIZE).get_page(request.GET.get(param))

    def link(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}"

    page.prev_url = link(page.previous_page_number()) if page.has_previous() else ""
    page.next_url = link(page.next_page_number()) if page.has_next() else ""
    return page
