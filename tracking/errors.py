"""Domain errors of the registry, each with a stable snake_case code the API returns."""

from __future__ import annotations

from typing import Any


class TrackingError(Exception):
    """Base of the registry's domain errors; `code` is stable, `message` is for people."""

    code = "tracking_error"
    status = 400

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class PublishRefused(TrackingError):
    """The plan checks report errors; `details` lists the error findings."""

    code = "publish_refused_plan_checks"
    status = 409


class NothingToPublish(TrackingError):
    code = "nothing_to_publish"
    status = 409


class ApprovalRequired(TrackingError):
    code = "approval_required"
    status = 409


class DraftChangedSinceApproval(TrackingError):
    code = "draft_changed_since_approval"
    status = 409


class InvalidTransition(TrackingError):
    code = "invalid_transition"
    status = 409


class ApproverIsAuthor(TrackingError):
    code = "approver_is_author"
    status = 403


class NotTheAuthor(TrackingError):
    code = "not_the_author"
    status = 403


class VersionNotFound(TrackingError):
    code = "version_not_found"
    status = 404


class ImportRejected(TrackingError):
    """A real import that cannot be written; `details` is the import report."""

    code = "import_rejected"
    status = 409


class MetricInvalid(TrackingError):
    """The metric definition fails pass 1 or 2; `details` lists the error findings."""

    code = "metric_definition_invalid"
    status = 400


class MetricDependencyError(TrackingError):
    """Online metrics rest on what is being removed; `details["metrics"]` lists them."""

    code = "used_by_online_metrics"
    status = 409
