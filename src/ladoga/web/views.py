from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from .navigation import section_by_key


@login_required
def upcoming(request, key: str):
    section = section_by_key(key)
    if section is None:
        raise Http404
    return render(request, "web/upcoming.html", {"section": section})
