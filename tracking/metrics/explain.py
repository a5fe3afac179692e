"""Each metric in plain words, in English and in Chinese, generated from its definition.

e.g. `App opens by new users in the last 30 days, by province` /
`近30天 新用户 的 APP启动次数, 按省份`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tracking.metrics.catalog import (
    ATOMIC,
    COMPOSITE,
    CONVERSION,
    CUMULATIVE,
    MetricCatalog,
    MetricSpec,
)
from tracking.metrics.expressions import MATH, parse_expression, render
from tracking.metrics.periods import grain_to_date_words, parse_duration, period_words

if TYPE_CHECKING:
    from tracking.snapshot import PlanSnapshot, PropertySpec

EN, ZH = "en", "zh"
_ENTITIES = {
    "user_id": ("users", "用户"),
    "device_id": ("devices", "设备"),
    "anonymous_id": ("visitors", "访客"),
}
_AGGREGATIONS = {
    "sum": ("Sum", "总和"),
    "avg": ("Average", "平均值"),
    "min": ("Minimum", "最小值"),
    "max": ("Maximum", "最大值"),
}
_OPERATORS = {
    "eq": ("{p} is {v}", "{p}为{v}"),
    "neq": ("{p} is not {v}", "{p}不为{v}"),
    "in": ("{p} is one of {v}", "{p}属于{v}"),
    "not_in": ("{p} is none of {v}", "{p}不属于{v}"),
    "gt": ("{p} > {v}", "{p}>{v}"),
    "gte": ("{p} ≥ {v}", "{p}≥{v}"),
    "lt": ("{p} < {v}", "{p}<{v}"),
    "lte": ("{p} ≤ {v}", "{p}≤{v}"),
    "between": ("{p} is between {v}", "{p}介于{v}之间"),
    "contains": ("{p} contains {v}", "{p}包含{v}"),
    "is_null": ("{p} is empty", "{p}为空"),
    "is_not_null": ("{p} is set", "{p}不为空"),
    "matches": ("{p} matches {v}", "{p}匹配{v}"),
    "in_period": ("{p} falls in the period", "{p}在统计周期内"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Explanation:
    en: str
    zh: str


def explain_metric(
    spec: MetricSpec, *, catalog: MetricCatalog, snapshot: PlanSnapshot
) -> Explanation:
    """The metric in words; names missing from the plan are shown by their keys."""
    words = _Words(catalog=catalog, snapshot=snapshot)
    return Explanation(en=words.metric(spec, EN), zh=words.metric(spec, ZH))


@dataclass(frozen=True, slots=True, kw_only=True)
class _Words:
    catalog: MetricCatalog
    snapshot: PlanSnapshot

    def metric(self, spec: MetricSpec, lang: str) -> str:
        d = spec.definition
        if spec.kind == ATOMIC:
            return self.atomic(d, lang)
        if spec.kind == COMPOSITE:
            return self.composite(d, lang)
        if spec.kind == CONVERSION:
            return self.conversion(d, lang)
        if spec.kind == CUMULATIVE:
            if "window" in d:
                duration = parse_duration(d["window"])
                span = duration.words(lang) if duration else d["window"]
                period = f"滚动近{span}" if lang == ZH else f"over a rolling {span}"
            else:
                period = grain_to_date_words(d["grain_to_date"], lang)
                period = period if lang == ZH else f"so far this {d['grain_to_date']}"
            return self.qualified(d, period, lang)
        found = self.catalog.period(d["period"])
        return self.qualified(
            d, period_words(found, lang) if found else d["period"], lang
        )

    def atomic(self, d: Mapping[str, Any], lang: str) -> str:
        event, agg = self.event(d["event"], lang), d["agg"]
        if agg == "count":
            return (
                f"“{event}”事件的次数" if lang == ZH else f"Number of “{event}” events"
            )
        if agg == "count_distinct":
            key = d["distinct_on"]
            if key in _ENTITIES:
                en, zh = _ENTITIES[key]
                return (
                    f"“{event}”事件的去重{zh}数"
                    if lang == ZH
                    else f"Number of distinct {en} with “{event}” events"
                )
            prop = self.prop(key, lang)
            return (
                f"“{event}”事件中{prop}的去重数"
                if lang == ZH
                else f"Number of distinct {prop} values in “{event}” events"
            )
        prop = self.prop(d["measure"], lang)
        if agg == "percentile":
            p = _number(d["percentile"])
            return (
                f"“{event}”事件中{prop}的第{p}百分位数"
                if lang == ZH
                else f"{_ordinal(p)} percentile of {prop} in “{event}” events"
            )
        en, zh = _AGGREGATIONS[agg]
        return (
            f"“{event}”事件中{prop}的{zh}"
            if lang == ZH
            else f"{en} of {prop} in “{event}” events"
        )

    def qualified(self, d: Mapping[str, Any], period: str, lang: str) -> str:
        base = self.metric_name(d["base"], lang)
        modifiers = [self.catalog.modifier(k) for k in d.get("modifiers", ())]
        names = [
            (m.name_zh or m.key) if lang == ZH else (m.name_en or m.key)
            for m in modifiers
            if m
        ]
        names += [k for k in d.get("modifiers", ()) if self.catalog.modifier(k) is None]
        condition = self.filter(d.get("extra_filter"), lang)
        dims = [self.prop(k, lang) for k in d.get("group_by", ())]
        if lang == ZH:
            text = " ".join([period, *names]) + f" 的 {base}"
            text += f"（{condition}）" if condition else ""
            return text + (f", 按{'、'.join(dims)}" if dims else "")
        segments = {m.key for m in modifiers if m and m.modifier_type == "user_segment"}
        text = base
        for key, name in zip(d.get("modifiers", ()), names, strict=False):
            text += f" by {_mid(name)}" if key in segments else f" from {_mid(name)}"
        text += f" where {condition}" if condition else ""
        text += f" {period}"
        return text + (f", by {_and(dims)}" if dims else "")

    def conversion(self, d: Mapping[str, Any], lang: str) -> str:
        first, then = (
            self.step_event(d["base"], lang),
            self.step_event(d["conversion"], lang),
        )
        en, zh = _ENTITIES.get(
            d["entity"],
            (f"{self.prop(d['entity'], EN)} values", self.prop(d["entity"], ZH)),
        )
        duration = parse_duration(d["window"])
        window = duration.words(lang) if duration else d["window"]
        rate = d.get("calculation", "conversion_rate") == "conversion_rate"
        same = [self.prop(p["base"], lang) for p in d.get("constant_properties", ())]
        filters = [
            (first, self.filter(d.get("base_filter"), lang)),
            (then, self.filter(d.get("conversion_filter"), lang)),
        ]
        if lang == ZH:
            text = (
                f"发生“{first}”后{window}内完成“{then}”的{zh}{'占比' if rate else '数'}"
            )
            text += f"，且两步的{'、'.join(same)}相同" if same else ""
            return text + "".join(f"；“{e}”限{c}" for e, c in filters if c)
        text = f"{'Share' if rate else 'Number'} of {en} who did “{first}” and then “{then}” within {window}"
        text += f", with the same {_and(same)} in both" if same else ""
        return text + "".join(f"; “{e}” only where {c}" for e, c in filters if c)

    def composite(self, d: Mapping[str, Any], lang: str) -> str:
        dims = [self.prop(k, lang) for k in d.get("group_by", ())]
        by = (
            (f", 按{'、'.join(dims)}" if lang == ZH else f", by {_and(dims)}")
            if dims
            else ""
        )
        if d["form"] == "ratio":
            num, den = (
                self.metric_name(d["numerator"], lang),
                self.metric_name(d["denominator"], lang),
            )
            text = f"{num} ÷ {den}"
            if d.get("on_zero_denominator") == "zero":
                text += (
                    f"（{den}为0时记为0）" if lang == ZH else f" (0 when {den} is 0)"
                )
            return text + by
        names = {item["alias"]: self.input_name(item, lang) for item in d["inputs"]}
        tree = parse_expression(d["expr"])
        text = render(
            tree,
            name=lambda a: names.get(a, a),
            symbols=MATH,
            call=lambda f, args: _call(f, args, lang),
        )
        return text + by

    def input_name(self, item: Mapping[str, Any], lang: str) -> str:
        name = self.metric_name(item["metric"], lang)
        duration = parse_duration(item.get("offset"))
        if duration is None:
            return name
        return (
            f"{name}（{duration.words(ZH)}前）"
            if lang == ZH
            else f"{name} {duration.words(EN)} earlier"
        )

    def filter(
        self, node: Mapping[str, Any] | None, lang: str, *, nested: bool = False
    ) -> str:
        if not node:
            return ""
        for kind, en, zh in (("all", " and ", "且"), ("any", " or ", "或")):
            if kind in node:
                parts = [self.filter(child, lang, nested=True) for child in node[kind]]
                text = (zh if lang == ZH else en).join(parts)
                if kind == "all" or not nested or len(parts) == 1:
                    return text
                return f"（{text}）" if lang == ZH else f"({text})"
        if "not" in node:
            inner = self.filter(node["not"], lang)
            return f"非（{inner}）" if lang == ZH else f"not ({inner})"
        if "term" in node:
            term = self.catalog.term(node["term"])
            if term is None:
                return str(node["term"])
            return (
                (term.name_zh or term.key)
                if lang == ZH
                else _mid(term.name_en or term.key)
            )
        template = _OPERATORS[node["op"]][1 if lang == ZH else 0]
        return template.format(
            p=self.prop(node["prop"], lang),
            v=_values(node.get("value"), node["op"], lang),
        )

    def metric_name(self, key: str, lang: str) -> str:
        spec = self.catalog.metric(key)
        return spec.name(lang) if spec else key

    def step_event(self, key: str, lang: str) -> str:
        spec = self.catalog.metric(key)
        if spec is None or spec.kind != ATOMIC:
            return self.metric_name(key, lang)
        return self.event(spec.definition.get("event", key), lang)

    def event(self, key: str, lang: str) -> str:
        event = self.snapshot.event(key)
        return (event.display_name or key) if (lang == ZH and event) else key

    def prop(self, key: str, lang: str) -> str:
        last = key.rsplit(".", 1)[-1]
        if lang == EN:
            return last.replace("_", " ")
        spec = self._property(key)
        return spec.display_name if spec and spec.display_name else last

    def _property(self, key: str) -> PropertySpec | None:
        head, *rest = key.split(".")
        spec = next((p for p in self.snapshot.properties if p.key == head), None)
        for name in rest:
            spec = (
                next((f for f in spec.fields if f.key == name), None) if spec else None
            )
        return spec


def _call(function: str, args: list[str], lang: str) -> str:
    if function == "nullif":
        return args[0]  # only a guard against dividing by zero
    if function == "abs":
        return f"|{args[0]}|"
    if function == "coalesce":
        rest = "、".join(args[1:]) if lang == ZH else " or ".join(args[1:])
        return (
            f"{args[0]}（为空时取{rest}）"
            if lang == ZH
            else f"{args[0]} (or {rest} when empty)"
        )
    if len(args) == 1:
        return f"{args[0]}（取整）" if lang == ZH else f"{args[0]} rounded"
    return (
        f"{args[0]}（保留{args[1]}位小数）"
        if lang == ZH
        else f"{args[0]} rounded to {args[1]} decimals"
    )


def _values(value: Any, op: str, lang: str) -> str:
    if value is None:
        return ""
    if op == "between":
        return (
            f"{_value(value[0])}和{_value(value[1])}"
            if lang == ZH
            else f"{_value(value[0])} and {_value(value[1])}"
        )
    if isinstance(value, list):
        return ("、" if lang == ZH else ", ").join(_value(v) for v in value)
    return f"/{value}/" if op == "matches" else _value(value)


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _number(value: Any) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _ordinal(text: str) -> str:
    if not text.isdigit():
        return f"{text}th"
    n = int(text)
    suffix = (
        "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    )
    return f"{n}{suffix}"


def _mid(text: str) -> str:
    """`New users` → `new users` inside a sentence; `iOS` and `APP` keep their case."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"
