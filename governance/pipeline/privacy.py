"""Personal-data detectors and masking for live sample values (pure, linear-time).

Every string value of every live sample passes through `find`, so the patterns are simple,
compiled once, and bounded: each starting position costs a bounded amount of work, whatever the
input. Look-behinds reject starts inside a longer token, so a run of 100,000 digits is tried once.

The detectors read the value's normal form (`normal.normal_form`: percent-escapes decoded,
NFKC, every digit in ASCII), so "１３８…", "zhang%40example.com" and "%2B86…" are what they
hide; JSON numbers are read through `normal.number_text`.

Kinds and rules:
- phone: a mainland China mobile number (1[3-9] and 9 more digits, optionally after +86, 0086
  or 86) or any E.164 number (+, then 8-15 digits, the first non-zero); digits may be grouped
  by up to three separators (spaces, dots, hyphens, slashes, parentheses): "138.1234.5678",
  "(138) 1234-5678", "+86 (138) 1234 5678". A dotted quad is an IPv4 address, not a phone.
- email: a pragmatic address (local part of at most 64 characters, a dotted domain whose last
  label is 2+ letters or an IDN "xn--" label); in text that is not ASCII, the local part and
  the domain may be in any script ("张三@例子.中国").
- id_number: a mainland China resident ID (17 digits and a check character 0-9/X that satisfies
  ISO 7064 MOD 11-2, with a real calendar birth date in 1900-2099).
- bank_card: 13-19 digits passing Luhn with a card-network prefix (3-6, or Mastercard's
  2221-2720), which keeps dates, millisecond timestamps and order numbers out.

A number is judged as a whole run of digits: a token glued to letters, dots or hyphens
("ORD-20240501-000123", "10.3.1", a UUID) is an identifier, not personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from governance.pipeline import normal


class PersonalDataKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    ID_NUMBER = "id_number"
    BANK_CARD = "bank_card"


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """A value that looks like personal data, at `value[start:end]`."""

    kind: PersonalDataKind
    start: int
    end: int


# Shorter than the shortest address ("a@b.cn") or number (8 digits): nothing to find.
_MIN_LENGTH = 6

# A run holds up to 48 digits so that numbers written side by side are found part by part.
# TRICKY: every repeat is bounded and no repeat is nested, so matching stays linear. The
# look-behinds refuse a start inside a token (after a digit, letter, dot, hyphen or "@") and a
# start that continues a run of digits and separators, so each number is tried from its first
# character; the first look-ahead fails fast where no number can start.
_SEP = r"[ .\-/()]"
_NUMBER = re.compile(
    rf"(?=[(+0-9])(?<![0-9A-Za-z_.@+\-])(?<![0-9]{_SEP})(?<![0-9]{_SEP}{{2}})"
    rf"(?<![0-9]{_SEP}{{3}})"
    rf"\(?\+?\(?[0-9](?:{_SEP}{{0,3}}[0-9]){{7,47}}[Xx]?"
    rf"(?![0-9A-Za-z_@])(?![.\-/][0-9A-Za-z])(?!{_SEP}{{1,3}}[0-9])",
    re.ASCII,
)
# How every `_NUMBER` match begins (the first look-behind, the first eight digits): a value this
# does not find in holds no number the detectors would report. The cheap gate of the scan.
NUMBER_START = re.compile(
    rf"(?=[(+0-9])(?<![0-9A-Za-z_.@+\-])\(?\+?\(?[0-9](?:{_SEP}{{0,3}}[0-9]){{7}}",
    re.ASCII,
)
_EMAIL = re.compile(
    r"(?<![0-9A-Za-z._%+\-])[0-9A-Za-z._%+\-]{1,64}@[0-9A-Za-z.\-]{1,253}", re.ASCII
)
# The same in any script, for text that is not ASCII (an address with a Chinese domain).
_WIDE_EMAIL = re.compile(r"(?<![\w.%+\-])[\w.%+\-]{1,64}@[\w.\-]{1,253}")
_IPV4 = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}", re.ASCII)
_MOBILE_CN = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
_CN_PREFIX = re.compile(r"(?:\+86|0086)[ \-]?", re.ASCII)
_LABEL = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z\-]{0,61}[0-9A-Za-z])?", re.ASCII)
_TLD = re.compile(r"[A-Za-z]{2,63}|[Xx][Nn]--[0-9A-Za-z\-]{1,59}", re.ASCII)
_WIDE_LABEL = re.compile(r"[^\W_](?:[\w\-]{0,61}[^\W_])?")
_WIDE_TLD = re.compile(r"[^\W\d_]{2,63}|[Xx][Nn]--[0-9A-Za-z\-]{1,59}")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def detect(value: str) -> PersonalDataKind | None:
    """The kind of the first personal-data finding in the value, or None."""
    findings = find(value)
    return findings[0].kind if findings else None


def detect_number(value: object) -> PersonalDataKind | None:
    """The kind of personal data a JSON number is (a phone or card sent as digits), or None."""
    digits = normal.number_text(value)
    return _number_kind(digits) if digits is not None else None


def find(value: str) -> list[Finding]:
    """Every personal-data finding in the value's normal form, in order; spans point into
    that form, which is the value itself unless it is disguised (`normal.is_plain`)."""
    # Most values hold neither an address nor the start of a number: the gate says so in
    # about half the work of looking for numbers (masking runs this on every string it keeps).
    if not may_hold(value):
        return []
    return find_without_gate(value)


def may_hold(value: str) -> bool:
    """A cheap gate before the detectors: False only for a value they find nothing in. An
    address needs "@", a number eight digits that do not continue a token
    ("ORD-20240501-000123" holds none); a value that is not plain ASCII always passes (its
    normal form is what is judged)."""
    # `normal.is_plain`, inline: this runs on every string of every sample.
    if not value.isascii() or "%" in value:
        return True
    return len(value) >= _MIN_LENGTH and (
        "@" in value or NUMBER_START.search(value) is not None
    )


def find_without_gate(value: str) -> list[Finding]:
    """`find` without its gate: what the gate is held to (and measured against)."""
    return _find_in(normal.normal_form(value))


def _find_in(text: str) -> list[Finding]:
    """Findings in a text already in its normal form."""
    if len(text) < _MIN_LENGTH:
        return []
    findings = _find_emails(text) if "@" in text else []
    taken = [(f.start, f.end) for f in findings]
    for finding in _find_numbers(text):
        if not any(finding.start < end and start < finding.end for start, end in taken):
            findings.append(finding)
    return sorted(findings, key=lambda f: f.start)


def mask(value: str, kind: PersonalDataKind) -> str:
    """The value with all but a few characters replaced by stars.

    phone: first three and last four digits, separators dropped, a +86/0086 prefix kept as
    written ("+86 138****5678"), other international numbers the same after the "+"; email:
    first character of the local part ("a***@example.com"); id_number: first three and last
    four, like phones ("110***********123X", region and birth date hidden); bank_card: last four
    only ("**** **** **** 1234", length hidden).
    """
    if kind is PersonalDataKind.EMAIL:
        local, at, domain = value.rpartition("@")
        return f"{local[:1]}***@{domain}" if at and local else "*" * len(value)
    if kind is PersonalDataKind.BANK_CARD:
        return "**** **** **** " + _digits(value)[-4:]
    if kind is PersonalDataKind.ID_NUMBER:
        return _keep_ends(_digits(value))
    return _mask_phone(value)


def mask_text(value: str) -> str:
    """The value with every finding masked and everything else unchanged.

    A finding in a disguised value is masked in place when undoing the disguise piece by piece
    finds the same (the rest kept as sent); otherwise the whole value is given in its normal
    form, masked. Either way nothing the detectors find in it is left.
    """
    if not may_hold(value):
        return value
    if normal.is_plain(value):
        return _masked(value, _find_in(value))
    text = normal.normal_form(value)
    findings = _find_in(text)
    if not findings:
        return value
    in_place = _masked_in_place(value, [text[f.start : f.end] for f in findings])
    return in_place if in_place is not None else _masked(text, findings)


def mask_number(value: object) -> str | None:
    """A JSON number that is personal data, masked as text ("138****5678"); None otherwise."""
    digits = normal.number_text(value)
    kind = _number_kind(digits) if digits is not None else None
    return mask(digits, kind) if digits is not None and kind is not None else None


def _masked(text: str, findings: list[Finding]) -> str:
    pieces: list[str] = []
    position = 0
    for finding in findings:
        pieces.append(text[position : finding.start])
        pieces.append(mask(text[finding.start : finding.end], finding.kind))
        position = finding.end
    pieces.append(text[position:])
    return "".join(pieces)


def _masked_in_place(value: str, expected: list[str]) -> str | None:
    """The findings of the value's normal form masked where they stand in the value, or None
    when the piecewise normal form finds other things (text encoded twice, say)."""
    text, starts, ends = normal.mapped(value)
    findings = _find_in(text)
    if [text[f.start : f.end] for f in findings] != expected:
        return None
    pieces: list[str] = []
    position = 0
    for finding in findings:
        start, end = starts[finding.start], ends[finding.end - 1]
        pieces.append(value[position:start])
        pieces.append(mask(text[finding.start : finding.end], finding.kind))
        position = max(position, end)
    pieces.append(value[position:])
    masked = "".join(pieces)
    # The text kept as sent must hide nothing the detectors would find.
    return None if find(masked) else masked


def _find_emails(text: str) -> list[Finding]:
    findings = _emails(text, _EMAIL, wide=False)
    if text.isascii():
        return findings
    taken = [(f.start, f.end) for f in findings]
    for finding in _emails(text, _WIDE_EMAIL, wide=True):
        if not any(finding.start < end and start < finding.end for start, end in taken):
            findings.append(finding)
    return sorted(findings, key=lambda f: f.start)


def _emails(text: str, pattern: re.Pattern[str], *, wide: bool) -> list[Finding]:
    findings = []
    for match in pattern.finditer(text):
        local, _, domain = match.group().partition("@")
        # A sentence may end right after the address: "write to a@b.cn."
        domain = domain.rstrip(".")
        if _is_local_part(local) and _is_domain(domain, wide=wide):
            end = match.start() + len(local) + 1 + len(domain)
            findings.append(
                Finding(kind=PersonalDataKind.EMAIL, start=match.start(), end=end)
            )
    return findings


def _is_local_part(local: str) -> bool:
    return not (local.startswith(".") or local.endswith(".") or ".." in local)


def _is_domain(domain: str, *, wide: bool = False) -> bool:
    labels = domain.split(".")
    label, tld = (_WIDE_LABEL, _WIDE_TLD) if wide else (_LABEL, _TLD)
    if len(labels) < 2 or not tld.fullmatch(labels[-1]):
        return False
    return all(label.fullmatch(part) for part in labels[:-1])


def _find_numbers(value: str) -> list[Finding]:
    findings = []
    for match in _NUMBER.finditer(value):
        kind = _number_kind(match.group())
        if kind is not None:
            findings.append(Finding(kind=kind, start=match.start(), end=match.end()))
        elif " " in match.group():
            findings.extend(_split_run(match.group(), offset=match.start()))
    return findings


def _split_run(run: str, *, offset: int) -> list[Finding]:
    """Findings among the space-separated parts of a run that is not one number as a whole.

    Two numbers written side by side ("13812345678 13912345678") form one run.
    """
    findings = []
    start = 0
    for part in run.split(" "):
        kind = _number_kind(part)
        if kind is not None:
            findings.append(
                Finding(kind=kind, start=offset + start, end=offset + start + len(part))
            )
        start += len(part) + 1
    return findings


def _number_kind(run: str) -> PersonalDataKind | None:
    digits = _digits(run)
    if len(digits) < 8 or (run[0] != "+" and _IPV4.fullmatch(run)):
        return None
    if run.lstrip("(").startswith("+"):
        return PersonalDataKind.PHONE if _is_international_phone(digits) else None
    if digits[-1] in "Xx" or len(digits) == 18:
        return (
            PersonalDataKind.ID_NUMBER if is_id_number(digits) else _card_kind(digits)
        )
    if _MOBILE_CN.fullmatch(_national(digits)):
        return PersonalDataKind.PHONE
    return _card_kind(digits)


def _national(digits: str) -> str:
    """A number without its mainland China country code (0086, or 86 before 11 digits)."""
    if digits.startswith("0086"):
        return digits[4:]
    if len(digits) == 13 and digits.startswith("86"):
        return digits[2:]
    return digits


def _card_kind(digits: str) -> PersonalDataKind | None:
    return PersonalDataKind.BANK_CARD if is_bank_card(digits) else None


def _is_international_phone(digits: str) -> bool:
    if digits.startswith("86") and len(digits) == 13:
        return _MOBILE_CN.fullmatch(digits[2:]) is not None
    return 8 <= len(digits) <= 15 and digits[0] != "0"


def is_id_number(value: str) -> bool:
    """True for a mainland China resident ID: 17 digits, a valid birth date and check character."""
    if len(value) != 18 or not value[:17].isdigit() or not value.isascii():
        return False
    if not _is_birth_date(value[6:14]):
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(value, _ID_WEIGHTS, strict=False)
    )
    return _ID_CHECK[total % 11] == value[17].upper()


def _is_birth_date(text: str) -> bool:
    year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
    if not 1900 <= year <= 2099:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def is_bank_card(value: str) -> bool:
    """True for 13-19 ASCII digits with a card-network prefix that pass the Luhn check."""
    if not (13 <= len(value) <= 19 and value.isdigit() and value.isascii()):
        return False
    if not ("3" <= value[0] <= "6" or "2221" <= value[:4] <= "2720"):
        return False
    total = 0
    for position, char in enumerate(reversed(value)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _mask_phone(value: str) -> str:
    value = value.lstrip("(")
    prefix = _CN_PREFIX.match(value)
    if prefix is not None:
        return prefix.group() + _keep_ends(_digits(value[prefix.end() :]))
    sign = "+" if value.startswith("+") else ""
    return sign + _keep_ends(_digits(value))


def _keep_ends(digits: str) -> str:
    """First three and last four characters with stars between; all stars when that is too few."""
    hidden = len(digits) - 7
    if hidden < 1:
        return "*" * len(digits)
    return digits[:3] + "*" * hidden + digits[-4:]


def _digits(value: str) -> str:
    return "".join(char for char in value if char in "0123456789Xx")
