"""Schemathesis over the platform and office endpoints *with their own keys* (the workbench's fuzz
test, tests/test_web_openapi_fuzz.py, sends an analyst's key, which these endpoints refuse with
401 before reading anything): generated cursors, limits, notice ids, evidence numbers and
disposition bodies reach the handlers. Checks: no 5xx, and each response as documented."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from web_linkage_helpers import OFFICE, linkage_workbench

MAX_EXAMPLES = 10


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    with linkage_workbench(tmp_path_factory.mktemp("linkage-fuzz")) as lw:
        lw.notify([1, 2, 8])
        lw.notify([3])
        yield lw


PARTIES = (("bazaar", r"^/api/v1/(feed|notices/)"), (OFFICE, r"^/api/v1/clues"), ("analyst", r"^/api/v1/tips$"))


def test_platform_and_office_endpoints_answer_as_documented(bench):
    # one schema for the whole run: schemathesis' ASGI client runs the app's lifespan, and a schema
    # dropped mid-test would shut the app down (closing its web database) when it is collected
    schema = schemathesis.openapi.from_asgi("/openapi.json", bench.wb.app)
    failures = []
    for party, paths in PARTIES:
        operations = [result.ok() for result in schema.include(path_regex=paths).get_all_operations()]
        assert operations, paths
        headers = bench.auth(party)
        for operation in operations:
            @given(case=operation.as_strategy())
            @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def fuzz(case):
                response = case.call(headers=headers)
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

            try:
                fuzz()
            except Exception as exc:  # noqa: BLE001 - one report naming every bad operation
                details = [str(sub) for sub in getattr(exc, "exceptions", ())]
                failures.append(f"{party} {operation.label}: {exc}" + "".join(f"\n  - {d}" for d in details))
    assert failures == [], "\n\n".join(failures)
