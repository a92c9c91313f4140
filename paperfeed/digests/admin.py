from django.contrib import admin

from .models import Delivery, Subscriber, Subscription


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0
    raw_id_fields = ["author", "organization"]
    readonly_fields = ["key", "created_at"]


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "user", "confirmed_at", "paused_at", "suspended_at", "failures", "max_papers"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter), ("paused_at", admin.EmptyFieldListFilter),
                   ("suspended_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    raw_id_fields = ["user"]
    inlines = [SubscriptionInline]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["period", "subscriber", "status", "attempts", "papers_shown", "papers_total", "sent_at"]
    list_filter = ["status", "period"]
    search_fields = ["subscriber__email", "message_id"]
    raw_id_fields = ["subscriber"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False
