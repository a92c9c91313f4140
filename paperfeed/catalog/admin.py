from django.contrib import admin

from .models import Author, Feature, Organization, Paper, PaperAuthor, PaperCategory, PaperSource


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
    list_display = ["arxiv_id", "title", "primary_category", "version", "published", "upstream_upvotes", "is_hidden"]
    list_filter = ["is_hidden", "primary_category", "sources__source", "published"]
    search_fields = ["arxiv_id", "title", "doi"]
    date_hierarchy = "published"
    raw_id_fields = ["organization"]
    readonly_fields = ["created_at", "modified_at"]
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
