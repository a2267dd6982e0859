"""Filters of the analytics reports: a day and, optionally, one manager."""

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from ladoga.core.reports import ReportForm

from .scope import managers_visible_to


class OnDayManagerForm(ReportForm):
    """The day the report is for (default today) and one manager the user may see; a
    manager outside that answers 404."""

    on = forms.DateField(label=_("On"), required=False)
    manager = forms.IntegerField(label=_("Manager"), required=False, widget=forms.Select)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].widget.choices = [("", _("All"))] + [
            (user.pk, user.get_full_name() or user.username)
            for user in managers_visible_to(user=self.user)
        ]

    def clean_manager(self):
        pk = self.cleaned_data.get("manager")
        if pk is None:
            return None
        found = managers_visible_to(user=self.user).filter(pk=pk).first()
        if found is None:
            raise Http404("manager")
        return found
