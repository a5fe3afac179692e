"""The tracking-document spreadsheet's vocabulary: columns and values, in English and Chinese.

Headers and values are matched loosely (case, spaces, underscores and a trailing `*` ignored;
`事件名 / Event key` style headers work by either half); exports write one language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from tracking.constraints import (
    ARRAY,
    BOOLEAN,
    DATE_TIME,
    INTEGER,
    NUMBER,
    OBJECT,
    STRING,
)

EN = "en"
ZH = "zh"


@dataclass(frozen=True, slots=True, kw_only=True)
class Column:
    name: str  # the field the column fills
    en: str  # header written in English
    zh: str  # header written in Chinese
    aliases: tuple[str, ...] = ()
    required: bool = False
    event_level: bool = False

    def header(self, language: str) -> str:
        return self.zh if language == ZH else self.en


COLUMNS = (
    Column(
        name="event_key",
        en="Event key",
        zh="事件名",
        aliases=("event", "event name", "事件", "事件名称", "事件英文名", "事件key"),
        required=True,
        event_level=True,
    ),
    Column(
        name="event_display_name",
        en="Event display name",
        zh="事件显示名",
        aliases=("事件显示名称", "事件中文名"),
        event_level=True,
    ),
    Column(
        name="trigger",
        en="Trigger",
        zh="触发时机",
        aliases=("when it fires", "埋点位置", "触发条件"),
        event_level=True,
    ),
    Column(
        name="event_description",
        en="Event description",
        zh="事件描述",
        aliases=("事件说明",),
        event_level=True,
    ),
    Column(
        name="category",
        en="Category",
        zh="事件分类",
        aliases=("event category", "分类"),
        event_level=True,
    ),
    Column(name="tags", en="Tags", zh="标签", event_level=True),
    Column(name="owner", en="Owner", zh="负责人", event_level=True),
    Column(
        name="status",
        en="Status",
        zh="状态",
        aliases=("事件状态",),
        event_level=True,
    ),
    Column(
        name="tracked_on",
        en="Tracked on",
        zh="上报方式",
        aliases=("埋点方式",),
        event_level=True,
    ),
    Column(
        name="property_key",
        en="Property key",
        zh="属性名",
        aliases=("property", "property name", "属性", "属性名称", "属性key", "参数名"),
        required=True,
    ),
    Column(
        name="property_display_name",
        en="Property display name",
        zh="属性显示名",
        aliases=("display name", "属性显示名称", "属性中文名"),
    ),
    Column(
        name="type",
        en="Type",
        zh="类型",
        aliases=("property type", "data type", "属性类型", "数据类型"),
        required=True,
    ),
    Column(name="item_type", en="Item type", zh="元素类型", aliases=("列表元素类型",)),
    Column(name="required", en="Required", zh="是否必填", aliases=("必填",)),
    Column(
        name="enum",
        en="Enum values",
        zh="枚举值",
        aliases=("enum", "allowed values", "可选值"),
    ),
    Column(
        name="description",
        en="Description",
        zh="描述",
        aliases=("property description", "属性描述", "属性说明", "说明"),
    ),
    Column(
        name="note",
        en="Note for this event",
        zh="事件内说明",
        aliases=("note", "备注"),
    ),
    Column(
        name="privacy_class",
        en="Privacy class",
        zh="隐私级别",
        aliases=("privacy", "隐私等级"),
    ),
    Column(name="pattern", en="Pattern", zh="正则", aliases=("regex", "正则表达式")),
    Column(name="minimum", en="Minimum", zh="最小值", aliases=("min",)),
    Column(name="maximum", en="Maximum", zh="最大值", aliases=("max",)),
    Column(name="min_length", en="Min length", zh="最小长度"),
    Column(name="max_length", en="Max length", zh="最大长度"),
    Column(name="min_items", en="Min items", zh="最少元素数"),
    Column(name="max_items", en="Max items", zh="最多元素数"),
    Column(
        name="examples",
        en="Examples",
        zh="示例值",
        aliases=("example values", "示例"),
    ),
)

TYPES = {
    STRING: ("string", "str", "text", "字符串", "文本", "字符"),
    INTEGER: ("integer", "int", "long", "整数", "整型"),
    NUMBER: (
        "number",
        "float",
        "double",
        "decimal",
        "numeric",
        "数字",
        "数值",
        "浮点数",
        "小数",
    ),
    BOOLEAN: ("boolean", "bool", "布尔", "布尔值"),
    DATE_TIME: ("date-time", "datetime", "date time", "日期时间", "时间"),
    ARRAY: ("array", "list", "数组", "列表"),
    OBJECT: ("object", "对象"),
}
TYPE_NAMES_ZH = {STRING: "字符串", INTEGER: "整数", NUMBER: "数字", BOOLEAN: "布尔"}
TYPE_NAMES_ZH |= {DATE_TIME: "日期时间", ARRAY: "数组", OBJECT: "对象"}

YES, NO = "yes", "no"
YES_NO = {
    YES: ("yes", "y", "true", "1", "required", "x", "✓", "是", "必填", "必须"),
    NO: ("no", "n", "false", "0", "optional", "否", "非必填", "选填", "可选"),
}
PRIVACY = {
    "none": ("none", "no", "not personal", "无", "否", "不敏感", "普通"),
    "personal": ("personal", "pii", "个人", "个人信息"),
    "sensitive": ("sensitive", "敏感", "敏感信息"),
}
PRIVACY_ZH = {"none": "无", "personal": "个人信息", "sensitive": "敏感信息"}
STATUS = {
    "draft": ("draft", "草稿"),
    "active": ("active", "生效", "启用", "已上线"),
    "deprecated": ("deprecated", "废弃", "已废弃"),
}
STATUS_ZH = {"draft": "草稿", "active": "生效", "deprecated": "已废弃"}
TRACKED_ON = {
    "client": ("client", "客户端", "前端"),
    "server": ("server", "服务端", "后端"),
}
TRACKED_ON_ZH = {"client": "客户端", "server": "服务端"}

_SPACES = re.compile(r"[\s_\-]+")
_HALVES = re.compile(r"\s*[/|（）()]\s*")
_COMPOUND_TYPE = re.compile(r"(.+?)\s*[<(（\[]\s*(.+?)\s*[>)）\]]")


def normalise(text: str) -> str:
    return _SPACES.sub(" ", text.strip().rstrip("*").strip()).casefold()


def column_for(header: str) -> Column | None:
    """The column a header names, trying each half of a bilingual `中文 / English` header."""
    candidates = [header, *_HALVES.split(header)]
    for candidate in candidates:
        column = _BY_HEADER.get(normalise(candidate))
        if column is not None:
            return column
    return None


def lookup(text: str, table: Mapping[str, tuple[str, ...]]) -> str | None:
    """The canonical value whose spellings include `text`, ignoring case and spacing."""
    wanted = normalise(text)
    for value, spellings in table.items():
        if wanted in {normalise(s) for s in spellings}:
            return value
    return None


def parse_type(text: str) -> tuple[str | None, str]:
    """(type, item type) from `array`, `array<string>`, `数组<字符串>` or `string[]`."""
    cleaned = text.strip()
    if cleaned.endswith("[]"):
        item = lookup(cleaned[:-2], TYPES)
        return (ARRAY, item) if item else (None, "")
    match = _COMPOUND_TYPE.fullmatch(cleaned)
    if match and lookup(match.group(1), TYPES) == ARRAY:
        item = lookup(match.group(2), TYPES)
        return (ARRAY, item) if item else (None, "")
    return lookup(cleaned, TYPES), ""


def type_choices() -> str:
    english = ", ".join(TYPES)
    chinese = ", ".join(TYPE_NAMES_ZH.values())
    return f"{english} ({chinese})"


def type_name(type_: str, language: str) -> str:
    return TYPE_NAMES_ZH.get(type_, type_) if language == ZH else type_


_BY_HEADER = {
    normalise(spelling): column
    for column in COLUMNS
    for spelling in (column.en, column.zh, column.name, *column.aliases)
}
