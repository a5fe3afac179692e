"""Metrics with their definition, explanation, findings and dependencies; lineage answers."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracking.api.serializers.events import TagNamesField
from tracking.api.serializers.known_keys import KnownKeysMixin
from tracking.api.serializers.plans import owner_field, username_field
from tracking.api.serializers.validation import (
    AnyField,
    ModelCleanSerializer,
    offer_rows,
)
from tracking.metrics.catalog import MetricCatalog, MetricSpec
from tracking.metrics.explain import Explanation, explain_metric
from tracking.metrics.findings import MetricFinding
from tracking.metrics.load import load_catalog, metric_spec
from tracking.metrics.semantics import check_metric
from tracking.models import (
    Certification,
    Metric,
    MetricDependency,
    MetricKind,
    MetricLifecycle,
    TrackingPlan,
)
from tracking.snapshot import PlanSnapshot, take_snapshot

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class DraftCatalog:
    """A plan's metrics, glossary and working draft, loaded on first use, once per answer.

    TRICKY: loaded lazily so a write answers with the catalog as it stands after the save.
    """

    def __init__(self, plan: TrackingPlan) -> None:
        self.plan = plan

    @cached_property
    def catalog(self) -> MetricCatalog:
        return load_catalog(self.plan)

    @cached_property
    def snapshot(self) -> PlanSnapshot:
        return take_snapshot(self.plan)

    def spec(self, metric: Metric) -> MetricSpec:
        return self.catalog.metric(metric.key) or metric_spec(metric)

    def explanation(self, metric: Metric) -> Explanation:
        spec = self.spec(metric)
        catalog = self.catalog.with_metric(spec)
        return explain_metric(spec, catalog=catalog, snapshot=self.snapshot)

    def findings(self, metric: Metric) -> list[MetricFinding]:
        return check_metric(
            self.spec(metric), snapshot=self.snapshot, catalog=self.catalog
        )


class ExplanationSerializer(serializers.Serializer[dict[str, Any]]):
    en = serializers.CharField(help_text="The metric in English words.")
    zh = serializers.CharField(help_text="The metric in Chinese words.")


class MetricFindingSerializer(serializers.Serializer[dict[str, Any]]):
    severity = serializers.CharField(help_text="error, warning or info.")
    code = serializers.CharField(help_text="Stable snake_case code of the rule.")
    subject = serializers.CharField(help_text="Key of the metric the finding is about.")
    path = serializers.CharField(
        help_text="The part it points at, e.g. definition.inputs[1].metric."
    )
    message = serializers.CharField(help_text="What is wrong, for a PM.")


class DependencySerializer(serializers.ModelSerializer[MetricDependency]):
    class Meta:
        model = MetricDependency
        fields = ["target_type", "target_key", "role"]
        extra_kwargs = {
            "target_type": {"help_text": "What the metric names: metric, event, …"},
            "target_key": {"help_text": "Its key (a dotted path for nested fields)."},
            "role": {"help_text": "What the definition uses it for, e.g. measure."},
        }


@extend_schema_field(OpenApiTypes.OBJECT)
class DefinitionField(serializers.JSONField):
    """The definition JSON; its shape depends on the kind (see the design's examples)."""


def _person(what: str) -> serializers.SlugRelatedField[User]:
    return serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        allow_null=True,
        required=False,
        help_text=f"Username of the {what}.",
    )


