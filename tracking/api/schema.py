"""OpenAPI additions: the bearer-token security scheme and the error responses of every call."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error the API answers has this shape.",
    "properties": {
        "error": {
            "type": "object",
            "description": "What went wrong.",
            "properties": {
                "code": {
                    "type": "string",
                    "description": "Stable snake_case code scripts can match on.",
                    "example": "not_found",
                },
                "message": {
                    "type": "string",
                    "description": "What went wrong, for people.",
                },
                "details": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "For invalid input: the messages per field.",
                },
            },
            "required": ["code", "message", "details"],
        }
    },
    "required": ["error"],
}

_ERRORS = {
    "400": "The input is not valid (details per field).",
    "401": "No credentials, or an unknown, revoked or expired token.",
    "403": "The caller's role does not allow this.",
    "404": "Not found, or not in a plan the caller may see.",
    "429": "Too many requests; retry after the `Retry-After` seconds.",
}
_WRITES = {"post", "put", "patch", "delete"}


# drf-spectacular registers extensions in an unannotated __init_subclass__.
class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "tracking.api.tokens.BearerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token: `Authorization: Bearer <token>`.",
        }


class PasswordForTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "tracking.api.tokens.PasswordForTokenAuthentication"
    name = "passwordForToken"

    # drf-spectacular skips a scheme whose requirement is None; its annotation omits that.
    def get_security_requirement(  # type: ignore[override]
        self, auto_schema: Any
    ) -> dict[str, list[str]] | None:
        # Only creating a token takes a password.
        return {self.name: []} if auto_schema.method == "POST" else None

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "basic",
            "description": "A user name and password, accepted only to create a token.",
        }


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Postprocessing hook: declare the shared error shape on every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = (
        ERROR_SCHEMA
    )
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            for status, description in _ERRORS.items():
                if status == "400" and method not in _WRITES:
                    continue
                operation["responses"].setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
            _add_error_content(operation["responses"], reference)
    return result


def _add_error_content(responses: dict[str, Any], reference: dict[str, str]) -> None:
    """Errors a view declares by description only (e.g. a 409) get the shared shape."""
    for status, response in responses.items():
        if status.startswith(("4", "5")) and "content" not in response:
            response["content"] = {"application/json": {"schema": reference}}
