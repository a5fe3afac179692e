"""Events (tracking points) and their property attachments, which may narrow a property."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracking import naming
from tracking.constraints import Constraints, narrowing_errors
from tracking.models.groups import PropertyGroup, related_or_none, same_plan_error
from tracking.models.keys import KeyedModel
from tracking.models.members import plans_visible_to, sees_all_plans
from tracking.models.plans import TrackingPlan
from tracking.models.properties import ConstrainedFields, Property
from tracking.models.sources import Source


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    DEPRECATED = "deprecated", _("Deprecated")


class TrackedOn(models.TextChoices):
    CLIENT = "client", _("Client")
    SERVER = "server", _("Server")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def tags_visible_to(user: User | AnonymousUser) -> QuerySet[Tag]:
    """Tags on events or metrics of the plans the user may see, and tags nothing carries yet.

    Tags are one vocabulary shared by every plan, but a tag only other plans carry is theirs.
    """
    if sees_all_plans(user):
        return Tag.objects.all()
    plans = plans_visible_to(user)
    carried = Tag.objects.filter(Q(events__isnull=False) | Q(metrics__isnull=False))
    return Tag.objects.filter(
        Q(pk__in=Tag.objects.filter(events__plan__in=plans).values("pk"))
        | Q(pk__in=Tag.objects.filter(metrics__plan__in=plans).values("pk"))
        | ~Q(pk__in=carried.values("pk"))
    )


def tag_carried_beyond(tag: Tag, user: User | AnonymousUser) -> bool:
    """Whether an event or metric of a plan the user may not see carries the tag.

    Renaming or deleting such a tag would change that plan too.
    """
    if sees_all_plans(user):
        return False
    plans = plans_visible_to(user)
    return (
        tag.events.exclude(plan__in=plans).exists()
        or tag.metrics.exclude(plan__in=plans).exists()
    )


class Event(KeyedModel):
    plan = models.ForeignKey(
        TrackingPlan,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("plan"),
    )
    display_name = models.CharField(
        _("display name"),
        max_length=200,
        blank=True,
        help_text=_("For people, in any language, e.g. 商品浏览."),
    )
    description = models.TextField(_("description"), blank=True)
    trigger = models.TextField(
        _("trigger"),
        blank=True,
        help_text=_(
            "When exactly the event fires, e.g. “when the product detail page has "
            "finished loading”."
        ),
    )
    category = models.CharField(_("category"), max_length=64, blank=True)
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="events", verbose_name=_("tags")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_events",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EventStatus, default=EventStatus.DRAFT
    )
    tracked_on = models.CharField(
        _("tracked on"), max_length=10, choices=TrackedOn, default=TrackedOn.CLIENT
    )
    sources = models.ManyToManyField(
        Source,
        blank=True,
        related_name="expected_events",
        verbose_name=_("expected sources"),
        help_text=_(
            "Where the event is expected; none means every source of the plan."
        ),
    )
    properties = models.ManyToManyField(
        Property,
        through="EventProperty",
        related_name="events",
        verbose_name=_("properties"),
    )
    groups = models.ManyToManyField(
        PropertyGroup,
        blank=True,
        related_name="events",
        verbose_name=_("property groups"),
    )
    deprecated_at = models.DateTimeField(_("deprecated"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["plan", "key"]
        constraints = [
            models.UniqueConstraint(
                "plan",
                "key_folded",
                name="event_key_unique_per_plan",
                violation_error_message=_(
                    "This plan already has an event with this key."
                ),
            ),
        ]
        indexes = [
            # The admin's default list: a plan's events by status.
            models.Index(fields=["plan", "status"], name="event_plan_status"),
        ]

    def __str__(self) -> str:
        return self.key

    def clean(self) -> None:
        if not (self.key and self.plan_id):
            return
        key = self.key.strip()
        messages = []
        if not self.plan.event_key_follows_convention(key):
            suggestion = naming.suggest_key(key, self.plan.event_naming)
            messages.append(
                str(
                    _(
                        "“%(key)s” does not follow the plan's event naming convention (%(conv)s)."
                        " Try “%(suggestion)s”."
                    )
                )
                % {
                    "key": key,
                    "conv": self.plan.get_event_naming_display(),
                    "suggestion": suggestion,
                }
            )
        other = self.colliding_sibling(Event.objects.filter(plan_id=self.plan_id))
        if other is not None:
            messages.append(self.collision_message(other))
        if messages:
            raise ValidationError({"key": messages})


class EventProperty(ConstrainedFields):
    """A property attached to an event: required or optional, optionally narrowed."""

    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("event"),
    )
    property = models.ForeignKey(
        Property,
        on_delete=models.RESTRICT,
        related_name="event_attachments",
        verbose_name=_("property"),
    )
    required = models.BooleanField(_("required"), default=False)
    note = models.CharField(
        _("note for this event"),
        max_length=500,
        blank=True,
        help_text=_(
            "What the property means on this event, if more specific than its description."
        ),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("event property")
        verbose_name_plural = _("event properties")
        ordering = ["event", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                "event",
                "property",
                name="event_property_once",
                violation_error_message=_(
                    "This property is already attached to the event."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.property}"

    def narrowing(self) -> Constraints:
        prop = self.property
        return Constraints(
            type=prop.type, item_type=prop.item_type, **self.constraint_values()
        )

    def clean(self) -> None:
        # TRICKY: read the related objects, not their ids: while an event is being added with
        # its attachments, the event has no primary key yet but is already set on each row.
        event, prop = related_or_none(self, "event"), related_or_none(self, "property")
        if event is None or prop is None:
            return
        error = same_plan_error(prop, event.plan_id)
        if error:
            raise error
        errors = narrowing_errors(prop.constraints(), self.narrowing())
        if errors:
            raise ValidationError(errors)
