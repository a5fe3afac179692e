"""The roles' permissions on metrics and their glossary (0007 already granted the admin role)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

_EDITED = ("metric", "glossaryterm", "modifier", "timeperiod")
_VIEWED = (*_EDITED, "metricdependency")
_VIEW = [f"view_{m}" for m in _VIEWED]
_EDIT = [f"{action}_{m}" for m in _EDITED for action in ("add", "change", "delete")]

# Frozen copy of `tracking.api.roles` as it stood when the metric models arrived.
_ROLES = {
    "viewer": _VIEW,
    "engineer": _VIEW,
    "approver": _VIEW,
    "editor": [*_VIEW, *_EDIT],
}


def grant(apps, schema_editor):
    # TRICKY: permissions are normally created after all migrations ran; create them now.
    tracking = apps.get_app_config("tracking")
    tracking.models_module = True
    create_permissions(tracking, apps=apps, verbosity=0)
    tracking.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_permissions = Permission.objects.filter(content_type__app_label="tracking")
    for group in Group.objects.filter(name__in=_ROLES):
        group.permissions.add(*app_permissions.filter(codename__in=_ROLES[group.name]))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    app_permissions = Permission.objects.filter(content_type__app_label="tracking")
    for group in Group.objects.filter(name__in=_ROLES):
        group.permissions.remove(
            *app_permissions.filter(codename__in=_ROLES[group.name])
        )


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0007_metrics"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
    ]
