"""Business metrics (atomic, derived, composite, cumulative, conversion) and their dependencies."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Lower
from django.db.models.lookups import GreaterThanOrEqual
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracking.metrics.definitions import METRIC_KEY_PATTERN, MIN_CALIBER, shape_findings
from tracking.models.events import Event, Tag
from tracking.models.plans import TrackingPlan
from tracking.models.properties import Property

_KEY = re.compile(METRIC_KEY_PATTERN.removesuffix("$") + r"\Z")


class MetricKind(models.TextChoices):
    ATOMIC = "atomic", _("Atomic (原子指标): one aggregation over one event")
    DERIVED = "derived", _("Derived (派生指标): atomic + period + qualifiers")
    COMPOSITE = "composite", _("Composite (复合指标): arithmetic over metrics")
    CUMULATIVE = "cumulative", _("Cumulative (累计): running or to-date total")
    CONVERSION = (
        "conversion",
        _("Conversion (转化): from one step to another in a window"),
    )


class MetricUnit(models.TextChoices):
    COUNT = "count", _("Count")
    USERS = "users", _("Users")
    CNY = "CNY", _("Yuan (CNY)")
    RATIO = "ratio", _("Ratio")
    PERCENT = "percent", _("Percent")
    SECONDS = "seconds", _("Seconds")


class MetricFormat(models.TextChoices):
    INTEGER = "integer", _("1,234")
    DECIMAL = "decimal", _("1,234.56")
    PERCENT = "percent", _("12.3%")
    CURRENCY = "currency", _("¥1,234.56")
    DURATION = "duration", _("1h 02m")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class MetricCategory(models.TextChoices):
    TRAFFIC = "traffic", _("Traffic")
    CONVERSION = "conversion", _("Conversion")
    BUSINESS = "business", _("Business")


class AarrrStage(models.TextChoices):
    ACQUISITION = "acquisition", _("Acquisition")
    ACTIVATION = "activation", _("Activation")
    RETENTION = "retention", _("Retention")
    REVENUE = "revenue", _("Revenue")
    REFERRAL = "referral", _("Referral")


class IndicatorType(models.TextChoices):
    LEADING = "leading", _("Leading")
    LAGGING = "lagging", _("Lagging")


class MetricLifecycle(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("Offline")
    DEPRECATED = "deprecated", _("Deprecated")


class Certification(models.TextChoices):
    NONE = "none", _("Not reviewed")
    REVIEWED = "reviewed", _("Reviewed")
    CERTIFIED = "certified", _("Certified")


def _person(related_name: str, verbose: Any) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose,
    )


class Metric(models.Model):
    """A business metric with its exact definition; save it with `save_metric`."""

    plan = models.ForeignKey(
        TrackingPlan,
        on_delete=models.CASCADE,
        related_name="metrics",
        verbose_name=_("plan"),
    )
    key = models.CharField(
        _("key"),
        max_length=128,
        help_text=_("snake_case, e.g. app_open_cnt or app_open_cnt__new_user__30d."),
    )
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=MetricKind)
    definition = models.JSONField(_("definition"), default=dict)
    caliber = models.TextField(
        _("caliber (口径)"),
        help_text=_(
            "Exactly what is counted, when and for whom, in at least 20 characters."
        ),
    )
    unit = models.CharField(
        _("unit"), max_length=10, choices=MetricUnit, default=MetricUnit.COUNT
    )
    format = models.CharField(
        _("format"), max_length=10, choices=MetricFormat, default=MetricFormat.INTEGER
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction, default=Direction.HIGHER
    )
    owner = _person("owned_metrics", _("owner"))
    steward = _person("stewarded_metrics", _("data steward"))
    data_domain = models.CharField(
        _("data domain (数据域)"), max_length=100, blank=True
    )
    business_process = models.CharField(
        _("business process (业务过程)"), max_length=100, blank=True
    )
    category = models.CharField(_("category"), max_length=20, choices=MetricCategory)
    aarrr_stage = models.CharField(
        _("AARRR stage"), max_length=20, choices=AarrrStage, blank=True
    )
    is_north_star = models.BooleanField(_("north-star metric"), default=False)
    indicator_type = models.CharField(
        _("leading or lagging"), max_length=10, choices=IndicatorType, blank=True
    )
    drives = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="driven_by",
        verbose_name=_("drives"),
        help_text=_("For a leading indicator: the lagging metric it predicts."),
    )
    lifecycle = models.CharField(
        _("lifecycle"),
        max_length=20,
        choices=MetricLifecycle,
        default=MetricLifecycle.DRAFT,
    )
    certification = models.CharField(
        _("certification"),
        max_length=20,
        choices=Certification,
        default=Certification.NONE,
    )
    certified_by = _person("certified_metrics", _("certified by"))
    certified_at = models.DateTimeField(_("certified at"), null=True, blank=True)
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="metrics", verbose_name=_("tags")
    )
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)
    canonical_hash = models.CharField(max_length=64, editable=False, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        ordering = ["plan", "key"]
        constraints = [
            models.UniqueConstraint(
                Lower("key"),
                "plan",
                name="metric_key_unique_per_plan",
                violation_error_message=_(
                    "This plan already has a metric with this key."
                ),
            ),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("caliber"), MIN_CALIBER),
                name="metric_caliber_written",
                violation_error_message=_(
                    "Write the caliber (口径) in at least 20 characters."
                ),
            ),
            models.CheckConstraint(
                condition=Q(certification="none") | Q(certified_at__isnull=False),
                name="metric_certification_dated",
                violation_error_message=_("A reviewed or certified metric says when."),
            ),
            models.CheckConstraint(
                condition=Q(drives__isnull=True) | Q(indicator_type="leading"),
                name="metric_only_leading_drives",
                violation_error_message=_(
                    "Only a leading indicator drives another metric."
                ),
            ),
        ]
        indexes = [
            # Duplicate detection: the plan's metrics with the same canonical hash.
            models.Index(fields=["plan", "canonical_hash"], name="metric_plan_hash"),
            # The admin's default list: a plan's metrics by lifecycle and kind.
            models.Index(
                fields=["plan", "lifecycle", "kind"], name="metric_plan_lifecycle"
            ),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def is_online(self) -> bool:
        return self.lifecycle == MetricLifecycle.ONLINE

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.key and not _KEY.fullmatch(self.key):
            errors["key"] = [
                str(_("Use snake_case, e.g. app_open_cnt or pay_amount__30d."))
            ]
        if len((self.caliber or "").strip()) < MIN_CALIBER:
            msg = _("Write the caliber (口径) in at least 20 characters.")
            errors["caliber"] = [str(msg)]
        if self.kind:
            for finding in shape_findings(self.kind, self.definition):
                field = "kind" if finding.path == "kind" else "definition"
                errors.setdefault(field, []).append(
                    f"{finding.path}: {finding.message}"
                )
        self._check_drives(errors)
        if errors:
            raise ValidationError(errors)

    def _check_drives(self, errors: dict[str, list[str]]) -> None:
        if not self.drives_id:
            return
        if self.indicator_type != IndicatorType.LEADING:
            errors["drives"] = [
                str(_("Only a leading indicator drives another metric."))
            ]
        elif self.drives_id == self.pk or _plan_of(self.drives) != self.plan_id:
            errors["drives"] = [str(_("Choose another metric of the same plan."))]


class DependencyTarget(models.TextChoices):
    METRIC = "metric", _("Metric")
    EVENT = "event", _("Event")
    PROPERTY = "property", _("Property")
    TERM = "term", _("Glossary term")
    MODIFIER = "modifier", _("Qualifier")
    PERIOD = "period", _("Time period")


class DependencyRole(models.TextChoices):
    BASE = "base", _("Base")
    INPUT = "input", _("Input")
    CONVERSION = "conversion", _("Conversion step")
    MEASURE = "measure", _("Measure")
    DISTINCT_ON = "distinct_on", _("Counted distinct")
    FILTER = "filter", _("Filter")
    DIMENSION = "dimension", _("Dimension")
    ENTITY = "entity", _("Entity")
    CONSTANT_PROPERTY = "constant_property", _("Constant property")
    PERIOD = "period", _("Period")


class MetricDependency(models.Model):
    """One thing a metric's definition names directly; rewritten by `recompute_dependencies`."""

    metric = models.ForeignKey(
        Metric,
        on_delete=models.CASCADE,
        related_name="dependencies",
        verbose_name=_("metric"),
    )
    target_type = models.CharField(
        _("depends on a"), max_length=20, choices=DependencyTarget
    )
    target_key = models.CharField(_("key"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=DependencyRole)

    class Meta:
        verbose_name = _("metric dependency")
        verbose_name_plural = _("metric dependencies")
        ordering = ["metric", "target_type", "target_key", "role"]
        constraints = [
            models.UniqueConstraint(
                "metric",
                "target_type",
                "target_key",
                "role",
                name="metric_dependency_once",
            ),
        ]
        indexes = [
            # "Which metrics use this event / property / metric?" (reverse lineage, at risk).
            models.Index(
                fields=["target_type", "target_key"], name="metric_dependency_target"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} → {self.target_type}:{self.target_key} ({self.role})"


@receiver(
    pre_delete, sender=Event, dispatch_uid="refuse_deleting_event_used_by_metrics"
)
@receiver(
    pre_delete, sender=Property, dispatch_uid="refuse_deleting_property_used_by_metrics"
)
@receiver(
    pre_delete, sender=Metric, dispatch_uid="refuse_deleting_metric_used_by_metrics"
)
def _refuse_deleting_what_online_metrics_use(
    sender: type[models.Model],
    instance: Event | Property | Metric,
    origin: object = None,
    **kwargs: Any,
) -> None:
    """An event, property or metric online metrics use cannot be deleted (a whole plan can)."""
    # TRICKY: imported here because the guard loads these very models.
    from tracking.metrics.guard import refuse_removal

    if (
        isinstance(origin, TrackingPlan)
        or getattr(origin, "model", None) is TrackingPlan
    ):
        return
    refuse_removal(instance)


def _plan_of(metric: Metric | None) -> int | None:
    return None if metric is None else metric.plan_id
