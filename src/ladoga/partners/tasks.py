"""Background work of the partners domain (X7), run by `ladoga worker`."""

from huey.contrib.djhuey import db_task

from .exchange.importer import job_run


@db_task(name="partners.import_run")
def import_run(job_id: str) -> None:
    """Run an import job (a dry run or the real one); see exchange/importer.py."""
    job_run(job_id)
