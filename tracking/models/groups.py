"""Property groups (bundles attached to many events) and the plan's common properties."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracking.models.keys import KeyedModel
from tracking.models.plans import TrackingPlan
from tracking.models.properties import Property


def same_plan_error(
    prop: Property | None, plan_id: int | None
) -> ValidationError | None:
    """A form error when a property is attached across plans or below the top level."""
    if prop is None or plan_id is None:
        return None
    if prop.plan_id != plan_id:
        return ValidationError(
            {"property": _("This property belongs to another plan.")}
        )
    if prop.parent_id:
        return ValidationError(
            {
                "property": _(
                    "Attach the top-level property; nested fields come with it."
                )
            }
        )
    return None


def related_or_none(row: models.Model, name: str) -> Any:
    """The row's related object for a foreign key, or None when it is not set yet."""
    try:
        return getattr(row, name)
    except ObjectDoesNotExist:
        return None


class PropertyGroup(KeyedModel):
    plan = models.ForeignKey(
        TrackingPlan,
        on_delete=models.CASCADE,
        related_name="groups",
        verbose_name=_("plan"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    properties = models.ManyToManyField(
        Property,
        through="GroupProperty",
        related_name="groups",
        verbose_name=_("properties"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("property group")
        verbose_name_plural = _("property groups")
        ordering = ["plan", "key"]
        constraints = [
            models.UniqueConstraint(
                "plan",
                "key_folded",
                name="group_key_unique_per_plan",
                violation_error_message=_(
                    "This plan already has a group with this key."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.key

    def clean(self) -> None:
        if self.key and self.plan_id:
            other = self.colliding_sibling(
                PropertyGroup.objects.filter(plan_id=self.plan_id)
            )
            if other is not None:
                raise ValidationError({"key": self.collision_message(other)})


class GroupProperty(models.Model):
    group = models.ForeignKey(
        PropertyGroup,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("group"),
    )
    property = models.ForeignKey(
        Property,
        on_delete=models.RESTRICT,
        related_name="group_memberships",
        verbose_name=_("property"),
    )
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("group property")
        verbose_name_plural = _("group properties")
        ordering = ["group", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                "group",
                "property",
                name="group_property_once",
                violation_error_message=_("This property is already in the group."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.property}"

    def clean(self) -> None:
        group, prop = related_or_none(self, "group"), related_or_none(self, "property")
        if group is not None and prop is not None:
            error = same_plan_error(prop, group.plan_id)
            if error:
                raise error


class CommonProperty(models.Model):
    """A property every event of the plan carries (user id, device id, app version …)."""

    plan = models.ForeignKey(
        TrackingPlan,
        on_delete=models.CASCADE,
        related_name="common_properties",
        verbose_name=_("plan"),
    )
    property = models.ForeignKey(
        Property,
        on_delete=models.RESTRICT,
        related_name="common_in",
        verbose_name=_("property"),
    )
    required = models.BooleanField(_("required"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("common property")
        verbose_name_plural = _("common properties")
        ordering = ["plan", "property__key"]
        constraints = [
            models.UniqueConstraint(
                "plan",
                "property",
                name="common_property_once",
                violation_error_message=_(
                    "This property is already common to the plan."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(self.property)

    def clean(self) -> None:
        if self.property_id:
            error = same_plan_error(self.property, self.plan_id)
            if error:
                raise error
