"""Shapes of the import and export endpoints: their query strings and the import report."""

from __future__ import annotations

from typing import Any, TypedDict

from rest_framework import serializers

from tracking.interchange.report import Action


class ExportQuery(TypedDict):
    """What `ExportQuerySerializer` validates."""

    version: str


class ImportQuery(TypedDict):
    """What `ImportQuerySerializer` validates."""

    dry_run: bool


class ExportQuerySerializer(serializers.Serializer[dict[str, Any]]):
    version = serializers.CharField(
        default="draft",
        help_text="A version number, e.g. `1.2.0`, `latest`, or `draft` (the working draft).",
    )


class ImportQuerySerializer(serializers.Serializer[dict[str, Any]]):
    dry_run = serializers.BooleanField(
        default=True,
        help_text="Only report what the import would do; `false` to write it.",
    )


class ImportProblemSerializer(serializers.Serializer[dict[str, Any]]):
    level = serializers.CharField(help_text="`error`, `unsupported` or `note`.")
    where = serializers.CharField(
        help_text="Where in the file: a JSON path, a sheet or a file name."
    )
    row = serializers.IntegerField(
        allow_null=True, help_text="The file's row (sheets); null otherwise."
    )
    message = serializers.CharField(help_text="What is wrong, for people.")


class ImportChangeSerializer(serializers.Serializer[dict[str, Any]]):
    action = serializers.ChoiceField(
        choices=[str(a) for a in Action],
        help_text="What the import does to the row; `reject` when it cannot write it.",
    )
    kind = serializers.CharField(
        help_text="`plan`, `source`, `property`, `group`, `common property`, `event` "
        "or `event property`."
    )
    key = serializers.CharField(
        help_text="The row, e.g. `products.sku` or `Order Completed · price`."
    )
    # The stubs see a field named like a serializer attribute; DRF moves declared fields aside.
    fields = serializers.ListField(  # type: ignore[assignment]
        child=serializers.CharField(), help_text="The fields an update changes."
    )
    reasons = serializers.ListField(
        child=serializers.CharField(),
        help_text="Why a row is rejected: the models' messages, as `field: message`.",
    )
    where = serializers.CharField(help_text="Where in the file the row comes from.")
    row = serializers.IntegerField(
        allow_null=True, help_text="The file's row (sheets); null otherwise."
    )


class ImportSummarySerializer(serializers.Serializer[dict[str, Any]]):
    # The stubs see fields named like serializer methods; DRF moves declared fields aside.
    create = serializers.IntegerField(help_text="Rows created.")  # type: ignore[assignment]
    update = serializers.IntegerField(help_text="Rows changed.")  # type: ignore[assignment]
    remove = serializers.IntegerField(help_text="Rows removed.")
    reject = serializers.IntegerField(help_text="Rows the plan refuses.")
    unchanged = serializers.IntegerField(help_text="Rows already as in the file.")


class ImportReportSerializer(serializers.Serializer[dict[str, Any]]):
    plan = serializers.CharField(help_text="The plan's key.")
    format = serializers.CharField(help_text="The format the file was read as.")
    applied = serializers.BooleanField(help_text="Whether the import was written.")
    can_apply = serializers.BooleanField(
        help_text="No errors in the file and no rejected row: the import can be written."
    )
    summary = ImportSummarySerializer(help_text="How many rows of each action.")
    problems = ImportProblemSerializer(
        many=True, help_text="Errors, unsupported parts and notes about the file."
    )
    changes = ImportChangeSerializer(
        many=True,
        help_text="Every row the import creates, changes, removes or rejects.",
    )
