""" "My tasks" (D4): what the signed-in user has to do, overdue ones marked, with the deal
(or other subject) each is about; and marking a task done."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ladoga.accounts import access
from ladoga.core.errors import DomainError
from ladoga.interactions.models import Task
from ladoga.interactions.queries import tasks_visible_to
from ladoga.interactions.services import task_complete

from .. import queries
from ._common import error_messages, staff_required


@staff_required()
def my_tasks(request):
    show_done = request.GET.get("done") == "1"
    tasks = queries.my_tasks(user=request.user, include_done=show_done)
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    deals = queries.task_deals(page.object_list, user=request.user)
    today = timezone.localdate()
    rows = [
        {
            "task": task,
            "deal": deals.get(task.subject_id) if task.subject_type == "deals.deal" else None,
            "overdue": task.is_open and task.due_date is not None and task.due_date < today,
            "today": task.is_open and task.due_date == today,
        }
        for task in page.object_list
    ]
    return render(
        request,
        "deals/tasks.html",
        {
            "page": page,
            "rows": rows,
            "show_done": show_done,
            "overdue": tasks.filter(status="open", due_date__lt=today).count()
            if not show_done
            else None,
        },
    )


@require_POST
@staff_required("interactions.change_task")
def task_done(request, task_id: int):
    task = access.get_visible_or_404(tasks_visible_to(user=request.user), request.user, pk=task_id)
    try:
        task_complete(task=task, by=request.user)
    except DomainError as error:
        error_messages(request, error)
    else:
        messages.success(request, _("Task done: %(title)s") % {"title": task.title})
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("deals:tasks")


__all__ = ["Task", "my_tasks", "task_done"]
