"""Rebuilding shared property definitions from per-event ones: loosest shared, events narrow."""

from __future__ import annotations

import pytest

from tracking.interchange.document import (
    AttachmentDoc,
    EventDoc,
    Level,
    PlanSettings,
    ProblemLog,
    PropertyDoc,
)
from tracking.interchange.library import InlineEvent, InlineProperty, build_document
from tracking.snapshot import PropertySpec, narrow


def _build(*events):
    log = ProblemLog()
    inline = [
        InlineEvent(
            event=EventDoc(key=key, where=key),
            properties=tuple(
                InlineProperty(definition=d, required=False, where=f"{key}.{d.key}")
                for d in definitions
            ),
        )
        for key, definitions in events
    ]
    return build_document(inline, plan=PlanSettings(), log=log), tuple(log.problems)


def _spec(doc):
    values = {
        name: getattr(doc, name)
        for name in PropertySpec.__dataclass_fields__
        if name != "fields" and getattr(doc, name) is not None
    }
    return PropertySpec(**values)


CURRENCY_ALL = PropertyDoc(key="currency", type="string", enum=("CNY", "USD", "HKD"))
CURRENCY_CNY = PropertyDoc(key="currency", type="string", enum=("CNY",))
QUANTITY_1_99 = PropertyDoc(key="quantity", type="integer", minimum="1", maximum="99")
QUANTITY_0 = PropertyDoc(key="quantity", type="integer", minimum="0")
CODE_SPRING = PropertyDoc(key="code", type="string", patterns=("^[A-Z]+$", "^SPRING"))
CODE = PropertyDoc(key="code", type="string", patterns=("^[A-Z]+$",))


@pytest.mark.parametrize(
    ("first", "second", "shared"),
    [
        pytest.param(
            CURRENCY_CNY,
            CURRENCY_ALL,
            PropertyDoc(key="currency", type="string", enum=("CNY", "USD", "HKD")),
            id="enum-union",
        ),
        pytest.param(
            QUANTITY_1_99,
            QUANTITY_0,
            PropertyDoc(key="quantity", type="integer", minimum="0"),
            id="lowest-minimum-no-maximum",
        ),
        pytest.param(
            CODE_SPRING,
            CODE,
            PropertyDoc(key="code", type="string", patterns=("^[A-Z]+$",)),
            id="common-pattern",
        ),
    ],
)
def test_the_shared_definition_is_the_loosest_and_each_event_narrows_it_back(
    first, second, shared
):
    document, problems = _build(("A Happened", [first]), ("B Happened", [second]))
    assert problems == ()
    assert document.properties == (shared,)
    for event, own in zip(document.events, (first, second), strict=True):
        narrowing = event.properties[0].narrowing_values()
        assert narrow(_spec(shared), narrowing) == _spec(own)


def test_an_event_that_tightens_keeps_exactly_its_narrowing():
    document, _problems = _build(
        ("A Happened", [QUANTITY_1_99]), ("B Happened", [QUANTITY_0])
    )
    assert document.events[0].properties == (
        AttachmentDoc(key="quantity", minimum="1", maximum="99"),
    )
    assert document.events[1].properties == (AttachmentDoc(key="quantity"),)


@pytest.mark.parametrize(
    ("first", "second", "level", "message"),
    [
        pytest.param(
            PropertyDoc(key="price", type="number"),
            PropertyDoc(key="price", type="string"),
            Level.ERROR,
            "“price” is string on “B Happened” but number on “A Happened”; a plan "
            "defines each property once, with one type.",
            id="type-conflict",
        ),
        pytest.param(
            PropertyDoc(key="price", type="number", display_name="价格"),
            PropertyDoc(key="price", type="number", display_name="单价", where="B"),
            Level.UNSUPPORTED,
            "“单价” differs from “价格” given elsewhere; a plan property has one display "
            "name, so “价格” is kept.",
            id="display-name-conflict",
        ),
        pytest.param(
            PropertyDoc(
                key="items",
                type="array",
                item_type="object",
                fields=(PropertyDoc(key="sku", type="string"),),
            ),
            PropertyDoc(
                key="items",
                type="array",
                item_type="object",
                fields=(PropertyDoc(key="sku", type="integer", where="B"),),
            ),
            Level.ERROR,
            "This nested field has another type here than on other events; a plan "
            "defines it once, with one type.",
            id="nested-type-conflict",
        ),
    ],
)
def test_what_cannot_be_shared_is_reported(first, second, level, message):
    _document, problems = _build(("A Happened", [first]), ("B Happened", [second]))
    assert [(p.level, p.message) for p in problems] == [(level, message)]


def test_the_strictest_privacy_class_wins():
    document, _problems = _build(
        ("A Happened", [PropertyDoc(key="phone", type="string", privacy_class="none")]),
        (
            "B Happened",
            [PropertyDoc(key="phone", type="string", privacy_class="personal")],
        ),
    )
    assert document.properties[0].privacy_class == "personal"


@pytest.mark.parametrize(
    ("events", "properties", "expected"),
    [
        pytest.param(
            ["Order Completed"],
            ["order_id"],
            ("object_action", "snake_case"),
            id="usual",
        ),
        pytest.param(
            ["order_completed"], ["orderId"], ("snake_case", "camel_case"), id="others"
        ),
        pytest.param(
            ["Order Completed", "order_refunded"],
            ["order_id", "Order-Id"],
            (None, None),
            id="mixed",
        ),
    ],
)
def test_the_naming_conventions_all_keys_follow_are_proposed_for_a_new_plan(
    events, properties, expected
):
    document, _problems = _build(
        *(
            (key, [PropertyDoc(key=p, type="string") for p in properties[i:][:1]])
            for i, key in enumerate(events)
        )
    )
    plan = document.plan
    assert (plan.event_naming, plan.property_naming) == expected
