"""The per-worker cache of compiled plans: which version applies to a source, compiled once.

A worker asks at most every PIPELINE_PLAN_REFRESH_SECONDS which version applies to a source
(one small query), so a newly published or pinned version takes over within seconds and
without a restart; a version already compiled is reused.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable

from django.conf import settings

from governance.pipeline.compiled import CompiledPlan, compile_plan
from tracking.published import applicable_version_id, load_version

logger = logging.getLogger(__name__)

_MAX_VERSIONS = 16


class PlanCache:
    def __init__(
        self, *, refresh_seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._refresh = refresh_seconds
        self._clock = clock
        self._applicable: dict[int, tuple[int | None, float]] = {}
        self._plans: OrderedDict[int, CompiledPlan] = OrderedDict()

    def for_source(self, source_id: int) -> CompiledPlan | None:
        """The compiled version that applies to the source; None if nothing is published."""
        version_id = self._version_for(source_id)
        if version_id is None:
            return None
        plan = self._plans.get(version_id)
        if plan is not None:
            self._plans.move_to_end(version_id)
            return plan
        return self._load(version_id)

    def clear(self) -> None:
        self._applicable.clear()
        self._plans.clear()

    def _version_for(self, source_id: int) -> int | None:
        now = self._clock()
        known = self._applicable.get(source_id)
        if known is not None and now - known[1] < self._refresh:
            return known[0]
        version_id = applicable_version_id(source_id)
        self._applicable[source_id] = (version_id, now)
        return version_id

    def _load(self, version_id: int) -> CompiledPlan | None:
        published = load_version(version_id)
        if published is None:
            return None
        plan = compile_plan(published)
        self._plans[version_id] = plan
        while len(self._plans) > _MAX_VERSIONS:
            self._plans.popitem(last=False)
        logger.info(
            "pipeline.plan_loaded plan_id=%s version=%s events=%s",
            plan.plan_id,
            plan.number,
            len(plan.schemas),
        )
        return plan


_cache: PlanCache | None = None


def plan_cache() -> PlanCache:
    """This process's cache (one per worker process)."""
    global _cache  # noqa: PLW0603 - one cache per process, created lazily after settings load
    if _cache is None:
        _cache = PlanCache(refresh_seconds=settings.PIPELINE_PLAN_REFRESH_SECONDS)
    return _cache
