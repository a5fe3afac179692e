"""The `approve_changerequest` permission, granted to the approver and admin roles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

_ROLES = ("approver", "admin")
_CODENAME = "approve_changerequest"


def grant(apps, schema_editor):
    # TRICKY: permissions are normally created after all migrations ran; create them now.
    tracking = apps.get_app_config("tracking")
    tracking.models_module = True
    create_permissions(tracking, apps=apps, verbosity=0)
    tracking.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(
        content_type__app_label="tracking", codename=_CODENAME
    )
    for group in Group.objects.filter(name__in=_ROLES):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="tracking", codename=_CODENAME
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0003_apitoken_planmembership"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="changerequest",
            options={
                "ordering": ["plan", "-created_at"],
                "permissions": [("approve_changerequest", "Can approve change requests")],
                "verbose_name": "change request",
                "verbose_name_plural": "change requests",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
