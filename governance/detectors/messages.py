"""The explanation of every anomaly and learning code, in English and Simplified Chinese.

A code is the message id; its text is a %-format template over the anomaly's evidence plus
`event` and `source` (None renders as "all sources"). The English template is marked with
`gettext_noop` so `makemessages` extracts it into the project catalogue, the Chinese beside it
is its translation: when the alert pages translate through gettext, `gettext(english) % params`
gives the same text and this table seeds the catalogue. The detectors stay free of Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

Params = Mapping[str, str | int | float | bool | None]


class Language(StrEnum):
    EN = "en"
    ZH_HANS = "zh-hans"


def gettext_noop(message: str) -> str:
    """Marks a string for extraction by makemessages; returns it unchanged."""
    return message


_ALL_SOURCES = {Language.EN: "all sources", Language.ZH_HANS: "全部来源"}
_CHANGE_ZH = "(较预期 %(expected)s 变化 %(change_percent)s%%)"
_VERSION_TAIL_ZH = (
    "首次出现于 %(first_seen)s;该版本目前占流量 %(traffic_share_percent)s%%。"
)
_SIMILAR_ZH = "疑似计划内事件 %(similar_to)s 的误写。"

MESSAGES: Mapping[str, tuple[str, str]] = {
    "volume.drop": (
        gettext_noop(
            "%(event)s on %(source)s dropped to %(observed)s samples in the "
            "%(window_minutes)s minutes from %(since)s, where %(expected_low)s to "
            "%(expected_high)s were expected (%(change_percent)s%% against %(expected)s)."
        ),
        "%(event)s(%(source)s)自 %(since)s 起的 %(window_minutes)s 分钟内降至 %(observed)s 条,"
        "预期范围 %(expected_low)s 至 %(expected_high)s" + _CHANGE_ZH + "。",
    ),
    "volume.spike": (
        gettext_noop(
            "%(event)s on %(source)s rose to %(observed)s samples in the "
            "%(window_minutes)s minutes from %(since)s, where %(expected_low)s to "
            "%(expected_high)s were expected (%(change_percent)s%% against %(expected)s)."
        ),
        "%(event)s(%(source)s)自 %(since)s 起的 %(window_minutes)s 分钟内升至 %(observed)s 条,"
        "预期范围 %(expected_low)s 至 %(expected_high)s" + _CHANGE_ZH + "。",
    ),
    "volume.share_drop": (
        gettext_noop(
            "%(event)s on %(source)s sent %(observed)s samples in the %(window_minutes)s "
            "minutes from %(since)s while the source's traffic moved "
            "%(source_change_percent)s%%: its usual share of that traffic implies "
            "%(expected_low)s to %(expected_high)s."
        ),
        "%(event)s(%(source)s)自 %(since)s 起 %(window_minutes)s 分钟内仅 %(observed)s 条,"
        "而来源总流量变化 %(source_change_percent)s%%:按其通常占比应为 "
        "%(expected_low)s 至 %(expected_high)s。",
    ),
    "volume.share_spike": (
        gettext_noop(
            "%(event)s on %(source)s sent %(observed)s samples in the %(window_minutes)s "
            "minutes from %(since)s while the source's traffic moved "
            "%(source_change_percent)s%%: its usual share of that traffic implies "
            "%(expected_low)s to %(expected_high)s."
        ),
        "%(event)s(%(source)s)自 %(since)s 起 %(window_minutes)s 分钟内多达 %(observed)s 条,"
        "而来源总流量变化 %(source_change_percent)s%%:按其通常占比应为 "
        "%(expected_low)s 至 %(expected_high)s。",
    ),
    "volume.learning": (
        gettext_noop(
            "Learning the usual volume: %(have)s of %(need)s days of history."
        ),
        "正在学习常规量级:已有 %(have)s 天历史,需要 %(need)s 天。",
    ),
    "silence.silent": (
        gettext_noop(
            "%(event)s on %(source)s has sent nothing for %(minutes_silent)s minutes "
            "(last seen %(last_seen)s); about %(expected)s samples were expected "
            "(chance of such a gap: %(p_no_event)s)."
        ),
        "%(event)s(%(source)s)已 %(minutes_silent)s 分钟没有数据(最后出现于 %(last_seen)s);"
        "按常规应收到约 %(expected)s 条(出现这种空档的概率:%(p_no_event)s)。",
    ),
    "silence.rare_gap": (
        gettext_noop(
            "%(event)s on %(source)s has not been seen for %(hours_silent)s hours (last "
            "seen %(last_seen)s); its usual longest gap is about %(typical_gap_hours)s "
            "hours, so more than %(threshold_hours)s hours is unusual."
        ),
        "%(event)s(%(source)s)已 %(hours_silent)s 小时未出现(最后出现于 %(last_seen)s);"
        "其通常最长间隔约 %(typical_gap_hours)s 小时,超过 %(threshold_hours)s 小时即属异常。",
    ),
    "silence.never_seen_source": (
        gettext_noop(
            "%(event)s is expected on %(source)s but has never been seen there, "
            "%(hours_since)s hours after the source's first traffic "
            "(%(source_first_traffic)s)."
        ),
        "%(event)s 应在 %(source)s 上报,但该来源首次有流量(%(source_first_traffic)s)"
        "%(hours_since)s 小时后仍从未出现。",
    ),
    "silence.never_seen_version": (
        gettext_noop(
            "%(event)s has never been seen on %(source)s in app version %(app_version)s, "
            "%(hours_since)s hours after the version passed %(adoption_percent)s%% of the "
            "traffic (now %(traffic_share_percent)s%%); about %(expected)s samples were "
            "expected."
        ),
        "%(event)s 在 %(source)s 的 %(app_version)s 版本中从未出现:该版本流量占比超过 "
        "%(adoption_percent)s%% 已 %(hours_since)s 小时(目前 %(traffic_share_percent)s%%),"
        "按常规应有约 %(expected)s 条。",
    ),
    "silence.learning": (
        gettext_noop(
            "Learning the usual rhythm: %(have)s of %(need)s days of history."
        ),
        "正在学习常规节奏:已有 %(have)s 天历史,需要 %(need)s 天。",
    ),
    "silence.learning_source": (
        gettext_noop(
            "The source is new: %(have)s of %(need)s hours since its first traffic."
        ),
        "来源刚接入:距首次有流量 %(have)s 小时,需要 %(need)s 小时。",
    ),
    "silence.learning_gaps": (
        gettext_noop(
            "Too few sightings to know this rare event's rhythm: %(have)s of %(need)s gaps."
        ),
        "出现次数太少,尚不了解这个低频事件的节奏:已有 %(have)s 个间隔,需要 %(need)s 个。",
    ),
    "validity.drop": (
        gettext_noop(
            "%(invalid_percent)s%% of %(event)s samples on %(source)s were invalid in the "
            "%(window_minutes)s minutes from %(since)s (%(invalid)s of %(received)s; at "
            "least %(lower_bound_percent)s%% with 99%% confidence), against a usual "
            "%(baseline_percent)s%%."
        ),
        "%(event)s(%(source)s)自 %(since)s 起 %(window_minutes)s 分钟内无效率 "
        "%(invalid_percent)s%%(%(received)s 条中 %(invalid)s 条;99%% 置信下至少 "
        "%(lower_bound_percent)s%%),平时为 %(baseline_percent)s%%。",
    ),
    "validity.below_floor": (
        gettext_noop(
            "Only %(validity_percent)s%% of %(event)s samples on %(source)s were valid in "
            "the last %(window_minutes)s minutes (%(invalid)s invalid of %(received)s), "
            "under the %(floor_percent)s%% floor."
        ),
        "%(event)s(%(source)s)最近 %(window_minutes)s 分钟有效率仅 %(validity_percent)s%%"
        "(%(received)s 条中 %(invalid)s 条无效),低于 %(floor_percent)s%% 的底线。",
    ),
    "validity.learning": (
        gettext_noop(
            "Learning the usual invalid rate: %(have)s of %(need)s hours with samples."
        ),
        "正在学习常规无效率:已有 %(have)s 个有数据的小时,需要 %(need)s 个。",
    ),
    "new_violation.new_kind": (
        gettext_noop(
            "A new problem in %(event)s on %(source)s: %(kind)s at %(path)s in "
            "%(observed)s of %(samples)s samples in the last hour (%(share_percent)s%%), "
            "not seen in the %(unseen_days)s days before."
        ),
        "%(event)s(%(source)s)出现新问题:%(path)s 处的 %(kind)s,最近一小时 %(samples)s "
        "条中 %(observed)s 条(%(share_percent)s%%),此前 %(unseen_days)s 天未出现。",
    ),
    "new_violation.learning": (
        gettext_noop(
            "The event is new on a source (%(have)s of %(need)s hours): its problems "
            "are learnt, not alerted."
        ),
        "该事件在某来源上刚出现(%(have)s 小时,需要 %(need)s 小时):其问题先学习,不告警。",
    ),
    "unplanned.first_seen": (
        gettext_noop(
            "The unplanned event %(event)s was first seen on %(source)s at "
            "%(first_seen)s (%(observed)s samples in the last hour)."
        ),
        "计划外事件 %(event)s 于 %(first_seen)s 首次出现在 %(source)s"
        "(最近一小时 %(observed)s 条)。",
    ),
    "unplanned.first_seen_near_duplicate": (
        gettext_noop(
            "The unplanned event %(event)s was first seen on %(source)s at "
            "%(first_seen)s (%(observed)s samples in the last hour)."
            " It looks like the planned event %(similar_to)s."
        ),
        "计划外事件 %(event)s 于 %(first_seen)s 首次出现在 %(source)s"
        "(最近一小时 %(observed)s 条)。" + _SIMILAR_ZH,
    ),
    "unplanned.flood": (
        gettext_noop(
            "The unplanned event %(event)s sent %(observed)s samples on %(source)s in "
            "the last hour, %(share_percent)s%% of the source's traffic."
        ),
        "计划外事件 %(event)s 最近一小时在 %(source)s 上报 %(observed)s 条,"
        "占该来源流量 %(share_percent)s%%。",
    ),
    "unplanned.flood_near_duplicate": (
        gettext_noop(
            "The unplanned event %(event)s sent %(observed)s samples on %(source)s in "
            "the last hour, %(share_percent)s%% of the source's traffic."
            " It looks like the planned event %(similar_to)s."
        ),
        "计划外事件 %(event)s 最近一小时在 %(source)s 上报 %(observed)s 条,"
        "占该来源流量 %(share_percent)s%%。" + _SIMILAR_ZH,
    ),
    "unplanned.learning": (
        gettext_noop(
            "The source is new (%(have)s of %(need)s hours): every event is first seen "
            "there, so first sightings are learnt, not reported."
        ),
        "来源刚接入(%(have)s 小时,需要 %(need)s 小时):所有事件都是首次出现,暂不提示。",
    ),
    "version.invalid_rate": (
        gettext_noop(
            "%(event)s on %(source)s breaks in app version %(app_version)s: "
            "%(rate_percent)s%% invalid (at least %(lower_bound_percent)s%%), against at "
            "most %(previous_upper_percent)s%% in %(compared_with)s."
            " Since %(first_seen)s; the version now has %(traffic_share_percent)s%% of the"
            " traffic."
        ),
        "%(event)s(%(source)s)在 %(app_version)s 版本中出错:无效率 %(rate_percent)s%%"
        "(至少 %(lower_bound_percent)s%%),而 %(compared_with)s 至多 "
        "%(previous_upper_percent)s%%。" + _VERSION_TAIL_ZH,
    ),
    "version.type_drift": (
        gettext_noop(
            "%(event)s on %(source)s sends %(path)s as %(json_type)s in app version "
            "%(app_version)s (%(observed)s samples), where %(compared_with)s sent "
            "%(previous_types)s."
            " Since %(first_seen)s; the version now has %(traffic_share_percent)s%% of the"
            " traffic."
        ),
        "%(event)s(%(source)s)在 %(app_version)s 版本中以 %(json_type)s 类型上报 %(path)s"
        "(%(observed)s 条),而 %(compared_with)s 为 %(previous_types)s。"
        + _VERSION_TAIL_ZH,
    ),
    "version.required_missing": (
        gettext_noop(
            "%(event)s on %(source)s lacks the required property %(path)s in "
            "%(rate_percent)s%% of app version %(app_version)s samples, against at most "
            "%(previous_upper_percent)s%% in %(compared_with)s."
            " Since %(first_seen)s; the version now has %(traffic_share_percent)s%% of the"
            " traffic."
        ),
        "%(event)s(%(source)s)在 %(app_version)s 版本中 %(rate_percent)s%% 的数据缺少必填属性 "
        "%(path)s,而 %(compared_with)s 至多 %(previous_upper_percent)s%%。"
        + _VERSION_TAIL_ZH,
    ),
    "version.firing_drop": (
        gettext_noop(
            "%(event)s on %(source)s fires less in app version %(app_version)s: "
            "%(per_device)s per active device against %(previous_per_device)s in "
            "%(compared_with)s (%(ratio_percent)s%%)."
            " Since %(first_seen)s; the version now has %(traffic_share_percent)s%% of the"
            " traffic."
        ),
        "%(event)s(%(source)s)在 %(app_version)s 版本中触发变少:每活跃设备 %(per_device)s 次,"
        "而 %(compared_with)s 为 %(previous_per_device)s 次(%(ratio_percent)s%%)。"
        + _VERSION_TAIL_ZH,
    ),
    "version.enum_shift": (
        gettext_noop(
            "The values of %(path)s in %(event)s on %(source)s shifted in app version "
            "%(app_version)s (PSI %(psi)s against %(compared_with)s; new values: "
            "%(new_values)s)."
            " Since %(first_seen)s; the version now has %(traffic_share_percent)s%% of the"
            " traffic."
        ),
        "%(event)s(%(source)s)的 %(path)s 取值分布在 %(app_version)s 版本中明显变化"
        "(相对 %(compared_with)s 的 PSI 为 %(psi)s;新取值:%(new_values)s)。"
        + _VERSION_TAIL_ZH,
    ),
    "version.learning": (
        gettext_noop(
            "No earlier app version has enough samples to compare with: %(have)s of "
            "%(need)s."
        ),
        "尚无样本足够的旧版本可供比较:最多 %(have)s 条,需要 %(need)s 条。",
    ),
    "privacy.leak": (
        gettext_noop(
            "Personal data (%(kind)s) in %(path)s of %(event)s, a property not classed "
            "personal: %(observed)s samples from %(sources)s, app versions "
            "%(app_versions)s, since %(since)s. Masked example: %(masked_example)s"
        ),
        "%(event)s 的 %(path)s 并非个人信息属性,却出现个人信息(%(kind)s):来自 %(sources)s、"
        "版本 %(app_versions)s 的 %(observed)s 条,始于 %(since)s。脱敏示例:%(masked_example)s",
    ),
}


def render(
    code: str,
    params: Params,
    language: Language,
    *,
    event: str = "",
    source: str | None = None,
) -> str:
    """The text of `code` in `language`; raises KeyError for an unknown code or a missing
    parameter."""
    english, chinese = MESSAGES[code]
    template = english if language is Language.EN else chinese
    where = source if source is not None else _ALL_SOURCES[language]
    return template % {**params, "event": event, "source": where}
