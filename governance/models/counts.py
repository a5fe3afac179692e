"""What accumulates from live samples: counts per window, violations, observed types, last seen.

Every counter here is changed only by the pipeline's upserts (`governance.pipeline.store`, and
`type_rollup` for observed types), which add to counters in the database; nothing reads a
counter, adds and saves it back. Pending observed types are only appended and deleted.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MessageType(models.TextChoices):
    TRACK = "track", _("track")
    PAGE = "page", _("page")
    SCREEN = "screen", _("screen")
    IDENTIFY = "identify", _("identify")
    GROUP = "group", pgettext_lazy("Segment message type", "group")
    ALIAS = "alias", _("alias")


def _plan() -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        "tracking.TrackingPlan",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("plan"),
    )


def _source() -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        "tracking.Source",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("source"),
    )


def _message_type() -> models.CharField:  # type: ignore[type-arg]
    return models.CharField(_("type"), max_length=16, choices=MessageType)


def _event_name() -> models.CharField:  # type: ignore[type-arg]
    # The track call's event, or the page or screen name; empty for identify, group and alias.
    return models.CharField(_("event"), max_length=200, blank=True)


def _app_version() -> models.CharField:  # type: ignore[type-arg]
    # context.app.version as sent, or empty.
    return models.CharField(_("app version"), max_length=64, blank=True)


class WindowCount(models.Model):
    """Samples of one event from one source and app version in one 5-minute window."""

    plan = _plan()
    source = _source()
    message_type = _message_type()
    event_name = _event_name()
    app_version = _app_version()
    window_start = models.DateTimeField(_("window"))
    is_planned = models.BooleanField(_("planned"))
    received = models.PositiveBigIntegerField(_("received"), default=0)
    valid = models.PositiveBigIntegerField(_("valid"), default=0)
    invalid = models.PositiveBigIntegerField(_("invalid"), default=0)
    personal = models.PositiveBigIntegerField(_("with personal data"), default=0)

    class Meta:
        verbose_name = _("window count")
        verbose_name_plural = _("window counts")
        constraints = [
            # The counting upsert's conflict target.
            models.UniqueConstraint(
                fields=[
                    "plan",
                    "source",
                    "message_type",
                    "event_name",
                    "app_version",
                    "window_start",
                ],
                name="window_count_unique",
            ),
        ]
        indexes = [
            # Health over a period: WHERE plan AND window_start >= since.
            models.Index(
                fields=["plan", "window_start"], name="window_count_plan_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_name or self.message_type} @ {self.window_start:%Y-%m-%d %H:%M}"


class ViolationKind(models.TextChoices):
    ENVELOPE = "envelope", _("Envelope problem")
    UNPLANNED_EVENT = "unplanned_event", _("Unplanned event")
    SCHEMA = "schema", _("Schema violation")
    COMMON_PROPERTY = "common_property", _("Common-property violation")
    UNEXPECTED_PROPERTY = "unexpected_property", _("Unexpected property")
    PERSONAL_DATA = "personal_data", _("Personal data in a non-personal property")
    CLOCK_SKEW = "clock_skew", _("Client clock skew")


class ViolationCount(models.Model):
    """One kind of problem at one path of one event, with masked examples."""

    plan = _plan()
    source = _source()
    message_type = _message_type()
    event_name = _event_name()
    app_version = _app_version()
    kind = models.CharField(_("kind"), max_length=32, choices=ViolationKind)
    # The JSON Schema keyword (type, required, format…), the personal-data kind, or the
    # envelope problem's code.
    keyword = models.CharField(_("keyword"), max_length=64)
    # JSON pointer into the message, e.g. /properties/price.
    path = models.CharField(_("path"), max_length=300)
    count = models.PositiveBigIntegerField(_("count"), default=0)
    message = models.TextField(_("latest message"))
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    examples = models.JSONField(_("masked examples"), default=list)
    example_count = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("violation count")
        verbose_name_plural = _("violation counts")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "plan",
                    "source",
                    "message_type",
                    "event_name",
                    "app_version",
                    "kind",
                    "keyword",
                    "path",
                ],
                name="violation_count_unique",
            ),
        ]
        indexes = [
            # An event's problems, newest first: WHERE plan, event_name ORDER BY last_seen.
            models.Index(
                fields=["plan", "event_name", "-last_seen"], name="violation_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_name} {self.kind}:{self.keyword} {self.path}"


class ObservedType(models.Model):
    """A JSON type seen at a property path of an event, per app version: type drift shows here."""

    plan = _plan()
    event_name = _event_name()
    path = models.CharField(_("path"), max_length=300)
    app_version = _app_version()
    json_type = models.CharField(_("JSON type"), max_length=16)
    count = models.PositiveBigIntegerField(_("count"), default=0)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("observed type")
        verbose_name_plural = _("observed types")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "event_name", "path", "app_version", "json_type"],
                name="observed_type_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_name} {self.path}: {self.json_type}"


class PendingTypes(models.Model):
    """Observed types of one batch, one row per event, app version and set of (path, type)
    pairs, waiting to be added to `ObservedType`.

    A batch appends these rows in its own transaction (so they count exactly once) instead of
    upserting a row per property path: a hundred samples touch about a thousand `ObservedType`
    rows, which cost more than everything else a batch writes. `type_rollup` claims them a few
    thousand at a time, adds them up and deletes them, in one transaction.
    """

    plan = _plan()
    event_name = _event_name()
    app_version = _app_version()
    # JSON: [[pointer, JSON type], …] as the samples had them.
    pairs = models.TextField(_("paths and types"))
    count = models.PositiveIntegerField(_("samples"))
    seen_at = models.DateTimeField(_("seen at"))

    class Meta:
        verbose_name = _("pending observed types")
        verbose_name_plural = _("pending observed types")

    def __str__(self) -> str:
        return f"{self.event_name} {self.app_version}: {self.count}"


class LastSeen(models.Model):
    """When an event last arrived from a source, and from which app version."""

    plan = _plan()
    source = _source()
    message_type = _message_type()
    event_name = _event_name()
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    app_version = _app_version()

    class Meta:
        verbose_name = _("last seen")
        verbose_name_plural = _("last seen")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "source", "message_type", "event_name"],
                name="last_seen_unique",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.event_name or self.message_type} @ {self.last_seen:%Y-%m-%d %H:%M}"
        )
