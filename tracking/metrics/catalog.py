"""The frozen form of a plan's metrics, glossary terms, qualifiers and time periods."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

ATOMIC = "atomic"
DERIVED = "derived"
COMPOSITE = "composite"
CUMULATIVE = "cumulative"
CONVERSION = "conversion"
KINDS = (ATOMIC, DERIVED, COMPOSITE, CUMULATIVE, CONVERSION)

DRAFT = "draft"
ONLINE = "online"
OFFLINE = "offline"
DEPRECATED = "deprecated"

LEADING = "leading"
LAGGING = "lagging"


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricSpec:
    """A metric as the rules see it; `definition` is the stored JSON, treated as read-only."""

    key: str
    kind: str
    definition: Mapping[str, Any]
    name_zh: str = ""
    name_en: str = ""
    caliber: str = ""
    unit: str = "count"
    owner: str = ""
    lifecycle: str = DRAFT
    category: str = ""
    aarrr_stage: str = ""
    is_north_star: bool = False
    indicator_type: str = ""
    drives: str | None = None
    # Tag names, sorted: metadata people read, outside the definition and its canonical hash.
    tags: tuple[str, ...] = ()

    def name(self, language: str) -> str:
        """The display name in `zh` or `en`, falling back to the other one, then the key."""
        first, second = (
            (self.name_zh, self.name_en)
            if language == "zh"
            else (self.name_en, self.name_zh)
        )
        return first or second or self.key


@dataclass(frozen=True, slots=True, kw_only=True)
class TermSpec:
    key: str
    definition_text: str
    name_zh: str = ""
    name_en: str = ""
    predicate: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ModifierSpec:
    key: str
    name_zh: str = ""
    name_en: str = ""
    modifier_type: str = "other"
    predicate: Mapping[str, Any] | None = None
    term: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PeriodSpec:
    """`kind` is trailing, to_date, calendar or all_time; `n` counts `unit`s where it applies."""

    key: str
    kind: str
    n: int | None = None
    unit: str = ""
    timezone: str = "Asia/Shanghai"
    anchor: str = "last_complete_day"
    name_zh: str = ""
    name_en: str = ""

    @property
    def signature(self) -> tuple[str, int | None, str, str, str]:
        """What the period means, whatever its key: two periods with equal signatures agree."""
        return (self.kind, self.n, self.unit, self.timezone, self.anchor)


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricCatalog:
    """Everything of one plan (draft or published version) that metric definitions refer to."""

    metrics: tuple[MetricSpec, ...] = ()
    terms: tuple[TermSpec, ...] = ()
    modifiers: tuple[ModifierSpec, ...] = ()
    periods: tuple[PeriodSpec, ...] = ()
    _metrics_by_key: dict[str, MetricSpec] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        self._metrics_by_key.update((m.key, m) for m in self.metrics)

    def metric(self, key: object) -> MetricSpec | None:
        return self._metrics_by_key.get(key) if isinstance(key, str) else None

    def term(self, key: object) -> TermSpec | None:
        return next((t for t in self.terms if t.key == key), None)

    def modifier(self, key: object) -> ModifierSpec | None:
        return next((m for m in self.modifiers if m.key == key), None)

    def period(self, key: object) -> PeriodSpec | None:
        return next((p for p in self.periods if p.key == key), None)

    def with_metric(
        self, spec: MetricSpec, *, replacing: str | None = None
    ) -> MetricCatalog:
        """The catalog with `spec` in place of the metric keyed `replacing` (or its own key)."""
        gone = {spec.key, replacing or spec.key}
        kept = tuple(m for m in self.metrics if m.key not in gone)
        return replace(self, metrics=tuple(sorted((*kept, spec), key=lambda m: m.key)))
