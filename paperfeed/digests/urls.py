from django.urls import path

from . import public_views, views

urlpatterns = [
    path("subscriptions", views.subscriptions, name="subscriptions"),
    path("subscriptions/add", views.subscription_add_view, name="subscription_add"),
    path("subscribe", public_views.subscribe, name="subscribe"),
    path("subscribe/sent", public_views.subscribe_sent, name="subscribe_sent"),
    path("subscribe/confirm/<str:token>", public_views.confirm, name="subscribe_confirm"),
    path("unsubscribe/<str:token>", public_views.unsubscribe, name="unsubscribe"),
    path("digests/<str:token>", public_views.digest_page, name="digest_page"),
]
