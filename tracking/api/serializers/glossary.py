"""The glossary metrics use: terms (口径), qualifiers (修饰词) and time periods (时间周期)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracking.api.serializers.plans import owner_field
from tracking.api.serializers.validation import (
    AnyField,
    ModelCleanSerializer,
    offer_rows,
)
from tracking.metrics.findings import MetricFinding
from tracking.models import GlossaryTerm, Modifier, PeriodKind, TimePeriod

_TIMES = {
    "created_at": {"help_text": "When it was added."},
    "updated_at": {"help_text": "When it last changed."},
}
_NAMES = {
    "name_zh": {"help_text": "Chinese name, e.g. 新用户."},
    "name_en": {"help_text": "English name, e.g. New users."},
}


@extend_schema_field(OpenApiTypes.OBJECT)
class FilterTreeField(serializers.JSONField):
    """A filter tree: `{"all": […]}`, `{"any": […]}`, `{"not": …}`, or a leaf."""


class GlossaryTermSerializer(ModelCleanSerializer[GlossaryTerm]):
    owner = owner_field("term")
    predicate = FilterTreeField(
        allow_null=True,
        required=False,
        help_text=(
            'Optional filter tree the term stands for, e.g. {"prop": "first_open_date", '
            '"op": "in_period"}.'
        ),
    )

    class Meta:
        model = GlossaryTerm
        fields = [
            "id",
            "key",
            "name_zh",
            "name_en",
            "definition_text",
            "predicate",
            "owner",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "id": {"help_text": "The term's id."},
            "key": {"help_text": "snake_case, unique per plan, e.g. new_user."},
            "definition_text": {
                "help_text": "Exactly what the term means (口径), in words a PM agrees on."
            },
            **_NAMES,
            **_TIMES,
        }
        validators: list[object] = []


class ModifierSerializer(ModelCleanSerializer[Modifier]):
    term = serializers.SlugRelatedField(
        slug_field="key",
        queryset=GlossaryTerm.objects.none(),
        allow_null=True,
        required=False,
        help_text="Key of the glossary term the qualifier stands for, if any.",
    )
    predicate = FilterTreeField(
        allow_null=True,
        required=False,
        help_text=(
            'The filter tree, e.g. {"prop": "channel", "op": "in", "value": ["organic", '
            '"seo"]}; may be null when the qualifier stands for a glossary term.'
        ),
    )

    class Meta:
        model = Modifier
        fields = [
            "id",
            "key",
            "name_zh",
            "name_en",
            "modifier_type",
            "predicate",
            "term",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "id": {"help_text": "The qualifier's id."},
            "key": {"help_text": "snake_case, unique per plan, e.g. organic."},
            "modifier_type": {
                "help_text": "What the qualifier narrows by (修饰类型), e.g. channel."
            },
            **_NAMES,
            **_TIMES,
        }
        validators: list[object] = []

    def get_fields(self) -> dict[str, AnyField]:
        fields = super().get_fields()
        plan = self.context.get("plan")
        if plan is not None:
            offer_rows(fields["term"], GlossaryTerm.objects.filter(plan=plan))
        return fields


class TimePeriodSerializer(ModelCleanSerializer[TimePeriod]):
    kind = serializers.ChoiceField(
        choices=PeriodKind.choices, help_text="trailing, to_date, calendar or all_time."
    )

    class Meta:
        model = TimePeriod
        fields = [
            "id",
            "key",
            "name_zh",
            "name_en",
            "kind",
            "n",
            "unit",
            "timezone",
            "anchor",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {
            "id": {"help_text": "The period's id."},
            "key": {"help_text": "Short key metrics name it by, e.g. 30d or mtd."},
            "name_zh": {"help_text": "Chinese name, e.g. 近30天."},
            "name_en": {"help_text": "English name, e.g. Last 30 days."},
            "n": {
                "help_text": "How many units, for trailing and calendar periods (30 for 30d)."
            },
            "unit": {
                "help_text": "Day, week, month, quarter or year; empty for all time."
            },
            "timezone": {"help_text": "Where days begin, e.g. Asia/Shanghai."},
            "anchor": {"help_text": "Where the period ends."},
            **_TIMES,
        }
        validators: list[object] = []


def finding_errors(findings: list[MetricFinding]) -> dict[str, list[str]]:
    """Error findings as field → messages, each message led by the path it points at."""
    errors: dict[str, list[str]] = {}
    for finding in findings:
        if finding.is_error:
            field = finding.path.split(".", 1)[0].split("[", 1)[0] or "non_field_errors"
            errors.setdefault(field, []).append(f"{finding.path}: {finding.message}")
    return errors
