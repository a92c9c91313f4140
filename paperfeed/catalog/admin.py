from django.contrib import admin

from .models import Author, Feature, Organization, Paper, PaperAuthor, PaperCategory, PaperSource, Vote
from .votes import votes_delete


class PaperAuthorInline(admin.TabularInline):
    model = PaperAuthor
    extra = 0
    raw_id_fields = ["author"]


class PaperCategoryInline(admin.TabularInline):
    model = PaperCategory
    extra = 0


class FeatureInline(admin.TabularInline):
    model = Feature
    extra = 0


class PaperSourceInline(admin.TabularInline):
    model = PaperSource
    extra = 0
    readonly_fields = ["source", "first_seen", "last_seen"]
    can_delete = False


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = [
        "arxiv_id", "title", "primary_category", "version", "published", "upvotes", "upstream_upvotes", "is_hidden",
    ]  # fmt: skip
    list_filter = ["is_hidden", "primary_category", "sources__source", "published"]
    search_fields = ["arxiv_id", "title", "doi"]
    date_hierarchy = "published"
    raw_id_fields = ["organization"]
    # Local votes change only through catalog.votes (the count must equal the Vote rows);
    # the trending score only through catalog.trending. Links stay editable for moderators.
    readonly_fields = ["upvotes", "trending_score", "created_at", "modified_at"]
    inlines = [PaperAuthorInline, PaperCategoryInline, FeatureInline, PaperSourceInline]
    actions = ["hide", "unhide"]

    @admin.action(description="Hide selected papers from every listing")
    def hide(self, request, queryset):
        queryset.update(is_hidden=True)

    @admin.action(description="Show selected papers again")
    def unhide(self, request, queryset):
        queryset.update(is_hidden=False)


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "hf_user"]
    search_fields = ["name", "name_key", "hf_user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "full_name"]
    search_fields = ["name", "full_name"]


@admin.register(Feature)
class FeatureAdmin(admin.ModelAdmin):
    list_display = ["paper", "day", "source", "submitter_handle"]
    list_filter = ["source", "day"]
    search_fields = ["paper__arxiv_id", "paper__title", "submitter_handle"]
    raw_id_fields = ["paper"]
    date_hierarchy = "day"


@admin.register(Vote)
class VoteAdmin(admin.ModelAdmin):
    """Moderators can remove votes; every removal goes through the vote service,
    so `Paper.upvotes` stays equal to the number of Vote rows."""

    list_display = ["paper", "user", "created_at"]
    list_select_related = ["paper", "user"]
    search_fields = ["paper__arxiv_id", "paper__title", "user__username"]
    date_hierarchy = "created_at"
    readonly_fields = ["paper", "user", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj) -> None:
        votes_delete(votes=[obj])

    def delete_queryset(self, request, queryset) -> None:
        votes_delete(votes=queryset)
