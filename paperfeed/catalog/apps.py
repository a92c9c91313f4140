from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "paperfeed.catalog"
    verbose_name = "Catalogue"
