"""POST-redirect-GET for the pages (issue 14): a command posted from a page always answers
with a redirect to a page, also when it is refused, so reloading or switching the language
never posts again nor lands on an address that only takes POST.

What a refused command has to show travels in the session, once: `form_keep` keeps a
form's input and errors for the page's next GET, where `form_restore` builds the form
again; `violations_keep`/`violations_take` do the same for a list of rule violations
shown apart from a form (the posting control of an order)."""

from django.forms.utils import ErrorDict, ErrorList
from django.http import QueryDict

PREFIX = "prg:"


def form_keep(request, key: str, form) -> None:
    """Keep `form`'s input (files are not kept) and errors for the next `form_restore`."""
    data = {
        name: form.data.getlist(name) if hasattr(form.data, "getlist") else [form.data[name]]
        for name in form.data
        if name != "csrfmiddlewaretoken"
    }
    errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
    request.session[PREFIX + key] = {"data": data, "errors": errors}


def form_restore(request, key: str, form_class, **kwargs):
    """The form kept under `key` (bound to the input, showing its errors), or None; taken
    once, so a reload shows the page afresh."""
    kept = request.session.pop(PREFIX + key, None)
    if not kept:
        return None
    data = QueryDict(mutable=True)
    for name, values in kept["data"].items():
        data.setlist(name, values)
    form = form_class(data, **kwargs)
    form._errors = ErrorDict(
        {field: ErrorList(messages) for field, messages in kept["errors"].items()}
    )
    form.cleaned_data = {}
    return form


def violations_keep(request, key: str, violations) -> None:
    """Keep the messages (and codes, for a data- attribute) of `violations` for the page's
    next GET."""
    request.session[PREFIX + key] = [
        {"message": str(v.message), "code": str(v.code)} for v in violations
    ]


def violations_take(request, key: str) -> list[dict]:
    return request.session.pop(PREFIX + key, None) or []
