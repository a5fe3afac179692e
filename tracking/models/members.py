"""Plan membership: which plans a user may reach through the API.

Roles are global Django groups that carry model permissions (what a user may do); membership
rows say where (which plans). A user reaches a plan they are a member or the owner of;
superusers and holders of the `tracking.see_all_plans` permission (the admin role) reach every
plan. Keeping roles global means one place grants rights, and the Django admin, which checks
the same model permissions, keeps working unchanged for staff PMs.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tracking.models.plans import TrackingPlan

SEE_ALL_PLANS = "tracking.see_all_plans"


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
