"""The API shape is a promise to integrators: any change to it must be deliberate.

After an intended change, refresh the snapshot with
    LADOGA_UPDATE_OPENAPI=1 .venv/bin/pytest tests/test_openapi.py
and commit tests/openapi.json with the change.
"""

import json
import os
from pathlib import Path

from ladoga.api import api

SNAPSHOT = Path(__file__).with_name("openapi.json")


def current_schema() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1"), sort_keys=True))


def test_openapi_matches_the_committed_snapshot(db):
    schema = current_schema()
    if os.environ.get("LADOGA_UPDATE_OPENAPI") and not os.environ.get("CI"):
        SNAPSHOT.write_text(json.dumps(schema, indent=1, sort_keys=True, ensure_ascii=False) + "\n")

    assert schema == json.loads(SNAPSHOT.read_text()), (
        "the API shape changed; if that is intended, refresh tests/openapi.json (see docstring)"
    )


def test_openapi_is_served_and_docs_load_local_assets(api_as):
    response = api_as(None).get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Ladoga API"

    docs = api_as(None).get("/api/v1/docs")
    assert docs.status_code == 200
    assert b"swagger-ui-bundle.js" in docs.content
    assert b"cdn" not in docs.content.lower()


def test_the_generic_report_address_leaves_out_the_reports_with_their_own(db):
    import re

    parameters = current_schema()["paths"]["/api/v1/reports/{name}"]["get"]["parameters"]
    pattern = next(p for p in parameters if p["name"] == "name")["schema"]["pattern"]

    assert not re.fullmatch(pattern, "funnel") and not re.fullmatch(pattern, "claims-structure")
    assert re.fullmatch(pattern, "revenue-by-partner") and re.fullmatch(pattern, "funnel-x")
