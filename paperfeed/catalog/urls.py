from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("papers/date/<str:slug>", views.feed, {"kind": "day"}, name="day"),
    path("papers/week/<str:slug>", views.feed, {"kind": "week"}, name="week"),
    path("papers/month/<str:slug>", views.feed, {"kind": "month"}, name="month"),
    path("papers/trending", views.trending, name="trending"),
    path("papers/submit", views.submit, name="submit"),
    # Ids may contain a slash (hep-th/9901001), hence `path`; the upvote route comes first.
    path("papers/<path:arxiv_id>/upvote", views.upvote, name="upvote"),
    path("papers/<path:arxiv_id>", views.paper, name="paper"),
    path("authors/<int:pk>", views.author, name="author"),
    path("orgs/<str:name>", views.organization, name="organization"),
]
