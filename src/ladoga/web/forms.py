from django import forms

from ladoga.core.errors import DomainError


def form_errors_from(form: forms.Form, error: DomainError) -> None:
    """Show a domain error's messages in the form: on their field, or above the form."""
    for violation in error.violations:
        field = violation.field if violation.field in form.fields else None
        form.add_error(field, str(violation.message))
