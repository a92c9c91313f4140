from django.contrib import admin

from .models import HarvestCheckpoint, IngestRun


@admin.register(IngestRun)
class IngestRunAdmin(admin.ModelAdmin):
    list_display = ["id", "source", "status", "started_at", "finished_at", "new", "updated", "unchanged", "skipped"]
    list_filter = ["source", "status", "started_at"]
    search_fields = ["error", "problems", "params"]
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in IngestRun._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(HarvestCheckpoint)
class HarvestCheckpointAdmin(admin.ModelAdmin):
    list_display = ["key", "pages_done", "records_done", "complete_list_size", "finished", "updated_at"]
    list_filter = ["finished"]
    search_fields = ["key"]
