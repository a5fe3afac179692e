"""What every detector reads and returns: count series, anomalies with evidence, the registry.

Detectors are pure functions over series already loaded from the counts tables: each takes
one input dataclass (its own, declared beside it) and a `DetectorConfig`, and returns an
`Outcome` for one subject (an event, on one source or on all). An `Outcome` either judged the
subject (zero or more `Anomaly`s) or says it is still `Learning` — never silence for lack of
data.

An `Anomaly` carries plain data only: a `Fingerprint` (unique within a plan; the caller adds
the plan), a severity, a short machine code and its evidence, a flat mapping of JSON scalars
(datetimes as ISO 8601 UTC strings) ready for a JSONField. Conventional evidence keys:
`observed`, `expected`, `expected_low`, `expected_high`, `since`. The code doubles as the
message id of its explanation (`governance.detectors.messages`): `anomaly.explain(language)`
renders the English or Simplified Chinese text from the evidence.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from governance.detectors.config import DEFAULT_CONFIG, DetectorConfig
from governance.detectors.messages import Language, render

EvidenceValue = str | int | float | bool | None
Evidence = Mapping[str, EvidenceValue]


class Granularity(StrEnum):
    FIVE_MINUTES = "5m"
    HOUR = "1h"
    DAY = "1d"

    @property
    def step(self) -> timedelta:
        return _STEPS[self]


_STEPS = {
    Granularity.FIVE_MINUTES: timedelta(minutes=5),
    Granularity.HOUR: timedelta(hours=1),
    Granularity.DAY: timedelta(days=1),
}


def floor_time(at: datetime, step: timedelta) -> datetime:
    """The start of the UTC-aligned bucket of `step` holding `at`."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return epoch + ((at - epoch) // step) * step


def iso(at: datetime) -> str:
    """An aware datetime as evidence: ISO 8601 in UTC."""
    return at.astimezone(UTC).isoformat()


@dataclass(frozen=True, slots=True, kw_only=True)
class Bucket:
    """Samples of one series in one bucket, by server receive time."""

    start: datetime
    received: int
    valid: int = 0
    invalid: int = 0
    personal: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Series:
    """Counts of one event (on one source, or on all when `source` is None) over [start, end).

    Buckets are sparse and in ascending order: a bucket missing between `start` and `end` had
    no samples; before `start` nothing is known (retention, or counting began then). Every
    time is an aware UTC datetime aligned to the granularity; `end` is the end of the newest
    complete bucket. Raises ValueError when a bound or the first or last bucket is naive, not
    UTC, misaligned or out of range.
    """

    event: str
    source: str | None
    granularity: Granularity
    start: datetime
    end: datetime
    buckets: tuple[Bucket, ...]

    def __post_init__(self) -> None:
        # The bounds and the outermost buckets are checked, not every bucket: a series is
        # built for every evaluation and may hold thousands of buckets.
        ends = (self.buckets[0].start, self.buckets[-1].start) if self.buckets else ()
        for at in (self.start, self.end, *ends):
            if not _aligned(at, self.granularity):
                msg = f"{at!r} is not a UTC time aligned to {self.granularity}"
                raise ValueError(msg)
        if ends and not self.start <= ends[0] <= ends[1] < self.end:
            msg = f"the buckets of {self.event!r} are not in order within [start, end)"
            raise ValueError(msg)


def _aligned(at: datetime, granularity: Granularity) -> bool:
    """Whether `at` is an aware UTC time starting a bucket (cheap: called per bucket)."""
    if at.utcoffset() != _ZERO or at.second or at.microsecond:
        return False
    if granularity is Granularity.FIVE_MINUTES:
        return at.minute % 5 == 0
    return at.minute == 0 and (granularity is Granularity.HOUR or at.hour == 0)


_ZERO = timedelta(0)


