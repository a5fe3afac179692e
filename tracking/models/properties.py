"""Properties: typed fields defined once per plan, with constraints and a privacy class."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracking import naming
from tracking.constraints import (
    Constraints,
    ConstraintValues,
    constraint_errors,
    value_errors,
)
from tracking.models.keys import KeyedModel
from tracking.models.plans import TrackingPlan

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class PropertyType(models.TextChoices):
    STRING = "string", _("Text")
    INTEGER = "integer", _("Integer")
    NUMBER = "number", _("Number")
    BOOLEAN = "boolean", _("True/false")
    DATE_TIME = "date-time", _("Date and time")
    ARRAY = "array", _("List")
    OBJECT = "object", _("Object")


class PrivacyClass(models.TextChoices):
    NONE = "none", _("Not personal")
    PERSONAL = "personal", _("Personal (masked when stored or shown)")
    SENSITIVE = "sensitive", _("Sensitive (never stored)")


def _decimal(verbose: StrOrPromise) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(
        verbose, max_digits=38, decimal_places=10, null=True, blank=True
    )


class ConstrainedFields(models.Model):
    """The constraint columns shared by a property and an event's narrowing of it."""

    enum = models.JSONField(
        _("allowed values"),
        default=list,
        blank=True,
        help_text=_('A JSON list, e.g. ["CNY", "USD"]. Empty means any value.'),
    )
    pattern = models.CharField(
        _("pattern"),
        max_length=1000,
        blank=True,
        help_text=_("A regular expression text values must match, e.g. ^SKU-[0-9]+$."),
    )
    minimum = _decimal(_("minimum"))
    maximum = _decimal(_("maximum"))
    min_length = models.PositiveIntegerField(_("minimum length"), null=True, blank=True)
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    min_items = models.PositiveIntegerField(_("minimum items"), null=True, blank=True)
    max_items = models.PositiveIntegerField(_("maximum items"), null=True, blank=True)

    class Meta:
        abstract = True

    def constraint_values(self) -> ConstraintValues:
        return {
            "enum": list(self.enum or []),
            "pattern": self.pattern,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "min_length": self.min_length,
            "max_length": self.max_length,
            "min_items": self.min_items,
            "max_items": self.max_items,
        }


class Property(KeyedModel, ConstrainedFields):
    plan = models.ForeignKey(
        TrackingPlan,
        on_delete=models.CASCADE,
        related_name="properties",
        verbose_name=_("plan"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("nested in"),
        help_text=_("For a field of an object property, or of the objects in a list."),
    )
    display_name = models.CharField(_("display name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    type = models.CharField(_("type"), max_length=20, choices=PropertyType)
    item_type = models.CharField(
        _("item type"),
        max_length=20,
        choices=PropertyType,
        blank=True,
        help_text=_("For lists: the type of each item."),
    )
    privacy_class = models.CharField(
        _("privacy class"),
        max_length=20,
        choices=PrivacyClass,
        default=PrivacyClass.NONE,
    )
    examples = models.JSONField(
        _("example values"),
        default=list,
        blank=True,
        help_text=_(
            "A JSON list of realistic values; each must satisfy the constraints."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("property")
        verbose_name_plural = _("properties")
        ordering = ["plan", "key"]
        constraints = [
            models.UniqueConstraint(
                "plan",
                "key_folded",
                condition=Q(parent__isnull=True),
                name="property_key_unique_per_plan",
                violation_error_message=_(
                    "This plan already has a property with this key."
                ),
            ),
            models.UniqueConstraint(
                "parent",
                "key_folded",
                condition=Q(parent__isnull=False),
                name="nested_property_key_unique_per_parent",
                violation_error_message=_(
                    "This object already has a field with this key."
                ),
            ),
            models.CheckConstraint(
                condition=Q(minimum__isnull=True)
                | Q(maximum__isnull=True)
                | Q(minimum__lte=models.F("maximum")),
                name="property_minimum_not_above_maximum",
            ),
            models.CheckConstraint(
                condition=Q(min_length__isnull=True)
                | Q(max_length__isnull=True)
                | Q(min_length__lte=models.F("max_length")),
                name="property_min_length_not_above_max_length",
            ),
        ]

    def __str__(self) -> str:
        return self.path

    @property
    def path(self) -> str:
        """The dotted key from the top-level property, e.g. `items.sku`."""
        parent = self.parent
        return self.key if parent is None else f"{parent.path}.{self.key}"

    @property
    def is_personal(self) -> bool:
        return self.privacy_class != PrivacyClass.NONE

    def constraints(self) -> Constraints:
        return Constraints(
            type=self.type, item_type=self.item_type, **self.constraint_values()
        )

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.key and self.plan_id:
            self._check_key(errors)
        if self.type:
            for name, messages in constraint_errors(self.constraints()).items():
                errors.setdefault(name, []).extend(messages)
            if not errors and self.examples:
                self._check_examples(errors)
        self._check_parent(errors)
        if errors:
            raise ValidationError(errors)

    def _check_key(self, errors: dict[str, list[str]]) -> None:
        key = self.key.strip()
        if not self.plan.property_key_follows_convention(key):
            suggestion = naming.suggest_key(key, self.plan.property_naming)
            errors.setdefault("key", []).append(
                str(
                    _(
                        "“%(key)s” does not follow the plan's property naming convention (%(conv)s)."
                        " Try “%(suggestion)s”."
                    )
                )
                % {
                    "key": key,
                    "conv": self.plan.get_property_naming_display(),
                    "suggestion": suggestion,
                }
            )
        siblings = (
            Property.objects.filter(parent_id=self.parent_id)
            if self.parent_id
            else Property.objects.filter(plan_id=self.plan_id, parent__isnull=True)
        )
        other = self.colliding_sibling(siblings)
        if other is not None:
            errors.setdefault("key", []).append(self.collision_message(other))

    def _check_examples(self, errors: dict[str, list[str]]) -> None:
        if not isinstance(self.examples, list):
            errors.setdefault("examples", []).append(
                str(_("Give the examples as a JSON list."))
            )
            return
        constraints = self.constraints()
        for example in self.examples:
            for problem in value_errors(example, constraints):
                errors.setdefault("examples", []).append(problem)

    def _check_parent(self, errors: dict[str, list[str]]) -> None:
        parent = self.parent
        if parent is None:
            return
        if parent.plan_id != self.plan_id:
            errors.setdefault("parent", []).append(
                str(_("The parent belongs to another plan."))
            )
        holds_fields = parent.type == PropertyType.OBJECT or (
            parent.type == PropertyType.ARRAY
            and parent.item_type == PropertyType.OBJECT
        )
        if not holds_fields:
            errors.setdefault("parent", []).append(
                str(_("Only objects, or lists of objects, have nested fields."))
            )
        if self.pk and self._is_ancestor_of(parent):
            errors.setdefault("parent", []).append(
                str(_("A property cannot be nested in itself."))
            )

    def _is_ancestor_of(self, other: Property) -> bool:
        node: Property | None = other
        while node is not None:
            if node.pk == self.pk:
                return True
            node = node.parent
        return False
