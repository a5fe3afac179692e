"""Admin for API tokens: issue one (shown once, then only its prefix), revoke, see last use."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from tracking.admin.scoping import RowScopedAdmin
from tracking.admin.staff import staff_user
from tracking.models import ApiToken, revoke_token

_READ_ONLY = [
    "user",
    "prefix",
    "created_at",
    "expires_at",
    "last_used_at",
    "revoked_at",
]


def manages_all_tokens(request: HttpRequest) -> bool:
    """Admins see and issue everyone's tokens; others only their own."""
    return request.user.has_perm("tracking.change_apitoken")


@admin.action(description=_("Revoke selected tokens"), permissions=["delete"])
def revoke_tokens(
    modeladmin: admin.ModelAdmin[ApiToken],
    request: HttpRequest,
    queryset: QuerySet[ApiToken],
) -> None:
    tokens = list(queryset.filter(revoked_at__isnull=True))
    for token in tokens:
        revoke_token(token)
    modeladmin.message_user(
        request,
        ngettext("Revoked %(count)d token.", "Revoked %(count)d tokens.", len(tokens))
        % {"count": len(tokens)},
        messages.SUCCESS,
    )


@admin.register(ApiToken)
class ApiTokenAdmin(RowScopedAdmin[ApiToken]):
    list_display = [
        "prefix",
        "name",
        "user",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    actions = [revoke_tokens]

    def scope(
        self, request: HttpRequest, queryset: QuerySet[ApiToken]
    ) -> QuerySet[ApiToken]:
        # Tokens belong to users, not plans: someone else's token is not found (404).
        if manages_all_tokens(request):
            return queryset
        return queryset.filter(user=staff_user(request))

    def get_fields(
        self, request: HttpRequest, obj: ApiToken | None = None
    ) -> tuple[str, ...]:
        if obj is not None:
            return (*_READ_ONLY[:1], "name", *_READ_ONLY[1:])
        if manages_all_tokens(request):
            return ("user", "name", "expires_at")
        return ("name", "expires_at")

    def get_readonly_fields(
        self, request: HttpRequest, obj: ApiToken | None = None
    ) -> list[str]:
        return _READ_ONLY if obj is not None else []

    def get_autocomplete_fields(self, request: HttpRequest) -> list[str]:
        return ["user"]

    def save_model(
        self,
        request: HttpRequest,
        obj: ApiToken,
        form: ModelForm[ApiToken],
        change: bool,
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        if not manages_all_tokens(request):
            obj.user = staff_user(request)
        raw = obj.assign_secret()
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            format_html(
                gettext(
                    "The new token is <code>{}</code>. Copy it now: it is not shown again."
                ),
                raw,
            ),
            messages.WARNING,
        )
