"""The tracking plan: one product's registry, with its naming and additional-properties policy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracking import naming
from tracking.patterns import UnsafePatternError, check_pattern

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class NamingConvention(models.TextChoices):
    SNAKE_CASE = naming.SNAKE_CASE, _("snake_case (product_viewed)")
    CAMEL_CASE = naming.CAMEL_CASE, _("camelCase (productViewed)")
    OBJECT_ACTION = naming.OBJECT_ACTION, _("Object Action title case (Product Viewed)")
    CUSTOM = naming.CUSTOM, _("Custom regular expression")


class AdditionalProperties(models.TextChoices):
    ALLOW = "allow", _("Allow properties the plan does not list")
    FORBID = "forbid", _("Forbid properties the plan does not list")


class TrackingPlan(models.Model):
    key = models.SlugField(
        _("key"),
        max_length=64,
        unique=True,
        help_text=_("Short name used in URLs and commands, e.g. shop-app."),
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_plans",
        verbose_name=_("owner"),
    )
    event_naming = models.CharField(
        _("event naming convention"),
        max_length=20,
        choices=NamingConvention,
        default=NamingConvention.OBJECT_ACTION,
    )
    event_naming_regex = models.CharField(
        _("event naming regex"),
        max_length=500,
        blank=True,
        help_text=_(
            "Only for a custom convention: a regular expression every event key must match."
        ),
    )
    property_naming = models.CharField(
        _("property naming convention"),
        max_length=20,
        choices=NamingConvention,
        default=NamingConvention.SNAKE_CASE,
    )
    property_naming_regex = models.CharField(
        _("property naming regex"),
        max_length=500,
        blank=True,
        help_text=_(
            "Only for a custom convention: a regular expression every property key must match."
        ),
    )
    additional_properties = models.CharField(
        _("unlisted properties"),
        max_length=10,
        choices=AdditionalProperties,
        default=AdditionalProperties.ALLOW,
        help_text=_("Whether live events may carry properties the plan does not list."),
    )
    requires_approval = models.BooleanField(
        _("requires approval"),
        default=False,
        help_text=_(
            "Publishing needs a change request approved by someone other than its author."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tracking plan")
        verbose_name_plural = _("tracking plans")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        for convention, field in (
            ("event_naming", "event_naming_regex"),
            ("property_naming", "property_naming_regex"),
        ):
            regex = getattr(self, field)
            if getattr(self, convention) == NamingConvention.CUSTOM and not regex:
                errors[field] = _("A custom convention needs a regular expression.")
            elif regex:
                try:
                    check_pattern(regex)
                except UnsafePatternError as exc:
                    errors[field] = str(exc)
        if errors:
            raise ValidationError(errors)

    def event_key_follows_convention(self, key: str) -> bool:
        return naming.follows_convention(
            key, self.event_naming, self.event_naming_regex
        )

    def property_key_follows_convention(self, key: str) -> bool:
        return naming.follows_convention(
            key, self.property_naming, self.property_naming_regex
        )
