"""Lists cost a fixed number of queries however many rows they show (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CommonPropertyFactory,
    EventFactory,
    EventPropertyFactory,
    GroupFactory,
    GroupPropertyFactory,
    PlanFactory,
    PropertyFactory,
    SourceFactory,
)
from tests.tracking.api.conftest import member
from tracking.models import issue_token

LISTS = [
    "/api/v1/plans",
    "/api/v1/plans/shop-app/events",
    "/api/v1/plans/shop-app/events/Product%20Viewed/properties",
    "/api/v1/plans/shop-app/properties",
    "/api/v1/plans/shop-app/groups",
    "/api/v1/plans/shop-app/groups/product_fields/properties",
    "/api/v1/plans/shop-app/common-properties",
    "/api/v1/plans/shop-app/sources",
    "/api/v1/tokens",
]


def _grow(plan, group, user, n: int) -> None:
    """Add n of everything: events with attachments, tags, sources and groups, nested fields."""
    viewed = plan.events.get(key="Product Viewed")
    for i in range(n):
        source = SourceFactory(plan=plan)
        event = EventFactory(plan=plan)
        event.sources.add(source)
        event.groups.add(group)
        event.tags.create(name=f"tag{event.pk}")
        parent = PropertyFactory(plan=plan, type="object")
        PropertyFactory(plan=plan, parent=parent)
        EventPropertyFactory(event=event, property=parent)
        EventPropertyFactory(event=viewed)
        GroupPropertyFactory(group=group)
        CommonPropertyFactory(plan=plan)
        member(user, PlanFactory())
        issue_token(user, name=f"token {i}")


def _queries(api, path: str, header: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, HTTP_AUTHORIZATION=header)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", LISTS)
def test_list_query_count_does_not_grow_with_rows(api, editor, plan, path):
    EventFactory(plan=plan, key="Product Viewed")
    group = GroupFactory(plan=plan, key="product_fields")
    _token, raw = issue_token(editor, name="measure")
    header = f"Bearer {raw}"
    _grow(plan, group, editor, 2)
    api.get(path, HTTP_AUTHORIZATION=header)  # records the token's use once
    few = _queries(api, path, header)

    _grow(plan, group, editor, 8)
    many = _queries(api, path, header)

    assert many == few
