from __future__ import annotations

from django import forms

from .models import DEFAULT_MAX_PAPERS, FREQUENCIES, MAX_PAPERS_LIMIT, Subscription
from .subscriptions import SubscriptionError, spec_clean

KIND_CHOICES = [
    (Subscription.TRENDING, "Trending papers"),
    (Subscription.SEARCH, "New results for a search"),
    (Subscription.CATEGORY, "New papers in an arXiv category"),
    (Subscription.AUTHOR, "New papers by an author"),
    (Subscription.ORGANIZATION, "New papers from an organisation"),
]


class SpecForm(forms.Form):
    """What to subscribe to; `spec` holds the checked request once valid."""

    kind = forms.ChoiceField(label="Mail me", choices=KIND_CHOICES, initial=Subscription.TRENDING)
    frequency = forms.ChoiceField(label="How often", choices=FREQUENCIES, initial="daily", required=False)
    q = forms.CharField(label="Search", required=False, max_length=500,
                        help_text='Words, "a phrase", author:Name, cat:cs.CL: as on the search page.')
    category = forms.CharField(label="arXiv category", required=False, max_length=32,
                               help_text="For example cs.CL or stat.ML.")
    mode = forms.CharField(required=False, widget=forms.HiddenInput)
    author = forms.IntegerField(required=False, widget=forms.HiddenInput)
    organization = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        raw = {
            "kind": data.get("kind"), "frequency": data.get("frequency"), "query": data.get("q") or "",
            "category": data.get("category") or "", "mode": data.get("mode") or "",
            "author": data.get("author"), "organization": data.get("organization"),
        }  # fmt: skip
        try:
            self.spec = spec_clean(raw)
        except SubscriptionError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data


class SubscribeForm(SpecForm):
    email = forms.EmailField(label="Your email address", max_length=254)

    field_order = ["email", "kind", "frequency", "q", "category"]


class SettingsForm(forms.Form):
    max_papers = forms.IntegerField(
        label="Papers per mail, at most", min_value=1, max_value=MAX_PAPERS_LIMIT, initial=DEFAULT_MAX_PAPERS,
        help_text="The rest are a click away on the site.",
    )
    weekends = forms.BooleanField(label="Daily mail on weekends too", required=False)
