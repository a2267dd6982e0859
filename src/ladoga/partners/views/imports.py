"""Partner import pages (P12): upload → column mapping → dry run → import, each run a
background task whose progress the page polls with htmx."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ladoga.core.errors import DomainError
from ladoga.web.forms import form_errors_from

from .. import tasks
from ..exchange.jobs import JobStatus, job_create, job_of_user_or_404
from ..exchange.tabular import TableReader, format_detect, mapping_check, mapping_guess
from ..forms import ImportMappingForm, ImportRunForm, ImportUploadForm
from ._common import require


@login_required
def import_upload(request):
    require(request, "partners.add_partner")
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = job_create(user=request.user, file_name=upload.name, upload=upload)
        try:
            job.fmt = format_detect(job.data_path, upload.name)
            job.encoding = form.cleaned_data["encoding"]
            with TableReader(job.data_path, fmt=job.fmt, encoding=job.encoding) as reader:
                job.headers = reader.headers
                sample = [row.cells for row in reader.sample(3) if hasattr(row, "cells")]
        except DomainError as error:
            job.delete()
            form_errors_from(form, error)
        else:
            job.mapping = {str(i): f for i, f in mapping_guess(job.headers).items()}
            job.report = {"sample": sample}
            job.save()
            return redirect("partners:import_job", job_id=job.id)
    return render(
        request, "partners/import_upload.html", {"form": form}, status=400 if form.errors else 200
    )


def _start(job, *, dry_run: bool, skip_invalid: bool = False) -> None:
    job.dry_run, job.skip_invalid = dry_run, skip_invalid
    job.status, job.processed, job.error = JobStatus.QUEUED, 0, ""
    job.save()
    tasks.import_run(job.id)


@login_required
def import_job(request, job_id: str):
    """The mapping form before the first run; the progress or the report after."""
    require(request, "partners.add_partner")
    job = job_of_user_or_404(job_id, request.user)
    mapping_form = ImportMappingForm(
        request.POST or None, headers=job.headers, mapping=job.column_mapping
    )
    if request.method == "POST" and mapping_form.is_valid():
        try:
            mapping = mapping_check(mapping_form.mapping(), job.headers)
        except DomainError as error:
            form_errors_from(mapping_form, error)
        else:
            job.mapping = {str(i): f for i, f in mapping.items()}
            _start(job, dry_run=True)
            return redirect("partners:import_job", job_id=job.id)
    sample = (job.report or {}).get("sample", []) if job.status == JobStatus.UPLOADED else []
    return render(
        request,
        "partners/import_job.html",
        {
            "job": job,
            "mapping_form": mapping_form,
            "run_form": ImportRunForm(),
            "sample": sample,
            "report": job.report if job.status == JobStatus.DONE else None,
        },
        status=400 if mapping_form.errors else 200,
    )


@login_required
@require_POST
def import_run(request, job_id: str):
    """Start the real import (after a dry run), or a new dry run."""
    require(request, "partners.add_partner")
    job = job_of_user_or_404(job_id, request.user)
    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        return redirect("partners:import_job", job_id=job.id)
    if request.POST.get("action") == "remap":
        job.status, job.report = JobStatus.UPLOADED, None
        job.save()
        return redirect("partners:import_job", job_id=job.id)
    form = ImportRunForm(request.POST)
    form.is_valid()
    _start(
        job,
        dry_run=request.POST.get("action") == "dry_run",
        skip_invalid=form.cleaned_data.get("skip_invalid", False),
    )
    return redirect("partners:import_job", job_id=job.id)


@login_required
def import_progress(request, job_id: str):
    """htmx polling: the progress bar while the job runs; a page reload once it is done."""
    job = job_of_user_or_404(job_id, request.user)
    if job.finished:
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    return render(request, "partners/_import_progress.html", {"job": job})
