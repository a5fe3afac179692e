"""`load_demo`: create or refresh the demo plan Shop App (商城 App); a second run changes nothing."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tracking.demo import load_demo_plan
from tracking.models import Property


class Command(BaseCommand):
    help = (
        "Create the demo e-commerce plan (shop-app), or bring it back to the demo's content. "
        "Idempotent."
    )

    def handle(self, *args: object, **options: object) -> None:
        plan = load_demo_plan()
        nested = Property.objects.filter(plan=plan, parent__isnull=False).count()
        self.stdout.write(
            f"Loaded the demo plan {plan.key}: {plan.events.count()} events, "
            f"{plan.properties.count()} properties ({nested} nested), "
            f"{plan.groups.count()} groups, {plan.sources.count()} sources."
        )
