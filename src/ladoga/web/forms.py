from decimal import Decimal

from django import forms
from django.utils import formats

from ladoga.core.errors import DomainError
from ladoga.core.formats import DecimalTextError, decimal_parse


def form_errors_from(form: forms.Form, error: DomainError) -> None:
    """Show a domain error's messages in the form: on their field, or above the form."""
    for violation in error.violations:
        field = violation.field if violation.field in form.fields else None
        form.add_error(field, str(violation.message))


class DecimalField(forms.DecimalField):
    """Every quantity, price, amount and percentage typed in a form: "3,5", "3.5" and
    "1 234,5" are all accepted (`core.formats.decimal_parse`), "1.234,5" and "abc" are
    refused with a message that says why. A text input (`inputmode="decimal"`), not
    `type=number`, whose browsers refuse a comma in one language and a dot in another;
    the value is shown back in the reader's language ("3,5" in Russian)."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            number = decimal_parse(value)
        except DecimalTextError as error:
            raise forms.ValidationError(error.message, code=error.code) from None
        return number

    def prepare_value(self, value):
        """A stored number as the reader writes it, without trailing zeros: a quantity of
        3.500 reads "3,5" in Russian, not "3,500" (a thousand times more to the eye)."""
        if isinstance(value, Decimal) and value.is_finite():
            plain = (
                value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
            )
            return format(plain, "f").replace(".", formats.get_format("DECIMAL_SEPARATOR"))
        return super().prepare_value(value)

    def widget_attrs(self, widget):
        # no step/min/max: those belong to type=number, which this field does not use
        attrs = forms.Field.widget_attrs(self, widget)
        return attrs


class DateInput(forms.DateInput):
    """The browser's date picker (`type=date`): it shows the date in the reader's locale
    and sends ISO 8601, and it can only show a value given as ISO, so the value is written
    as YYYY-MM-DD whatever the language (Django's default would write "03.12.2026" in
    Russian, which the picker drops). The field itself also accepts the locale's typed
    formats (Django's DATE_INPUT_FORMATS: "03.12.2026" in Russian)."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or "%Y-%m-%d")
