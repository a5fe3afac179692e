"""Shapes of the import and export endpoints: their query strings and the import report."""

from __future__ import annotations

from rest_framework import serializers

from tracking.interchange.report import Action


class ExportQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    version = serializers.CharField(
        default="draft",
        help_text="A version number, e.g. `1.2.0`, `latest`, or `draft` (the working draft).",
    )


class ImportQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    dry_run = serializers.BooleanField(
        default=True,
        help_text="Only report what the import would do; `false` to write it.",
    )


class ImportProblemSerializer(serializers.Serializer):  # type: ignore[type-arg]
    level = serializers.CharField(help_text="`error`, `unsupported` or `note`.")
    where = serializers.CharField(
        help_text="Where in the file: a JSON path, a sheet or a file name."
    )
    row = serializers.IntegerField(
        allow_null=True, help_text="The file's row (sheets); null otherwise."
    )
    message = serializers.CharField(help_text="What is wrong, for people.")


class ImportChangeSerializer(serializers.Serializer):  # type: ignore[type-arg]
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
    fields = serializers.ListField(
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


class ImportSummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    create = serializers.IntegerField(help_text="Rows created.")
    update = serializers.IntegerField(help_text="Rows changed.")
    remove = serializers.IntegerField(help_text="Rows removed.")
    reject = serializers.IntegerField(help_text="Rows the plan refuses.")
    unchanged = serializers.IntegerField(help_text="Rows already as in the file.")


class ImportReportSerializer(serializers.Serializer):  # type: ignore[type-arg]
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