class MetricSerializer(ModelCleanSerializer[Metric]):
    definition = DefinitionField(
        help_text=(
            'What is computed, one shape per kind, e.g. {"event": "App Opened", "agg": '
            '"count"} for an atomic metric.'
        )
    )
    kind = serializers.ChoiceField(
        choices=MetricKind.choices,
        help_text="atomic, derived, composite, cumulative or conversion.",
    )
    owner = owner_field("metric")
    steward = _person("data steward")
    drives = serializers.SlugRelatedField(
        slug_field="key",
        queryset=Metric.objects.none(),
        allow_null=True,
        required=False,
        help_text="For a leading indicator: key of the lagging metric it predicts.",
    )
    certified_by = username_field("Who reviewed or certified the metric.")
    tags = TagNamesField(required=False, help_text="Tag names, e.g. growth.")
    dependencies = DependencySerializer(
        many=True,
        read_only=True,
        help_text="What the definition names directly; rewritten on every save.",
    )
    explanation = serializers.SerializerMethodField(
        help_text="The metric in plain words, in English and Chinese."
    )
    findings = serializers.SerializerMethodField(
        help_text=(
            "What the checks find in the metric as the plan stands: warnings for a saved "
            "metric, or errors when the plan changed under it."
        )
    )

    class Meta:
        model = Metric
        fields = [
            "id",
            "key",
            "name_zh",
            "name_en",
            "kind",
            "definition",
            "caliber",
            "unit",
            "format",
            "direction",
            "owner",
            "steward",
            "data_domain",
            "business_process",
            "category",
            "aarrr_stage",
            "is_north_star",
            "indicator_type",
            "drives",
            "lifecycle",
            "certification",
            "certified_by",
            "certified_at",
            "tags",
            "revision",
            "canonical_hash",
            "dependencies",
            "explanation",
            "findings",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "lifecycle",
            "certification",
            "certified_at",
            "revision",
            "canonical_hash",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "id": {"help_text": "The metric's id."},
            "key": {
                "help_text": "snake_case, unique per plan, e.g. app_open_cnt__new_user__30d."
            },
            "name_zh": {"help_text": "Chinese name, e.g. 近30天_新用户_APP启动次数."},
            "name_en": {"help_text": "English name, e.g. App opens by new users, 30d."},
            "caliber": {
                "help_text": "The caliber (口径): exactly what is counted, when and for whom."
            },
            "unit": {"help_text": "What one of the metric's values counts."},
            "format": {"help_text": "How values are shown."},
            "direction": {"help_text": "Whether higher or lower is better."},
            "data_domain": {"help_text": "Data domain (数据域), e.g. trade."},
            "business_process": {
                "help_text": "Business process (业务过程), e.g. payment."
            },
            "category": {"help_text": "Traffic, conversion or business."},
            "aarrr_stage": {"help_text": "The AARRR stage the metric measures."},
            "is_north_star": {"help_text": "Whether this is the plan's north star."},
            "indicator_type": {"help_text": "Leading or lagging indicator."},
            "lifecycle": {
                "help_text": "draft, online, offline or deprecated; change it with the "
                "lifecycle action."
            },
            "certification": {"help_text": "Not reviewed, reviewed or certified."},
            "certified_at": {"help_text": "When it was reviewed or certified."},
            "revision": {
                "help_text": "Goes up each time the definition changes its meaning."
            },
            "canonical_hash": {
                "help_text": "Hash of the normalised definition; equal hashes, same metric."
            },
            "created_at": {"help_text": "When the metric was added."},
            "updated_at": {"help_text": "When the metric last changed."},
        }
        validators: list[object] = []

    def get_fields(self) -> dict[str, AnyField]:
        fields = super().get_fields()
        plan = self.context.get("plan")
        if plan is not None:
            offer_rows(fields["drives"], Metric.objects.filter(plan=plan))
        return fields

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            return super().validate(attrs)
        except serializers.ValidationError as exc:
            if not isinstance(exc.detail, dict):
                raise
            # TRICKY: `save_metric` checks the definition in full and names each problem's
            # path; the row's own shape check would say the same less precisely.
            rest: dict[str, Any] = {
                str(f): m for f, m in exc.detail.items() if f != "definition"
            }
            if rest:
                raise serializers.ValidationError(rest) from exc
            return attrs

    @extend_schema_field(ExplanationSerializer)
    def get_explanation(self, metric: Metric) -> dict[str, str] | None:
        words: DraftCatalog | None = self.context.get("catalog")
        if words is None:
            return None
        explanation = words.explanation(metric)
        return {"en": explanation.en, "zh": explanation.zh}

    @extend_schema_field(MetricFindingSerializer(many=True))
    def get_findings(self, metric: Metric) -> list[dict[str, str]]:
        words: DraftCatalog | None = self.context.get("catalog")
        if words is None:
            return []
        return [f.as_dict() for f in words.findings(metric)]


class LifecycleInput(TypedDict):
    """What `LifecycleSerializer` validates."""

    lifecycle: str
    cascade: bool


class LifecycleSerializer(KnownKeysMixin, serializers.Serializer[dict[str, Any]]):
    lifecycle = serializers.ChoiceField(
        choices=MetricLifecycle.choices,
        help_text="The lifecycle to move the metric to.",
    )
    cascade = serializers.BooleanField(
        default=False,
        help_text=(
            "Taking the metric out of online: take the online metrics using it along. "
            "Without it, such a move is refused (409) with their list."
        ),
    )


class CertificationInput(TypedDict):
    """What `CertificationSerializer` validates."""

    level: str


class CertificationSerializer(KnownKeysMixin, serializers.Serializer[dict[str, Any]]):
    """The certification to record."""

    level = serializers.ChoiceField(
        choices=Certification.choices,
        help_text=(
            "none (withdraw), reviewed or certified; the caller is recorded as the "
            "reviewer, with the time. A deprecated metric can only be set to none (409)."
        ),
    )


class LifecycleResultSerializer(serializers.Serializer[dict[str, Any]]):
    moved = serializers.ListField(
        child=serializers.CharField(),
        help_text="Keys of every metric that moved, this one included.",
    )
    metric = MetricSerializer(help_text="The metric as it stands now.")


class LineageSerializer(serializers.Serializer[dict[str, Any]]):
    metrics = serializers.ListField(
        child=serializers.CharField(),
        help_text="Metrics it is built on, directly or through others.",
    )
    events = serializers.ListField(
        child=serializers.CharField(), help_text="Events it rests on, transitively."
    )
    properties = serializers.ListField(
        child=serializers.CharField(),
        help_text="Properties it rests on, transitively; dotted paths for nested fields.",
    )
    terms = serializers.ListField(
        child=serializers.CharField(), help_text="Glossary terms it uses."
    )
    modifiers = serializers.ListField(
        child=serializers.CharField(), help_text="Qualifiers it uses."
    )
    periods = serializers.ListField(
        child=serializers.CharField(), help_text="Time periods it uses."
    )
    used_by = serializers.ListField(
        child=serializers.CharField(),
        help_text="Metrics built on this one, directly or through others.",
    )


class MetricSummarySerializer(serializers.ModelSerializer[Metric]):
    kind = serializers.ChoiceField(
        choices=MetricKind.choices, help_text="The metric's kind."
    )

    class Meta:
        model = Metric
        fields = ["id", "key", "name_zh", "name_en", "kind", "lifecycle"]
        extra_kwargs = {
            "id": {"help_text": "The metric's id."},
            "key": {"help_text": "The metric's key."},
            "name_zh": {"help_text": "Chinese name."},
            "name_en": {"help_text": "English name."},
            "lifecycle": {"help_text": "draft, online, offline or deprecated."},
        }
