"""The group admin: a PM bundles properties into a group."""

from __future__ import annotations

from tests.factories import PropertyFactory
from tests.tracking.admin.formdata import inline
from tracking.models import PropertyGroup


def test_pm_creates_a_group_of_properties(pm_client, plan):
    page_url = PropertyFactory(plan=plan, key="page_url")
    referrer = PropertyFactory(plan=plan, key="referrer")

    response = pm_client.post(
        "/admin/tracking/propertygroup/add/",
        {
            "plan": str(plan.pk),
            "key": "page_context",
            "name": "Page context",
            "description": "Where the user was.",
            **inline(
                "members",
                [
                    {"property": str(page_url.pk), "required": "on", "position": "0"},
                    {"property": str(referrer.pk), "position": "1"},
                ],
            ),
        },
    )

    assert response.status_code == 302
    group = PropertyGroup.objects.get(key="page_context")
    assert list(group.members.values_list("property__key", "required")) == [
        ("page_url", True),
        ("referrer", False),
    ]
