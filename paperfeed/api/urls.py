"""The API, included at /api/. Order matters: ids may contain a slash (hep-th/9901001),
so the routes that end after an id come before the one that takes any id."""

from django.urls import path, re_path

from . import docs_views, views, write_views

urlpatterns = [
    path("daily_papers", views.daily_papers, name="api-daily-papers"),
    path("papers", write_views.papers, name="api-papers"),
    path("papers/search", views.papers_search, name="api-papers-search"),
    path("papers/<path:arxiv_id>/upvote", write_views.paper_upvote, name="api-paper-upvote"),
    path("papers/<path:arxiv_id>/related", views.paper_related, name="api-paper-related"),
    path("papers/<path:arxiv_id>", views.paper_detail, name="api-paper"),
    path("openapi.json", docs_views.openapi_json, name="api-openapi"),
    path("docs", docs_views.api_docs, name="api-docs"),
    # Anything else under /api/ (an id with a newline included): a JSON 404, not the HTML page.
    re_path(r"^[\s\S]*\Z", views.api_not_found),
]
