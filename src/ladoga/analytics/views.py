"""The home page: the blocks of the user's role, each loaded on its own (issue 12.7)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from . import dashboard as blocks


@login_required
def dashboard(request):
    return render(request, "analytics/dashboard.html", {"blocks": blocks.blocks_for(request.user)})


@login_required
def dashboard_block(request, name: str):
    block = blocks.block_for(request.user, name)
    if block is None:
        raise Http404
    return render(request, block.template, blocks.block_context(block, user=request.user))
