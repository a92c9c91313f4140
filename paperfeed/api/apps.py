from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "paperfeed.api"
    verbose_name = "API"
