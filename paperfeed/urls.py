from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("paperfeed.accounts.urls")),
    path("", include("paperfeed.search.urls")),
    path("", include("paperfeed.catalog.urls")),
]
