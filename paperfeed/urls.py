from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/tokens/", include("paperfeed.api.token_urls")),
    path("accounts/", include("paperfeed.accounts.urls")),
    path("api/", include("paperfeed.api.urls")),
    path("", include("paperfeed.feeds.urls")),
    path("", include("paperfeed.search.urls")),
    path("", include("paperfeed.digests.urls")),
    path("", include("paperfeed.catalog.urls")),
]
