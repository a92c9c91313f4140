from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "paperfeed.ops"
    verbose_name = "Operations"
