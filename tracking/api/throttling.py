"""API rate limits: calls refused for missing or wrong credentials count as anonymous calls.

DRF checks throttles only once authentication and permissions have passed, so a call without
credentials, or with a wrong token or password, was answered 401 without ever being counted:
the anonymous rate (API_THROTTLE_ANON_RATE) limited nothing. The exception handler counts such
a call with `count_refused_call` and answers 429 once the caller's address is over the rate.
"""

from __future__ import annotations

from typing import Any

from rest_framework import throttling
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.settings import api_settings


class RatesFromSettings(throttling.SimpleRateThrottle):
    """The rate read from the settings when a call is counted.

    DRF reads the rates once, at import, so changed settings (a test's) would not reach it.
    """

    def get_rate(self) -> str | None:
        # The stubs type the setting's values as numbers; they are rates like "60/minute".
        self.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES  # type: ignore[assignment]
        return super().get_rate()


class AnonRateThrottle(RatesFromSettings, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(RatesFromSettings, throttling.UserRateThrottle):
    pass


def count_refused_call(context: dict[str, Any]) -> Throttled | None:
    """Count a call refused for want of valid credentials against its view's rates.

    The request's user is anonymous by then (DRF sets it so when authentication fails), so the
    anonymous rate counts it by address. Returns the Throttled error to answer instead once the
    caller is over a rate, else None.
    """
    # TRICKY: not isinstance(view, APIView): importing DRF's views here would be circular
    # (they read DEFAULT_THROTTLE_CLASSES, this module, as they are defined).
    check_throttles = getattr(context.get("view"), "check_throttles", None)
    request = context.get("request")
    if check_throttles is None or not isinstance(request, Request):
        return None
    try:
        check_throttles(request)
    except Throttled as exc:
        return exc
    return None
