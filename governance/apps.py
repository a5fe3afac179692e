"""Governance: live samples, validation, health, alerts and reports (arriving with later work)."""

from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self) -> None:
        from governance import checks  # noqa: F401  (registers the system checks)
        from governance.collector import keys
        from governance.metric_liveness import current_metric_liveness
        from tracking.metrics.live_findings import register_live_findings

        # The registry cannot import governance; its metric pages learn live findings from here.
        register_live_findings(current_metric_liveness)

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
