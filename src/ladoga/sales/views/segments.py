"""Segment rule pages (S2): every segment with its rule, members and last recomputation,
the form of a segment's rule and the "recompute" button. Who may set and recompute rules
is the service's decision (`sales.manage_catalogue`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ladoga.accounts.access import get_visible_or_404
from ladoga.partners.models import Segment
from ladoga.partners.queries import groups_all, property_definitions_all, segments_all

from .. import queries, services
from ..forms import SegmentRuleForm
from ..services._common import CATALOGUE
from ._common import command_run, form_submit

RULE_FIELDS = ("role", "group", "property", "property_value", "region", "abc_class")


@login_required
def segment_list(request):
    rules = {rule.segment_id: rule for rule in queries.segment_rules_visible_to(user=request.user)}
    segments = segments_all().annotate(members=Count("partners")).order_by("name", "id")
    return render(
        request,
        "sales/segment_list.html",
        {
            "rows": [(segment, rules.get(segment.pk)) for segment in segments],
            "may_change": request.user.has_perm(CATALOGUE),
        },
    )


def _segment(segment_id: int) -> Segment:
    # Segments are the partners domain's catalogue, open to all staff.
    return get_object_or_404(segments_all(), pk=segment_id)


@login_required
def segment_rule_form(request, segment_id: int):
    """Set (or change) a segment's rule; the members are recomputed at once."""
    segment = _segment(segment_id)
    rule = queries.segment_rules_visible_to(user=request.user).filter(segment=segment).first()
    initial = {field: getattr(rule, field) for field in RULE_FIELDS} if rule else {}
    form = SegmentRuleForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        groups=groups_all(),
        properties=property_definitions_all(),
    )
    submitted = form_submit(
        request,
        form,
        lambda data: services.segment_rule_set(
            segment=segment, by=request.user, **{field: data[field] for field in RULE_FIELDS}
        ),
    )
    if submitted.saved is not None:
        count = submitted.saved.member_count
        messages.success(
            request,
            ngettext(
                "The rule of segment %(name)s is saved: %(count)d partner.",
                "The rule of segment %(name)s is saved: %(count)d partners.",
                count,
            )
            % {"name": segment.name, "count": count},
        )
        return redirect("sales:segments")
    return render(
        request,
        "sales/segment_rule_form.html",
        {
            "form": form,
            "segment": segment,
            "rule": rule,
            "may_change": request.user.has_perm(CATALOGUE),
        },
        status=submitted.status,
    )


@login_required
@require_POST
def segment_recompute(request, segment_id: int):
    rule = get_visible_or_404(
        queries.segment_rules_visible_to(user=request.user), request.user, segment_id=segment_id
    )
    command_run(
        request,
        lambda: services.segment_recompute(rule=rule, by=request.user),
        lambda count: (
            ngettext(
                "Segment %(name)s is recomputed: %(count)d partner.",
                "Segment %(name)s is recomputed: %(count)d partners.",
                count,
            )
            % {"name": rule.segment.name, "count": count}
        ),
    )
    return redirect("sales:segments")
