"""Import jobs: an uploaded file, its column mapping, and the progress and report of the
background task that imports it (P12; the page polls the job with htmx).

A job is a folder `FILES_ROOT/imports/<id>/` holding the upload (`data`, under a
generated name; the user's file name is only shown) and `state.json`, replaced atomically
(`os.replace`) at every step. Why files and not a table: the state is transient (jobs are
pruned after JOB_DAYS days), it is written often while the import's own transactions are
open — a separate file never waits for the database's write lock, which on SQLite the
import holds batch after batch — and the worker reads the upload from the same place
anyway. A job belongs to the user who uploaded it; nobody else can open it.
"""

import json
import os
import secrets
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.http import Http404

JOB_DAYS = 7


class JobStatus:
    UPLOADED = "uploaded"  # mapped, waiting for the user to start a run
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def jobs_root() -> Path:
    return Path(settings.FILES_ROOT) / "imports"


@dataclass
class ImportJob:
    id: str
    user_id: int
    file_name: str
    fmt: str
    encoding: str = "utf-8"
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)  # column index → field
    status: str = JobStatus.UPLOADED
    dry_run: bool = True
    skip_invalid: bool = False
    total: int = 0
    processed: int = 0
    report: dict | None = None
    error: str = ""
    created_at: float = field(default_factory=time.time)
    updated_at: float = field(default_factory=time.time)

    @property
    def folder(self) -> Path:
        return jobs_root() / self.id

    @property
    def data_path(self) -> Path:
        return self.folder / "data"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(100 * self.processed / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def column_mapping(self) -> dict[int, str]:
        return {int(i): f for i, f in self.mapping.items() if f}

    def save(self) -> None:
        self.updated_at = time.time()
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self.folder / f"state.{secrets.token_hex(4)}.tmp"
        temporary.write_text(json.dumps(asdict(self), ensure_ascii=False))
        os.replace(temporary, self.folder / "state.json")

    def delete(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def job_create(*, user, file_name: str, upload) -> ImportJob:
    """A new job holding a copy of `upload` (a file-like object or a path)."""
    jobs_prune()
    job = ImportJob(id=secrets.token_hex(16), user_id=user.pk, file_name=file_name, fmt="csv")
    job.folder.mkdir(parents=True, exist_ok=True)
    if isinstance(upload, str | Path):
        shutil.copyfile(upload, job.data_path)
    else:
        with open(job.data_path, "wb") as target:
            for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(upload):
                target.write(chunk)
    job.save()
    return job


def job_load(job_id: str) -> ImportJob | None:
    if not job_id.isalnum():
        return None
    path = jobs_root() / job_id / "state.json"
    try:
        return ImportJob(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None


def job_of_user_or_404(job_id: str, user) -> ImportJob:
    """The user's own job; 404 for any other (it does not exist for them)."""
    job = job_load(job_id)
    if job is None or job.user_id != user.pk:
        raise Http404
    return job


def jobs_prune(days: int = JOB_DAYS) -> int:
    """Remove jobs older than `days` days; returns how many went."""
    root = jobs_root()
    if not root.exists():
        return 0
    limit = time.time() - days * 86400
    removed = 0
    for folder in root.iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed
