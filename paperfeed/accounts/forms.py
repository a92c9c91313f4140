"""Account forms: sign-up. Log-in, password reset and change use Django's own forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError

User = get_user_model()


class SignupForm(UserCreationForm):
    """Username, email and password twice, checked by the configured password validators.

    The email is required and unique regardless of case, so that a password
    reset reaches exactly one account. `website` is a honeypot: hidden from
    people, filled in by form-filling bots, and a filled one refuses the form.
    """

    email = forms.EmailField(
        label="Email",
        max_length=254,
        help_text="For password resets only; never shown to others.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    honeypot_error = "Your sign-up could not be accepted. Please try again."

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
        self.fields["username"].help_text = "Shown next to what you submit. Letters, digits and @ . + - _ only."
        self.fields["password2"].label = "Password again"
        self.fields["password2"].help_text = "The same password, to catch typing mistakes."

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"].strip())
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                "An account with this email address already exists. "
                "If it is yours, log in or reset your password.",
                code="duplicate_email",
            )
        return email

    def clean(self):
        cleaned = super().clean()
        if self.cleaned_data.get("website"):
            raise ValidationError(self.honeypot_error, code="honeypot")
        return cleaned
