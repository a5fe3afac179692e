"""The plan's glossary: terms (口径), qualifiers (修饰词) and time periods (时间周期) metrics use."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracking.metrics.filters import filter_shape_problems
from tracking.models.plans import TrackingPlan

snake_case_key = RegexValidator(
    r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*\Z",
    _(
        "Use snake_case: lower-case letters, digits and single underscores, e.g. new_user."
    ),
    code="key_not_snake_case",
)
period_key = RegexValidator(
    r"^[a-z0-9][a-z0-9_]*\Z",
    _("Use lower-case letters, digits and underscores, e.g. 30d or mtd."),
    code="period_key_invalid",
)


def predicate_errors(predicate: object) -> list[str]:
    """The shape problems of a stored filter tree, as messages for the form."""
    if predicate is None:
        return []
    return [p.message for p in filter_shape_problems(predicate, path="predicate")]


class GlossaryTerm(models.Model):
    """A word metrics use ("new user", "active"), defined once for the whole plan."""

    plan = models.ForeignKey(
        TrackingPlan,
        on_delete=models.CASCADE,
        related_name="glossary_terms",
        verbose_name=_("plan"),
    )
    key = models.CharField(_("key"), max_length=64, validators=[snake_case_key])
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    definition_text = models.TextField(
        _("definition (口径)"),
        help_text=_(
            "Exactly what the term means, e.g. “a device whose first app start falls inside "
            "the metric's period”."
        ),
    )
    predicate = models.JSONField(
        _("predicate"),
        null=True,
        blank=True,
        help_text=_(
            'Optional filter tree the term stands for, e.g. {"prop": "first_open_date", '
            '"op": "in_period"}.'
        ),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_glossary_terms",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        ordering = ["plan", "key"]
        constraints = [
            models.UniqueConstraint(
                Lower("key"),
                "plan",
                name="glossary_term_key_unique_per_plan",
                violation_error_message=_(
                    "This plan already has a term with this key."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(definition_text=""),
                name="glossary_term_has_definition",
                violation_error_message=_("Write down what the term means."),
            ),
        ]

    def __str__(self) -> str:
        return self.key

    def clean(self) -> None:
        errors = predicate_errors(self.predicate)
        if errors:
            raise ValidationError({"predicate": errors})


class ModifierType(models.TextChoices):
    USER_SEGMENT = "user_segment", _("User segment")
    CHANNEL = "channel", _("Channel")
    PLATFORM = "platform", _("Platform")
    REGION = "region", _("Region")
    PRODUCT = "product", _("Product")
    BEHAVIOUR = "behaviour", _("Behaviour")
    OTHER = "other", _("Other")


class Modifier(models.Model):
    """A qualifier (修饰词) narrowing a metric, e.g. `organic` = channel in organic, seo."""

    plan = models.ForeignKey(
        TrackingPlan,
        on_delete=models.CASCADE,
        related_name="modifiers",
        verbose_name=_("plan"),
    )
    key = models.CharField(_("key"), max_length=64, validators=[snake_case_key])
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    modifier_type = models.CharField(
        _("qualifier type (修饰类型)"),
        max_length=20,
        choices=ModifierType,
        default=ModifierType.OTHER,
    )
    predicate = models.JSONField(
        _("predicate"),
        null=True,
        blank=True,
        help_text=_(
            'The filter tree, e.g. {"prop": "channel", "op": "in", "value": ["organic", '
            '"seo"]}; may be empty when the qualifier stands for a glossary term.'
        ),
    )
    term = models.ForeignKey(
        GlossaryTerm,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="modifiers",
        verbose_name=_("glossary term"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("qualifier")
        verbose_name_plural = _("qualifiers")
        ordering = ["plan", "key"]
        constraints = [
            models.UniqueConstraint(
                Lower("key"),
                "plan",
                name="modifier_key_unique_per_plan",
                violation_error_message=_(
                    "This plan already has a qualifier with this key."
                ),
            ),
            models.CheckConstraint(
                condition=Q(predicate__isnull=False) | Q(term__isnull=False),
                name="modifier_has_predicate_or_term",
                violation_error_message=_(
                    "Give the qualifier a filter, or point it at a glossary term."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.key

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.predicate is None and self.term_id is None:
            errors["predicate"] = [
                str(_("Give the qualifier a filter, or point it at a glossary term."))
            ]
        elif problems := predicate_errors(self.predicate):
            errors["predicate"] = problems
        term = self.term if self.term_id else None
        if term is not None and self.plan_id and term.plan_id != self.plan_id:
            errors["term"] = [str(_("This term belongs to another plan."))]
        if errors:
            raise ValidationError(errors)


class PeriodKind(models.TextChoices):
    TRAILING = "trailing", _("Trailing (the last N days, weeks…)")
    TO_DATE = "to_date", _("To date (this week, month or year so far)")
    CALENDAR = "calendar", _("Calendar (the last N complete weeks, months…)")
    ALL_TIME = "all_time", _("All time")


class PeriodUnit(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class PeriodAnchor(models.TextChoices):
    LAST_COMPLETE_DAY = "last_complete_day", _("End of the last complete day")
    NOW = "now", _("Now (today so far included)")


class TimePeriod(models.Model):
    """A time period (时间周期) a derived metric is computed over, e.g. 30d or mtd."""

    plan = models.ForeignKey(
        TrackingPlan,
        on_delete=models.CASCADE,
        related_name="time_periods",
        verbose_name=_("plan"),
    )
    key = models.CharField(_("key"), max_length=32, validators=[period_key])
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PeriodKind)
    n = models.PositiveIntegerField(
        _("length"),
        null=True,
        blank=True,
        help_text=_("How many units, for trailing and calendar periods (30 for 30d)."),
    )
    unit = models.CharField(_("unit"), max_length=10, choices=PeriodUnit, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    anchor = models.CharField(
        _("ends at"),
        max_length=20,
        choices=PeriodAnchor,
        default=PeriodAnchor.LAST_COMPLETE_DAY,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("time period")
        verbose_name_plural = _("time periods")
        ordering = ["plan", "key"]
        constraints = [
            models.UniqueConstraint(
                Lower("key"),
                "plan",
                name="time_period_key_unique_per_plan",
                violation_error_message=_(
                    "This plan already has a time period with this key."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["trailing", "calendar"], n__isnull=False, n__gte=1)
                    & ~Q(unit="")
                )
                | (Q(kind="to_date", n__isnull=True) & ~Q(unit__in=["", "day"]))
                | Q(kind="all_time", n__isnull=True, unit=""),
                name="time_period_length_fits_kind",
                violation_error_message=_(
                    "Trailing and calendar periods need a length and a unit; to-date periods "
                    "a unit longer than a day and no length; all-time neither."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.key

    def clean(self) -> None:
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError(
                {"timezone": _("Unknown time zone; use a name such as Asia/Shanghai.")}
            ) from None
