"""Property-based API testing: schemathesis generates requests from the app's own OpenAPI
document; no response may be a server error or break the documented schema."""

import schemathesis
from hypothesis import HealthCheck, settings

from api.app import create_app
from api.settings import Settings
from layers.catalog import Catalog

_app = None
REQUESTS = {"count": 0}


def _application():
    global _app
    if _app is None:
        _app = create_app(Settings(), Catalog().load())
    return _app


# Layers are built once per process (layers.built), so this shares the session catalog's work.
schema = schemathesis.openapi.from_asgi("/openapi.json", _application())


@schema.parametrize()
@settings(max_examples=90, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_requests(case):
    REQUESTS["count"] += 1
    # Every default check but "schema-valid data must be accepted": OpenAPI cannot say that a
    # bbox's min must not exceed its max, or that a filter must be one of the layer's fields, so
    # such requests are rightly answered 400 with a reason (tests/api/test_bad_input.py).
    case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])


def test_at_least_a_thousand_requests_were_generated():
    """Runs after the generated tests (file order): the CI run must have sent ≥ 1,000."""
    print(f"schemathesis sent {REQUESTS['count']} requests")
    assert REQUESTS["count"] >= 1000, REQUESTS
