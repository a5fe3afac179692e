"""Durations (`7d`, `1m`) and time periods: parsed, compared and put into words."""

from __future__ import annotations

from dataclasses import dataclass

from tracking.metrics.catalog import PeriodSpec

# The JSON Schema form of a duration: 1 to 9999 hours, days, weeks, months, quarters or years.
DURATION_PATTERN = "^[1-9][0-9]{0,3}[hdwmqy]$"

_UNITS = {
    "h": ("hour", "小时"),
    "d": ("day", "天"),
    "w": ("week", "周"),
    "m": ("month", "个月"),
    "q": ("quarter", "个季度"),
    "y": ("year", "年"),
}
_PERIOD_UNITS = {
    "day": ("day", "天", "日"),
    "week": ("week", "周", "周"),
    "month": ("month", "个月", "月"),
    "quarter": ("quarter", "个季度", "季度"),
    "year": ("year", "年", "年"),
}
_TO_DATE_ZH = {
    "week": "本周至今",
    "month": "本月至今",
    "quarter": "本季度至今",
    "year": "本年至今",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Duration:
    n: int
    unit: str  # one of h d w m q y

    def words(self, language: str) -> str:
        """`7 days` / `7天`."""
        en, zh = _UNITS[self.unit]
        if language == "zh":
            return f"{self.n}{zh}"
        return f"{self.n} {en}" + ("" if self.n == 1 else "s")


def parse_duration(text: object) -> Duration | None:
    """The duration `text` spells, or None; never raises."""
    if not isinstance(text, str) or not 2 <= len(text) <= 5:
        return None
    digits, unit = text[:-1], text[-1]
    if unit not in _UNITS or not digits.isascii() or not digits.isdigit():
        return None
    if digits.startswith("0"):
        return None
    return Duration(n=int(digits), unit=unit)


def period_words(period: PeriodSpec, language: str) -> str:
    """The period as it reads inside a sentence: `in the last 30 days` / `近30天`."""
    if period.kind == "all_time":
        return "历史累计" if language == "zh" else "over all time"
    en, zh, calendar_zh = _PERIOD_UNITS.get(period.unit, (period.unit, period.unit, ""))
    n = period.n or 1
    if period.kind == "to_date":
        return _TO_DATE_ZH.get(period.unit, zh) if language == "zh" else f"{en} to date"
    if period.kind == "calendar":
        if language == "zh":
            return f"上一个自然{calendar_zh}" if n == 1 else f"近{n}个自然{calendar_zh}"
        return (
            f"in the last complete {en}"
            if n == 1
            else f"in the last {n} complete {en}s"
        )
    if language == "zh":
        return f"近{n}{zh}"
    return f"in the last {en}" if n == 1 else f"in the last {n} {en}s"


def grain_to_date_words(grain: str, language: str) -> str:
    """`month to date` / `本月至今`."""
    if language == "zh":
        return _TO_DATE_ZH.get(grain, grain)
    return f"{grain} to date"
