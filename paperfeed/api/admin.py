from django.contrib import admin

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = ("user", "key_hash", "prefix", "created_at", "last_used_at")
    fields = ("user", "name", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request):  # tokens are made by their owner, who sees the secret once
        return False
