from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "paperfeed.feeds"
    verbose_name = "Feeds and Markdown"
