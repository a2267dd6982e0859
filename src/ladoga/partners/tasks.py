"""Background work of the partners domain (X7), run by `ladoga worker`."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .exchange.importer import job_run
from .services.registry_check import counterparties_registry_recheck, registry_configured

logger = logging.getLogger("ladoga.partners.registry")


@db_task(name="partners.import_run")
def import_run(job_id: str) -> None:
    """Run an import job (a dry run or the real one); see exchange/importer.py."""
    job_run(job_id)


@db_periodic_task(crontab(minute="53", hour="3"), name="partners.registry_recheck")
def registry_recheck_nightly() -> dict | None:
    """Every night (03:53 UTC) re-check against the state registry the counterparties not
    checked for 30 days (P11), at most 200 a night. Does nothing, quietly, while the
    registry is not configured (LADOGA_REGISTRY_URL, LADOGA_REGISTRY_TOKEN)."""
    if not registry_configured():
        logger.debug("registry re-check skipped: the registry is not configured")
        return None
    return counterparties_registry_recheck()
