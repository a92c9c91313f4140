from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "paperfeed.ingest"
    verbose_name = "Ingestion"
