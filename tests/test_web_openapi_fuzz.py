"""Schemathesis over the workbench's ``/openapi.json`` (issue 8): every documented JSON endpoint
gets generated requests — valid and edge-case parameters, bodies, paths — from an authenticated
analyst (session cookie for the pages' JSON twins, ``mwk_`` API key for ``/api/v1``), against the
real app in process over a real SQLite store with leads. Checks: no 5xx, and each response
conforms to the schema the app publishes. Examples are bounded so it runs in seconds."""

from __future__ import annotations

import re

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from web_helpers import PASSWORD, make_lead, start_workbench

MAX_EXAMPLES = 20


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory):
    leads = [make_lead(i, platform=("bazaar", "openmall")[i % 2]) for i in range(40)]
    leads += [make_lead(100, right_id="gi-yangchenghu-crab", title="阳澄湖大闸蟹 礼盒", ship_from="江苏 苏州")]
    with start_workbench(tmp_path_factory.mktemp("fuzz"), leads=leads) as wb:
        client = wb.login()
        key = wb.app.state.accounts.new_api_key("ana")
        yield {"app": wb.app, "cookies": dict(client.cookies), "headers": {"Authorization": f"Bearer {key}"}}


def test_json_endpoints_answer_without_server_errors_and_as_documented(fuzzed_app):
    # (schemathesis' pytest loader, from_fixture, does not run under this pytest: the operations are
    # walked here, each with its own bounded Hypothesis run; a failure names the operation)
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed_app["app"]).exclude(
        path_regex=r"^/(login|logout)$")  # logging out mid-run would only test the login page
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5, [op.label for op in operations]
    failures = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def fuzz(case):
            response = case.call(headers=fuzzed_app["headers"], cookies=fuzzed_app["cookies"])
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        try:
            fuzz()
        except Exception as exc:  # noqa: BLE001 - collected so that one report names every bad operation
            details = [str(sub) for sub in getattr(exc, "exceptions", ())]  # Hypothesis groups distinct failures
            failures.append(f"{operation.label}: {exc}" + "".join(f"\n  - {d}" for d in details))
    assert failures == [], "\n\n".join(failures)


def test_the_schema_documents_the_json_endpoints(fuzzed_app):
    document = TestClient(fuzzed_app["app"]).get("/openapi.json").json()
    paths = set(document["paths"])
    assert {"/api/v1/leads", "/leads.json"} <= paths, sorted(paths)
    assert not any(re.fullmatch(r"/leads/\{[^}]+\}", p) for p in paths), "the HTML lead page stays out of the schema"
