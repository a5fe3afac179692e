"""Governance: live samples, validation, health, alerts and reports (arriving with later work)."""

from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        from governance.collector import keys

        # The collector caches write key -> source; any change to a source forgets its keys.
        source = "tracking.Source"
        pre_save.connect(
            keys.forget_replaced_key,
            sender=source,
            dispatch_uid="collector.forget_replaced_key",
        )
        for signal in (post_save, post_delete):
            signal.connect(
                keys.forget_source_key,
                sender=source,
                dispatch_uid="collector.forget_source_key",
            )
