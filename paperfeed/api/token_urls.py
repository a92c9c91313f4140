"""API tokens on the profile page, included at /accounts/tokens/."""

from django.urls import path

from . import token_views

urlpatterns = [
    path("new", token_views.token_new, name="api-token-new"),
    path("<int:pk>/revoke", token_views.token_revoke_view, name="api-token-revoke"),
]
