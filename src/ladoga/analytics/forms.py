"""The filters of the analytics reports. A filter naming a manager or a department the user
may not see answers 404 (django.http.Http404), so a report never tells that it exists;
any other bad filter is an ordinary form error (422 naming the field)."""

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from ladoga.accounts.queries import departments_in_scope_of
from ladoga.core.periods import Comparison
from ladoga.core.reports import PeriodForm, ReportForm
from ladoga.deals.models import DealKind, ProcessType

from .indicators import DEFAULT_INDICATORS, INDICATORS
from .people import managers_visible_to


class VisibleChoiceField(forms.ModelChoiceField):
    """A choice among the records the user may see: a well-formed id of any other record
    (or of none) answers 404, never "not a valid choice"."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            key = int(value)
        except (TypeError, ValueError):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None
        try:
            return self.queryset.get(pk=key)
        except self.queryset.model.DoesNotExist:
            raise Http404(str(self.queryset.model._meta.verbose_name)) from None


class PeopleFilters(PeriodForm):
    department = VisibleChoiceField(label=_("Department"), queryset=None, required=False)
    manager = VisibleChoiceField(label=_("Manager"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_in_scope_of(user=self.user)
        self.fields["manager"].queryset = managers_visible_to(user=self.user)


class ManagerComparisonFilters(PeopleFilters):
    """Period (its end is the analysis date), comparison (the previous period by default),
    department, manager and the indicators to show."""

    with_comparison = True
    default_days = 30

    indicators = forms.MultipleChoiceField(
        label=_("Indicators"),
        required=False,
        choices=[(code, indicator.title) for code, indicator in INDICATORS.items()],
        initial=list(DEFAULT_INDICATORS),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compare"].initial = Comparison.PREVIOUS.value

    def clean_compare(self):
        return self.cleaned_data.get("compare") or Comparison.PREVIOUS.value

    def clean_indicators(self):
        return self.cleaned_data.get("indicators") or list(DEFAULT_INDICATORS)


class BottleneckFilters(PeopleFilters):
    """Period in which deals entered the stages, deal kind, department, manager, and
    whether to break each stage down by manager."""

    default_days = 365

    kind = forms.ModelChoiceField(label=_("Deal kind"), queryset=None, required=False)
    by_manager = forms.BooleanField(label=_("By manager"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = DealKind.objects.exclude(
            process_type=ProcessType.NON_PROCESS
        )


class OnDayManagerForm(ReportForm):
    """The day the report is for (default today) and one manager the user may see; a
    manager outside that answers 404."""

    on = forms.DateField(label=_("On"), required=False)
    manager = VisibleChoiceField(label=_("Manager"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = managers_visible_to(user=self.user)
