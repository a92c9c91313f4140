from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction

from paperfeed.catalog.votes import votes_forget_user

User = get_user_model()


class PaperfeedUserAdmin(UserAdmin):
    """Deleting a user also takes their upvotes off the papers' counts."""

    def delete_model(self, request, obj):
        with transaction.atomic():
            votes_forget_user(user=obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for user in queryset:
                votes_forget_user(user=user)
            super().delete_queryset(request, queryset)


admin.site.unregister(User)
admin.site.register(User, PaperfeedUserAdmin)
