"""The engineers' API (Django REST framework) under /api/v1/: the registry, read and written.

How the parts fit, for whoever adds a resource:
- authentication: `tokens.BearerTokenAuthentication` (per-user `ApiToken`, stored as a digest),
  then Django sessions for the browsable API;
- authorization: `permissions.RolePermissions` needs the model permission of the call
  (`view_…` for reads) — roles are groups carrying them (`roles.py`); custom actions map to
  permissions in the view's `action_permissions`;
- scoping: viewsets under `plans/<plan_key>/…` inherit `views.scoping.PlanScopedMixin`, which
  narrows every query to plans the caller may see (`tracking.models.plans_visible_to`);
- validation: serializers inherit `serializers.validation.ModelCleanSerializer`, which runs the
  model's `full_clean`, so the API refuses exactly what the admin refuses;
- errors: `errors.api_exception_handler` renders everything as
  `{"error": {"code", "message", "details"}}`; domain errors subclass `tracking.errors.TrackingError`;
- generated files (schemas, typed code): views answer the exact bytes through
  `files.file_response` (strong ETag, `If-None-Match` → 304, private caching);
- routes: register the viewset on `urls.router` (single-purpose views: `urls.files`).
"""
