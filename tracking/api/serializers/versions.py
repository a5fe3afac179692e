"""Published versions, diffs between any two of them (or the draft), and publishing."""

from __future__ import annotations

from typing import Any, TypedDict

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracking.api.serializers.known_keys import KnownKeysMixin
from tracking.api.serializers.plans import FindingSerializer, username_field
from tracking.api.serializers.validation import AnyField, offer_rows
from tracking.models import ChangeRequest, PlanVersion

_LEVELS = "breaking, additive and text"


class ChangeSerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.CharField(help_text="added, changed or removed.")
    object_type = serializers.CharField(
        help_text=(
            "What changed: event, property, group, common_property, source, plan, metric, "
            "glossary_term, modifier (a qualifier) or time_period."
        )
    )
    key = serializers.CharField(help_text="The key of that object.")
    path = serializers.CharField(
        help_text="Where inside the object, e.g. the property on an event; may be empty."
    )
    field = serializers.CharField(help_text="The field that changed; may be empty.")
    before = serializers.JSONField(help_text="The value before; null when added.")
    after = serializers.JSONField(help_text="The value after; null when removed.")
    level = serializers.CharField(help_text="breaking, additive or text.")
    summary = serializers.CharField(help_text="The change in one sentence, for people.")


class DiffSerializer(serializers.Serializer[dict[str, Any]]):
    initial = serializers.BooleanField(
        help_text="True for the diff of a first version, against nothing."
    )
    bump = serializers.CharField(
        allow_null=True,
        help_text="The version part this diff bumps: major, minor, patch; null if none.",
    )
    is_breaking = serializers.BooleanField(
        help_text="Whether samples valid before may now fail."
    )
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=f"How many changes of each level ({_LEVELS}).",
    )
    changes = ChangeSerializer(many=True, help_text="Every change, in a fixed order.")


class PlanDiffSerializer(DiffSerializer):
    from_ref = serializers.CharField(
        help_text="The older side as asked: a version number, latest or draft."
    )
    to_ref = serializers.CharField(
        help_text="The newer side as asked: a version number, latest or draft."
    )


# Functional form: `from` is a Python keyword.
DiffQuery = TypedDict("DiffQuery", {"from": str, "to": str})


class DiffQuerySerializer(serializers.Serializer[dict[str, Any]]):
    """The `?from=` and `?to=` of the diff endpoint (`from` is a Python keyword)."""

    def get_fields(self) -> dict[str, AnyField]:
        return {
            "from": serializers.CharField(default="latest", max_length=32),
            "to": serializers.CharField(default="draft", max_length=32),
        }


class VersionListSerializer(serializers.ModelSerializer[PlanVersion]):
    author = username_field(
        "Username of who published it; null if that account is gone."
    )
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text=f"How many changes of each level ({_LEVELS}) since the previous one.",
    )

    class Meta:
        model = PlanVersion
        fields = [
            "number",
            "bump",
            "is_breaking",
            "note",
            "author",
            "published_at",
            "counts",
        ]
        extra_kwargs = {
            "number": {"help_text": "The version number, e.g. 1.2.0."},
            "bump": {"help_text": "Which part of the number this version bumped."},
            "is_breaking": {
                "help_text": "Whether samples valid in the previous version may fail."
            },
            "note": {"help_text": "The changelog note given when publishing."},
            "published_at": {"help_text": "When it was published."},
        }


class VersionSerializer(VersionListSerializer):
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        source="diff.counts",
        read_only=True,
        help_text=f"How many changes of each level ({_LEVELS}) since the previous one.",
    )
    diff = DiffSerializer(
        read_only=True,
        help_text="The changes since the previous version, as stored when published.",
    )
    change_request = serializers.SerializerMethodField(
        help_text="The id of the approved change request it published, if any."
    )

    class Meta(VersionListSerializer.Meta):
        fields = [
            *VersionListSerializer.Meta.fields,
            "snapshot_hash",
            "change_request",
            "diff",
        ]
        extra_kwargs = {
            **VersionListSerializer.Meta.extra_kwargs,
            "snapshot_hash": {"help_text": "SHA-256 of the snapshot's canonical JSON."},
        }

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_change_request(self, version: PlanVersion) -> int | None:
        # TRICKY: a missing reverse one-to-one raises an AttributeError subclass.
        change_request = getattr(version, "change_request", None)
        return change_request.pk if change_request is not None else None


class PublishInput(TypedDict):
    """What `PublishSerializer` validates."""

    note: str
    change_request: ChangeRequest | None


class PublishSerializer(KnownKeysMixin, serializers.Serializer[dict[str, Any]]):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The changelog note: what changed and why.",
    )
    change_request = serializers.PrimaryKeyRelatedField(
        queryset=ChangeRequest.objects.none(),
        required=False,
        allow_null=True,
        default=None,
        help_text=(
            "The id of this plan's approved change request this publishes; needed when "
            "the plan requires approval."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plan = self.context.get("plan")
        if plan is not None:
            rows = ChangeRequest.objects.filter(plan=plan)
            offer_rows(self.fields["change_request"], rows)


class PublishPreviewSerializer(serializers.Serializer[dict[str, Any]]):
    previous = serializers.CharField(
        allow_null=True, help_text="The latest version's number; null if none yet."
    )
    number = serializers.CharField(
        allow_null=True,
        help_text="The number publishing now would give; null if nothing changed.",
    )
    can_publish = serializers.BooleanField(
        help_text="No blocking finding and something to publish (approval aside)."
    )
    approval_needed = serializers.BooleanField(
        help_text="Whether publishing needs an approved change request."
    )
    approved_change_requests = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Ids of this plan's approved change requests, waiting to be published.",
    )
    blocking = FindingSerializer(
        many=True, help_text="The plan-check errors that refuse publishing."
    )
    diff = DiffSerializer(
        help_text="The changes the draft makes to the latest version."
    )