def rollup(series: Series, granularity: Granularity) -> Series:
    """The series summed into coarser buckets; partly covered buckets at either end are cut."""
    step = granularity.step
    start = floor_time(series.start, step)
    start = start if start == series.start else start + step
    end = floor_time(series.end, step)
    sums: dict[datetime, list[int]] = {}
    for b in series.buckets:
        at = floor_time(b.start, step)
        if start <= at < end:
            acc = sums.setdefault(at, [0, 0, 0, 0])
            acc[0] += b.received
            acc[1] += b.valid
            acc[2] += b.invalid
            acc[3] += b.personal
    buckets = tuple(
        Bucket(start=at, received=r, valid=v, invalid=i, personal=p)
        for at, (r, v, i, p) in sorted(sums.items())
    )
    return Series(
        event=series.event,
        source=series.source,
        granularity=granularity,
        start=start,
        end=max(start, end),
        buckets=buckets,
    )


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


@dataclass(frozen=True, slots=True, kw_only=True)
class Fingerprint:
    """What makes two detections the same alert (within one plan).

    `source` None means all sources; `kind` names the detector's rule or the violation kind;
    `app_version` and `path` (a JSON pointer or property key) narrow it further.
    """

    detector: str
    event: str
    source: str | None = None
    kind: str | None = None
    app_version: str | None = None
    path: str | None = None

    @property
    def key(self) -> str:
        """A stable 32-character digest of every part, for a unique column."""
        parts = [
            self.detector,
            self.event,
            self.source,
            self.kind,
            self.app_version,
            self.path,
        ]
        encoded = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(encoded.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True, kw_only=True)
class Anomaly:
    """One detection: what, how bad, and the evidence its explanation is built from."""

    fingerprint: Fingerprint
    severity: Severity
    code: str
    evidence: Evidence

    def explain(self, language: Language = Language.EN) -> str:
        """The plain-words explanation, in English or Simplified Chinese."""
        return render(
            self.code,
            self.evidence,
            language,
            event=self.fingerprint.event,
            source=self.fingerprint.source,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Learning:
    """Why a detector gave no verdict yet: it has `have` of the `need` it requires."""

    code: str
    have: float
    need: float

    def explain(self, language: Language = Language.EN) -> str:
        return render(self.code, {"have": self.have, "need": self.need}, language)


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """A detector's verdict on one subject: anomalies found, or still learning.

    `learning` may be set beside anomalies when a rule that needs no history fired while the
    rules that need one are still learning.
    """

    detector: str
    event: str
    source: str | None
    anomalies: tuple[Anomaly, ...] = ()
    learning: Learning | None = None

    @property
    def severity(self) -> Severity | None:
        """The worst severity found, or None."""
        return max((a.severity for a in self.anomalies), key=_rank, default=None)


def _rank(severity: Severity) -> int:
    return severity.rank


InputT = TypeVar("InputT")
DetectFunction = Callable[[InputT, DetectorConfig], Outcome]


@dataclass(frozen=True, slots=True, kw_only=True)
class Detector:
    """A registered detector: its stable name, the input it takes, and the function."""

    name: str
    input_type: type[Any]
    detect: Callable[[Any, DetectorConfig], Outcome]


REGISTRY: dict[str, Detector] = {}


def register(
    name: str, input_type: type[InputT]
) -> Callable[[DetectFunction[InputT]], DetectFunction[InputT]]:
    """Register a detect function under `name` (importing `governance.detectors` registers all)."""

    def decorate(function: DetectFunction[InputT]) -> DetectFunction[InputT]:
        if name in REGISTRY:
            msg = f"a detector named {name!r} is already registered"
            raise ValueError(msg)
        REGISTRY[name] = Detector(name=name, input_type=input_type, detect=function)
        return function

    return decorate


def run(name: str, inputs: object, config: DetectorConfig = DEFAULT_CONFIG) -> Outcome:
    """Run the registered detector `name`; raises KeyError for an unknown name and TypeError
    when `inputs` is not the detector's input type."""
    detector = REGISTRY[name]
    if not isinstance(inputs, detector.input_type):
        msg = (
            f"{name} takes {detector.input_type.__name__}, not {type(inputs).__name__}"
        )
        raise TypeError(msg)
    return detector.detect(inputs, config)
