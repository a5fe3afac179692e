"""Simulated clients: live releases per platform and the device context each client sends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from governance.traffic.values import random_uuid

if TYPE_CHECKING:
    from random import Random


@dataclass(frozen=True, slots=True, kw_only=True)
class Client:
    """One installed app, browser or service instance sending events."""

    anonymous_id: str
    user_id: str | None
    context: dict[str, Any]
    known: dict[str, str]  # property key -> the value this client would send for it


@dataclass(frozen=True, slots=True, kw_only=True)
class Release:
    version: str
    library: tuple[str, str]  # SDK name and version that release ships with
    weight: int


# Two or three releases live at once per platform; older ones still send a share of traffic.
RELEASES: dict[str, tuple[Release, ...]] = {
    "ios": (
        Release(version="5.10.2", library=("analytics-ios", "4.1.8"), weight=1),
        Release(version="5.11.3", library=("analytics-swift", "1.5.9"), weight=3),
        Release(version="5.12.0", library=("analytics-swift", "1.5.11"), weight=6),
    ),
    "android": (
        Release(version="5.10.2", library=("analytics-android", "4.11.3"), weight=1),
        Release(version="5.11.3", library=("analytics-kotlin", "1.15.0"), weight=3),
        Release(version="5.12.0", library=("analytics-kotlin", "1.16.0"), weight=6),
    ),
    "web": (
        Release(version="3.21.0", library=("analytics.js", "next-1.67.0"), weight=2),
        Release(version="3.22.1", library=("analytics.js", "next-1.70.0"), weight=8),
    ),
    "server": (
        Release(version="1.42.0", library=("analytics-python", "2.3.2"), weight=3),
        Release(version="1.43.2", library=("analytics-python", "2.3.3"), weight=7),
    ),
}
_OS = {
    "ios": ("iOS", ("16.7.8", "17.4.1", "17.5")),
    "android": ("Android", ("12", "13", "14")),
}
_DEVICES = {
    "ios": (("Apple", "iPhone15,2"), ("Apple", "iPhone14,5"), ("Apple", "iPhone16,1")),
    "android": (("Xiaomi", "23049RAD8C"), ("HUAWEI", "ALN-AL00"), ("OPPO", "PHB110")),
}
_CARRIERS = ("中国移动", "中国联通", "中国电信")
_USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.4 Safari/605.1.15",
)


def new_client(kind: str, rng: Random) -> Client:
    """A client of a source kind (ios, android, web, server; others send like web), on one of
    its live releases."""
    releases = RELEASES.get(kind, RELEASES["web"])
    release = rng.choices(releases, weights=[r.weight for r in releases])[0]
    signed_in = kind == "server" or rng.random() < 0.6
    user_id = f"u{rng.randint(10_000_000, 99_999_999_999)}" if signed_in else None
    known = {"app_version": release.version, "platform": kind}
    if user_id:
        known["user_id"] = user_id
    context: dict[str, Any] = {
        "library": {"name": release.library[0], "version": release.library[1]},
        "locale": rng.choice(("zh-CN", "zh-CN", "zh-CN", "en-US")),
        "timezone": "Asia/Shanghai",
    }
    if kind != "server":
        known["session_id"] = f"s-{rng.getrandbits(32):08x}"
        known["device_id"] = str(random_uuid(rng)).upper()
        context.update(
            _device_context(kind, release, rng, device_id=known["device_id"])
        )
    return Client(
        anonymous_id=random_uuid(rng), user_id=user_id, context=context, known=known
    )


def _device_context(
    kind: str, release: Release, rng: Random, *, device_id: str
) -> dict[str, Any]:
    if kind not in _OS:
        return {"userAgent": rng.choice(_USER_AGENTS)}
    os_name, os_versions = _OS[kind]
    manufacturer, model = rng.choice(_DEVICES[kind])
    return {
        "app": {
            "name": "商城",
            "version": release.version,
            "build": release.version.replace(".", ""),
            "namespace": "com.example.shopapp",
        },
        "os": {"name": os_name, "version": rng.choice(os_versions)},
        "device": {
            "id": device_id,
            "manufacturer": manufacturer,
            "model": model,
            "type": kind,
        },
        "network": {"wifi": rng.random() < 0.6, "carrier": rng.choice(_CARRIERS)},
    }
