from __future__ import annotations

from django import forms

from .submissions import SubmissionError, parse_submitted_id


class SubmitForm(forms.Form):
    arxiv_id = forms.CharField(
        label="arXiv id or link",
        max_length=300,
        help_text="For example 2307.08691, hep-th/9901001, or https://arxiv.org/abs/2307.08691 (PDF links work too).",
        widget=forms.TextInput(
            attrs={"placeholder": "2307.08691", "autocomplete": "off", "spellcheck": "false", "autofocus": True}
        ),
    )

    def clean_arxiv_id(self) -> str:
        raw = self.cleaned_data["arxiv_id"]
        try:
            parse_submitted_id(raw)
        except SubmissionError as exc:
            raise forms.ValidationError(str(exc)) from None
        return raw
