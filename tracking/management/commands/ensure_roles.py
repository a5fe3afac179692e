"""`ensure_roles`: create the role groups and bring their permissions in line with the table."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tracking.api.roles import ensure_roles


class Command(BaseCommand):
    help = "Create the viewer, engineer, editor, approver and admin groups and set their permissions."

    def handle(self, *args: object, **options: object) -> None:
        for group in ensure_roles():
            count = group.permissions.count()
            self.stdout.write(f"{group.name}: {count} permissions")
