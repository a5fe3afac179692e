"""Explanations: every code in both languages, with the same parameters, rendered from evidence."""

from __future__ import annotations

import re

import pytest

from governance.detectors.base import Anomaly, Fingerprint, Learning, Severity
from governance.detectors.messages import MESSAGES, Language

_PLACEHOLDER = re.compile(r"%\((\w+)\)")


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_both_languages_use_the_same_evidence(code):
    english, chinese = MESSAGES[code]

    assert set(_PLACEHOLDER.findall(english)) == set(_PLACEHOLDER.findall(chinese))
    assert english.count("%%") == chinese.count("%%")


DROP = Anomaly(
    fingerprint=Fingerprint(detector="volume", event="Order Completed", source="ios"),
    severity=Severity.CRITICAL,
    code="volume.drop",
    evidence={
        "tier": "5m",
        "window_minutes": 15,
        "since": "2024-04-29T11:45:00+00:00",
        "until": "2024-04-29T12:00:00+00:00",
        "observed": 0,
        "expected": 180.0,
        "expected_low": 126.0,
        "expected_high": 234.0,
        "change_percent": -100.0,
        "spread": 0.05,
        "slots": "weekday_slots",
        "z": -11.14,
    },
)


def test_a_drop_is_explained_in_english_and_chinese():
    assert DROP.explain() == (
        "Order Completed on ios dropped to 0 samples in the 15 minutes from "
        "2024-04-29T11:45:00+00:00, where 126.0 to 234.0 were expected "
        "(-100.0% against 180.0)."
    )
    assert DROP.explain(Language.ZH_HANS) == (
        "Order Completed(ios)自 2024-04-29T11:45:00+00:00 起的 15 分钟内降至 0 条,"
        "预期范围 126.0 至 234.0(较预期 180.0 变化 -100.0%)。"
    )


def test_all_sources_are_named_in_the_reader_s_language():
    leak = Anomaly(
        fingerprint=Fingerprint(detector="volume", event="Order Completed"),
        severity=Severity.CRITICAL,
        code="volume.drop",
        evidence=DROP.evidence,
    )

    assert leak.explain().startswith("Order Completed on all sources dropped")
    assert leak.explain(Language.ZH_HANS).startswith("Order Completed(全部来源)")


def test_learning_says_how_far_it_has_come():
    learning = Learning(code="volume.learning", have=3.0, need=7.0)

    assert (
        learning.explain() == "Learning the usual volume: 3.0 of 7.0 days of history."
    )
    assert learning.explain(Language.ZH_HANS) == (
        "正在学习常规量级:已有 3.0 天历史,需要 7.0 天。"
    )
