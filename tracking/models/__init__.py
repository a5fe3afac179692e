"""The registry's models, re-exported so callers import from `tracking.models`."""

from __future__ import annotations

from tracking.models.events import Event, EventProperty, EventStatus, Tag, TrackedOn
from tracking.models.glossary import (
    GlossaryTerm,
    Modifier,
    ModifierType,
    PeriodAnchor,
    PeriodKind,
    PeriodUnit,
    TimePeriod,
)
from tracking.models.groups import CommonProperty, GroupProperty, PropertyGroup
from tracking.models.members import PlanMembership, plans_visible_to
from tracking.models.metrics import (
    AarrrStage,
    Certification,
    DependencyRole,
    DependencyTarget,
    Direction,
    IndicatorType,
    Metric,
    MetricCategory,
    MetricDependency,
    MetricFormat,
    MetricKind,
    MetricLifecycle,
    MetricUnit,
)
from tracking.models.plans import AdditionalProperties, NamingConvention, TrackingPlan
from tracking.models.properties import PrivacyClass, Property, PropertyType
from tracking.models.sources import (
    Source,
    SourceKind,
    generate_write_key,
    rotate_write_key,
)
from tracking.models.tokens import ApiToken, issue_token, revoke_token
from tracking.models.versions import (
    Bump,
    ChangeRequest,
    ChangeStatus,
    PlanVersion,
    ReviewComment,
)

__all__ = [
    "AarrrStage",
    "Certification",
    "DependencyRole",
    "DependencyTarget",
    "Direction",
    "GlossaryTerm",
    "IndicatorType",
    "Metric",
    "MetricCategory",
    "MetricDependency",
    "MetricFormat",
    "MetricKind",
    "MetricLifecycle",
    "MetricUnit",
    "Modifier",
    "ModifierType",
    "PeriodAnchor",
    "PeriodKind",
    "PeriodUnit",
    "TimePeriod",
    "ApiToken",
    "PlanMembership",
    "issue_token",
    "plans_visible_to",
    "revoke_token",
    "Bump",
    "ChangeRequest",
    "ChangeStatus",
    "PlanVersion",
    "ReviewComment",
    "AdditionalProperties",
    "CommonProperty",
    "Event",
    "EventProperty",
    "EventStatus",
    "GroupProperty",
    "NamingConvention",
    "PrivacyClass",
    "Property",
    "PropertyGroup",
    "PropertyType",
    "Source",
    "SourceKind",
    "Tag",
    "TrackedOn",
    "TrackingPlan",
    "generate_write_key",
    "rotate_write_key",
]
