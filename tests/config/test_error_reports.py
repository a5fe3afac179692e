"""Exception reports mask write keys and other credentials, wherever a frame holds them."""

from __future__ import annotations

import base64
import sys

import orjson
import pytest
from django.core.signals import got_request_exception
from django.test import Client
from django.views.debug import ExceptionReporter

from governance.collector import keys
from tests.factories import SourceFactory

HEADER_KEY = "wk_HeaderKey0000000000000000001"
BODY_KEY = "wk_BodyKey00000000000000000000002"
# Not written out near the frame below: a report shows the source lines around each frame.
API_TOKEN = "tok_" + "0123456789"


@pytest.fixture
def reports(settings):
    """The HTML and text exception reports Django would mail for each failed request."""
    settings.DEBUG = False
    made: list[str] = []

    def report(sender, request, **kwargs):
        reporter = ExceptionReporter(request, *sys.exc_info(), is_email=True)
        made.extend([reporter.get_traceback_html(), reporter.get_traceback_text()])

    got_request_exception.connect(report)
    yield made
    got_request_exception.disconnect(report)


def _explode(*args, **kwargs):
    msg = "the database went away"
    raise RuntimeError(msg)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(
            {
                "Authorization": "Basic "
                + base64.b64encode(f"{HEADER_KEY}:".encode()).decode()
            },
            id="basic",
        ),
        pytest.param({"Authorization": f"Bearer {HEADER_KEY}"}, id="bearer"),
        pytest.param({}, id="in-the-body"),
    ],
)
def test_a_report_of_a_failed_collector_request_masks_the_write_key(
    db, reports, monkeypatch, headers
):
    monkeypatch.setattr(keys, "source_for_write_key", _explode)
    body = orjson.dumps({"event": "A", "userId": "u-1", "writeKey": BODY_KEY})

    response = Client(raise_request_exception=False).post(
        "/v1/track", body, content_type="application/json", headers=headers
    )

    assert response.status_code == 500
    assert len(reports) == 2
    for report in reports:
        assert "the database went away" in report  # a report, with its frames
        assert HEADER_KEY not in report
        assert BODY_KEY not in report
        assert base64.b64encode(f"{HEADER_KEY}:".encode()).decode() not in report
        assert "********************" in report


def test_a_report_masks_credentials_in_any_frame_variable(rf, settings):
    settings.DEBUG = False
    source = SourceFactory.build(write_key=HEADER_KEY)
    secrets = {  # noqa: F841 (read by the report from the frame)
        "nested": [{"writeKey": BODY_KEY}],
        "raw_body": b'{"writeKey": "' + BODY_KEY.encode() + b'"}',
        "header": f"Bearer {HEADER_KEY}",
        "api_token": API_TOKEN,
    }
    write_key = source.write_key  # noqa: F841
    try:
        _explode()
    except RuntimeError:
        text = ExceptionReporter(
            rf.post("/v1/track"), *sys.exc_info()
        ).get_traceback_html()

    assert "the database went away" in text
    assert HEADER_KEY not in text
    assert BODY_KEY not in text
    assert API_TOKEN not in text
