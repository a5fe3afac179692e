"""Plan membership: which plans a user may reach through the API and the admin.

Roles are global Django groups that carry model permissions (what a user may do); membership
rows say where (which plans). A user reaches a plan they are a member or the owner of;
superusers and holders of the `tracking.see_all_plans` permission (the admin role) reach every
plan. Keeping roles global means one place grants rights; the API and the Django admin check
the same model permissions and narrow rows to the same plans.
"""

from __future__ import annotations

from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tracking.models.plans import TrackingPlan

SEE_ALL_PLANS = "tracking.see_all_plans"

_RowT = TypeVar("_RowT", bound=Model)


class PlanMembership(models.Model):
    plan = models.ForeignKey(
        TrackingPlan,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("plan"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="plan_memberships",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan member")
        verbose_name_plural = _("plan members")
        ordering = ["plan", "user"]
        permissions = [("see_all_plans", _("Can see every tracking plan"))]
        constraints = [
            models.UniqueConstraint(
                "plan",
                "user",
                name="plan_member_once",
                violation_error_message=_("This user is already a member of the plan."),
            ),
        ]
        indexes = [
            # Every API request: the plans of the calling user.
            models.Index(fields=["user", "plan"], name="planmember_user_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.plan}"


def plans_visible_to(
    user: User | AnonymousUser,
) -> QuerySet[TrackingPlan]:
    """The plans the user may see: all for superusers and the admin role, else own ones."""
    if not user.is_authenticated or not user.is_active:
        return TrackingPlan.objects.none()
    if user.has_perm(SEE_ALL_PLANS):
        return TrackingPlan.objects.all()
    return TrackingPlan.objects.filter(
        Q(pk__in=PlanMembership.objects.filter(user=user).values("plan_id"))
        | Q(owner=user)
    )


def sees_all_plans(user: User | AnonymousUser) -> bool:
    return user.is_active and user.has_perm(SEE_ALL_PLANS)


def rows_visible_to(
    queryset: QuerySet[_RowT], user: User | AnonymousUser, *, plan_lookup: str
) -> QuerySet[_RowT]:
    """The rows of `queryset` in plans the user may see; `plan_lookup` leads from a row to its plan.

    Superusers and the admin role see every row, including rows of no plan (a dead letter whose
    source was deleted); everyone else sees only the rows of plans they own or are members of.
    """
    if sees_all_plans(user):
        return queryset
    return queryset.filter(**{f"{plan_lookup}__in": plans_visible_to(user)})
