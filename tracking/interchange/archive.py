"""Reading zip archives (Iglu schema sets, XLSX workbooks) within limits, trusting no header."""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_MEMBERS = 2000
MAX_MEMBER_BYTES = 5 * 1024 * 1024
MAX_TOTAL_BYTES = 50 * 1024 * 1024
_CHUNK = 64 * 1024
_ENCRYPTED = 0x1


class ArchiveError(ValueError):
    """The archive is not a zip, or breaks a limit; the message says which, for people."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    name: str
    data: bytes


def is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def read_members(
    data: bytes,
    *,
    max_member_bytes: int = MAX_MEMBER_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> list[Member]:
    """Every file in the archive, directories left out, in archive order.

    Raises ArchiveError for a file that is not a zip, too many members, an encrypted member, or
    a member (or all of them together) larger than the limits once decompressed.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise ArchiveError(_("The file is not a zip archive.")) from exc
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        _check_headers(infos, max_member_bytes, max_total_bytes)
        members = []
        total = 0
        for info in infos:
            content = _read_bounded(archive, info, max_member_bytes)
            total += len(content)
            if total > max_total_bytes:
                raise ArchiveError(_too_large_total(max_total_bytes))
            members.append(Member(name=info.filename, data=content))
        return members


def _check_headers(
    infos: list[zipfile.ZipInfo], max_member_bytes: int, max_total_bytes: int
) -> None:
    if len(infos) > MAX_MEMBERS:
        raise ArchiveError(
            _("The archive holds %(count)d files; at most %(limit)d are read.")
            % {"count": len(infos), "limit": MAX_MEMBERS}
        )
    for info in infos:
        if info.flag_bits & _ENCRYPTED:
            raise ArchiveError(
                _("%s is encrypted; give the archive without a password.")
                % info.filename
            )
        if info.file_size > max_member_bytes:
            raise ArchiveError(_too_large_member(info.filename, max_member_bytes))
    if sum(info.file_size for info in infos) > max_total_bytes:
        raise ArchiveError(_too_large_total(max_total_bytes))


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    # TRICKY: the sizes in the headers are the archive's word; a crafted member can claim a few
    # bytes and inflate to gigabytes. Reading in chunks stops at the limit whatever it claims.
    buffer = bytearray()
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                buffer += chunk
                if len(buffer) > limit:
                    raise ArchiveError(_too_large_member(info.filename, limit))
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ArchiveError(
            _("%s is damaged and cannot be read.") % info.filename
        ) from exc
    except NotImplementedError as exc:
        raise ArchiveError(
            _("%s uses a compression method that is not supported.") % info.filename
        ) from exc
    return bytes(buffer)


def _too_large_member(name: str, limit: int) -> str:
    return _("%(name)s is larger than %(limit)s once decompressed; it is refused.") % {
        "name": name,
        "limit": _megabytes(limit),
    }


def _too_large_total(limit: int) -> str:
    return _("The archive is larger than %s once decompressed; it is refused.") % (
        _megabytes(limit)
    )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"
