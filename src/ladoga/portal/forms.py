from django import forms
from django.utils.translation import gettext_lazy as _

from ladoga.core.text import CLAIM_COMMENT_LIMIT, TEXT_LIMIT


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; the checks of each happen in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "input"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [f for f in data if f]
        return [data] if data else []


class PortalClaimForm(forms.Form):
    partner = forms.IntegerField(widget=forms.HiddenInput)
    essence = forms.CharField(
        label=_("What happened?"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6, "class": "input"}),
        help_text=_("Describe the problem: what you expected and what went wrong."),
    )
    order_number = forms.CharField(
        label=_("Order number"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"class": "input", "autocomplete": "off"}),
        help_text=_("If the claim is about one of your orders, give its number."),
    )
    files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_("Photos, scans or documents; PDF, images, office files."),
    )


class PortalCommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        max_length=CLAIM_COMMENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3, "class": "input"}),
    )
