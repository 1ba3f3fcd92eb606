"""Sprig's date functions (sprig's date.go, registered in functions.go):
``date``, ``dateInZone``/``date_in_zone``, ``htmlDate``, ``htmlDateInZone``,
``dateModify``/``date_modify``, ``mustDateModify``/``must_date_modify``,
``toDate``, ``mustToDate``, ``unixEpoch``, ``ago``, ``duration``,
``durationRound`` and ``now``.

Underneath is Go's time package as far as these need it: ``Time.Format`` and
``time.ParseInLocation`` with Go's layouts ("2006-01-02 15:04:05.000 MST",
every std chunk of time/format.go) and ParseError texts, ``ParseDuration``
with its error texts, ``Duration.Round``/``String``, ``LoadLocation`` (the
tz database under /usr/share/zoneinfo, read with zoneinfo as Go reads it:
``""``/``UTC`` is UTC, ``Local`` the process's zone from ``$TZ`` or
/etc/localtime) and ``Unix``/``Since``. Times are gotmpl.gotime.GoTime values
(any year: GoTime keeps far years as a 400-year shift of a datetime).

``now``, and ``date``/``ago``/``durationRound`` of values that are not times,
read the clock; ``time.Now()``'s monotonic reading (``m=+0.001``) is not kept.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import io
import os
import struct
import time as _time
import zoneinfo
from typing import Any

from .. import values as V
from ..gotime import GoTime, format_duration
from ..strconv import NumError, from_go_bytes, go_bytes, parse_int
from . import sprig_func

__all__ = [
    "Location",
    "UTC",
    "local_location",
    "load_location",
    "format_time",
    "parse_in_location",
    "parse_duration",
    "TimeParseError",
    "unix_time",
    "time_in",
]

_UTC_TZ = _dt.timezone.utc
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_UTC_TZ)
_DAYS_400Y = 146097
_SECS_400Y = _DAYS_400Y * 86400
_MAX_INT64 = (1 << 63) - 1
_MIN_INT64 = -(1 << 63)
_NS = 1_000_000_000
# Seconds from January 1, year 1 to the Unix epoch (Go's unixToInternal).
_UNIX_TO_INTERNAL = (1969 * 365 + 1969 // 4 - 1969 // 100 + 1969 // 400) * 86400


# --- locations ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Location:
    """A Go *time.Location: a fixed zone (``fixed`` seconds east of UTC named
    ``abbr``) or a tz database zone (``tz``, with its zone types for
    ``lookupName``)."""

    name: str
    tz: _dt.tzinfo | None = None
    fixed: int = 0
    abbr: str = ""
    zones: tuple[tuple[str, int], ...] = ()

    def offset_at(self, unix: int) -> tuple[str, int]:
        """(abbreviation, offset in seconds) in effect at a Unix second (Go's lookup)."""
        if self.tz is None:
            return self.abbr, self.fixed
        when = _aware(unix, self.tz)[0]
        off = when.utcoffset() or _dt.timedelta(0)
        return when.tzname() or "", int(off.total_seconds())

    def lookup_name(self, name: str, unix: int) -> int | None:
        """Go's Location.lookupName: the offset of a zone abbreviation."""
        for abbr, offset in self.zones:
            if abbr == name and self.offset_at(unix - offset)[0] == abbr:
                return self.offset_at(unix - offset)[1]
        for abbr, offset in self.zones:
            if abbr == name:
                return offset
        return None


UTC = Location("UTC", abbr="UTC", zones=(("UTC", 0),))

_ZONE_SOURCES = ("/usr/share/zoneinfo/", "/usr/share/lib/zoneinfo/", "/usr/lib/locale/TZ/", "/etc/zoneinfo")
_MAX_TZ_FILE = 10 << 20


def _tzif_zones(data: bytes) -> tuple[tuple[str, int], ...]:
    """The zone types (abbreviation, offset) of TZif data, from the 64-bit
    block when there is one, as Go's LoadLocationFromTZData reads them."""

    def header(at: int) -> tuple[int, list[int]]:
        if data[at : at + 4] != b"TZif":
            raise ValueError("malformed time zone information")
        return data[at + 4], list(struct.unpack(">6l", data[at + 20 : at + 44]))

    version, counts = header(0)
    pos = 44
    time_size = 4
    if version >= ord("2"):
        isut, isstd, leap, ntime, ntype, nchar = counts
        pos += ntime * 4 + ntime + ntype * 6 + nchar + leap * 8 + isstd + isut
        _, counts = header(pos)
        pos += 44
        time_size = 8
    isut, isstd, leap, ntime, ntype, nchar = counts
    pos += ntime * time_size + ntime
    types = [struct.unpack(">lBB", data[pos + 6 * i : pos + 6 * i + 6]) for i in range(ntype)]
    pos += ntype * 6
    chars = data[pos : pos + nchar]
    zones = []
    for offset, _isdst, index in types:
        end = chars.find(b"\x00", index)
        zones.append((chars[index : end if end >= 0 else len(chars)].decode("latin-1"), offset))
    return tuple(zones)


def _read_zone(path: str, name: str) -> Location | None:
    try:
        with open(path, "rb") as f:
            data = f.read(_MAX_TZ_FILE + 1)
    except (OSError, ValueError):
        return None
    if len(data) > _MAX_TZ_FILE:
        return None
    try:
        zones = _tzif_zones(data)
        tz = zoneinfo.ZoneInfo.from_file(io.BytesIO(data), key=name)
    except (ValueError, struct.error, IndexError, OSError):
        return None
    return Location(name, tz=tz, zones=zones)


def _load_from_sources(name: str, sources: tuple[str, ...]) -> Location | None:
    for source in sources:
        path = source + "/" + name if source else name
        loc = _read_zone(path, name)
        if loc is not None:
            return loc
    return None


_LOCAL: Location | None = None
_CACHE: dict[str, Location | None] = {}


def local_location() -> Location:
    """Go's time.Local: ``$TZ`` (a zone name or an absolute file), else
    /etc/localtime, else UTC; computed once, as Go does at start-up."""
    global _LOCAL
    if _LOCAL is not None:
        return _LOCAL
    tz = os.environ.get("TZ")
    loc: Location | None = None
    if tz is None:
        loc = _read_zone("/etc/localtime", "Local")
    elif tz != "":
        if tz[0] == ":":
            tz = tz[1:]
        if tz.startswith("/"):
            loc = _read_zone(tz, "Local" if tz == "/etc/localtime" else tz)
        elif tz not in ("", "UTC"):
            loc = _load_from_sources(tz, _ZONE_SOURCES)
    if loc is None:
        loc = UTC
    _LOCAL = dataclasses.replace(loc, name="Local") if loc is not UTC else loc
    return _LOCAL


def load_location(name: str) -> Location | None:
    """Go's time.LoadLocation (None: Go's error)."""
    if name in ("", "UTC"):
        return UTC
    if name == "Local":
        return local_location()
    if ".." in name or name[0] in "/\\":
        return None
    if name in _CACHE:
        return _CACHE[name]
    sources: tuple[str, ...] = _ZONE_SOURCES
    zone_dir = os.environ.get("ZONEINFO", "")
    if zone_dir and os.path.isdir(zone_dir):
        sources = (zone_dir,) + sources
    try:
        loc = _load_from_sources(name, sources)
    except UnicodeError:
        loc = None
    if len(_CACHE) > 256:
        _CACHE.clear()
    _CACHE[name] = loc
    return loc


def fixed_zone(name: str, offset: int) -> Location:
    """Go's time.FixedZone."""
    return Location(name, fixed=offset, abbr=name, zones=((name, offset),))


# --- instants and GoTime ---------------------------------------------------------------------


def _aware(unix: int, tz: _dt.tzinfo) -> tuple[_dt.datetime, int]:
    """The datetime of a Unix second in tz and the years it was moved by to
    fit datetime's range (a multiple of 400: calendars repeat every 400 years)."""
    shift = 0
    lo, hi = -62104060800, 253370764800  # years 2 and 9998
    if unix < lo:
        k = -((unix - lo) // _SECS_400Y)
        unix += k * _SECS_400Y
        shift = -400 * k
    elif unix > hi:
        k = -((hi - unix) // _SECS_400Y)
        unix -= k * _SECS_400Y
        shift = 400 * k
    when = (_EPOCH + _dt.timedelta(seconds=unix)).astimezone(tz)
    return when, shift


def unix_time(sec: int, nsec: int, loc: Location) -> GoTime:
    """The GoTime of a Unix instant, seen in loc."""
    sec += nsec // _NS
    nsec %= _NS
    tz = loc.tz if loc.tz is not None else (_UTC_TZ if loc.fixed == 0 else _dt.timezone(_dt.timedelta(seconds=loc.fixed)))
    when, shift = _aware(sec, tz)
    if loc.tz is None:
        zone = loc.abbr or None
    else:
        zone = when.tzname() or None
    return GoTime(when, nsec, zone, shift)


def unix_of(t: GoTime) -> tuple[int, int]:
    """(Unix seconds, nanoseconds) of a GoTime (Go's Unix and Nanosecond)."""
    w = t.when
    days = w.toordinal() + t.year_offset // 400 * _DAYS_400Y
    offset = w.utcoffset() or _dt.timedelta(0)
    secs = days * 86400 + w.hour * 3600 + w.minute * 60 + w.second - int(offset.total_seconds())
    return secs - 86400 - _UNIX_TO_INTERNAL, t.nanos


def _location_of(t: GoTime) -> Location:
    """A Location that shows times as t is shown (its zone and offset)."""
    tz = t.when.tzinfo
    if isinstance(tz, zoneinfo.ZoneInfo):
        return Location(str(tz.key), tz=tz)
    off = t.when.utcoffset() or _dt.timedelta(0)
    return fixed_zone(t.zone or "", int(off.total_seconds()))


def time_in(t: GoTime, loc: Location) -> GoTime:
    """Go's Time.In."""
    sec, nsec = unix_of(t)
    return unix_time(sec, nsec, loc)


def _add(t: GoTime, d: int) -> GoTime:
    """Go's Time.Add: d nanoseconds later, in the same location."""
    sec, nsec = unix_of(t)
    dsec = _trunc_div(d, _NS)
    nsec += d - dsec * _NS
    sec += dsec
    if nsec >= _NS:
        sec += 1
        nsec -= _NS
    elif nsec < 0:
        sec -= 1
        nsec += _NS
    return unix_time(sec, nsec, _location_of(t))


def _trunc_div(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _days_from_civil(y: int, m: int, d: int) -> int:
    """Days from 1970-01-01 to a proleptic Gregorian date, any year."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * _DAYS_400Y + doe - 719468


def go_date(year: int, month: int, day: int, hour: int, minute: int, sec: int, nsec: int, loc: Location) -> GoTime:
    """Go's time.Date for the in-range fields Parse produces: the wall time's
    offset is looked up as Go does (first as if UTC, then at the result)."""
    local = _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + sec
    _, offset = loc.offset_at(local)
    if offset:
        _, again = loc.offset_at(local - offset)
        if again != offset:
            offset = again
    return unix_time(local - offset, nsec, loc)


def _now() -> GoTime:
    ns = _time.time_ns()
    return unix_time(ns // _NS, ns % _NS, local_location())


def _since(t: GoTime) -> int:
    """Go's time.Since: nanoseconds, saturated to int64."""
    now_sec, now_nsec = unix_of(_now())
    sec, nsec = unix_of(t)
    d = (now_sec - sec) * _NS + (now_nsec - nsec)
    return max(_MIN_INT64, min(_MAX_INT64, d))


# --- Go's quote() in time error messages ----------------------------------------------------


def _time_quote(b: bytes) -> str:
    """time's quote(): ASCII printable as is (``"`` and ``\\`` escaped), every
    other byte as ``\\xHH``."""
    out = ['"']
    i = 0
    while i < len(b):
        c = b[i]
        if c >= 0x80 or c < 0x20:
            width = 1
            if c >= 0x80:
                try:
                    width = _rune_len(b, i)
                except ValueError:
                    width = 1
            out.extend(f"\\x{b[i + j]:02x}" for j in range(width))
            i += width
            continue
        if c in (0x22, 0x5C):
            out.append("\\")
        out.append(chr(c))
        i += 1
    out.append('"')
    return "".join(out)


def _rune_len(b: bytes, i: int) -> int:
    for width in (2, 3, 4):
        try:
            b[i : i + width].decode("utf-8")
            return width
        except UnicodeDecodeError:
            continue
    raise ValueError


# --- layouts -------------------------------------------------------------------------------

(
    STD_LONG_MONTH,
    STD_MONTH,
    STD_NUM_MONTH,
    STD_ZERO_MONTH,
    STD_LONG_WEEKDAY,
    STD_WEEKDAY,
    STD_DAY,
    STD_UNDER_DAY,
    STD_ZERO_DAY,
    STD_UNDER_YEARDAY,
    STD_ZERO_YEARDAY,
    STD_HOUR,
    STD_HOUR12,
    STD_ZERO_HOUR12,
    STD_MINUTE,
    STD_ZERO_MINUTE,
    STD_SECOND,
    STD_ZERO_SECOND,
    STD_LONG_YEAR,
    STD_YEAR,
    STD_PM,
    STD_pm,
    STD_TZ,
    STD_ISO8601_TZ,
    STD_ISO8601_SECONDS_TZ,
    STD_ISO8601_SHORT_TZ,
    STD_ISO8601_COLON_TZ,
    STD_ISO8601_COLON_SECONDS_TZ,
    STD_NUM_TZ,
    STD_NUM_SECONDS_TZ,
    STD_NUM_SHORT_TZ,
    STD_NUM_COLON_TZ,
    STD_NUM_COLON_SECONDS_TZ,
    STD_FRAC_SECOND0,
    STD_FRAC_SECOND9,
) = range(1, 36)

_ISO_TZ = {STD_ISO8601_TZ, STD_ISO8601_SECONDS_TZ, STD_ISO8601_SHORT_TZ, STD_ISO8601_COLON_TZ, STD_ISO8601_COLON_SECONDS_TZ}
_NUM_TZ = {STD_NUM_TZ, STD_NUM_SECONDS_TZ, STD_NUM_SHORT_TZ, STD_NUM_COLON_TZ, STD_NUM_COLON_SECONDS_TZ}
_STD_0X = (STD_ZERO_MONTH, STD_ZERO_DAY, STD_ZERO_HOUR12, STD_ZERO_MINUTE, STD_ZERO_SECOND, STD_YEAR)
_TZ_CHUNKS = (
    (b"070000", STD_NUM_SECONDS_TZ, STD_ISO8601_SECONDS_TZ),
    (b"07:00:00", STD_NUM_COLON_SECONDS_TZ, STD_ISO8601_COLON_SECONDS_TZ),
    (b"0700", STD_NUM_TZ, STD_ISO8601_TZ),
    (b"07:00", STD_NUM_COLON_TZ, STD_ISO8601_COLON_TZ),
    (b"07", STD_NUM_SHORT_TZ, STD_ISO8601_SHORT_TZ),
)


@dataclasses.dataclass(frozen=True)
class Std:
    """One std chunk: its kind; for fractional seconds the digit count and separator."""

    code: int
    digits: int = 0
    sep: int = 0x2E


def _is_digit(s: bytes, i: int) -> bool:
    return i < len(s) and 0x30 <= s[i] <= 0x39


def _lower_start(s: bytes) -> bool:
    return bool(s) and 0x61 <= s[0] <= 0x7A


def next_std_chunk(layout: bytes) -> tuple[bytes, Std | None, bytes]:
    """Go's nextStdChunk: the text before the first std chunk, the chunk, the rest."""
    n = len(layout)
    for i in range(n):
        c = layout[i]
        rest = layout[i:]
        if c == 0x4A:  # J
            if rest.startswith(b"Jan"):
                if rest.startswith(b"January"):
                    return layout[:i], Std(STD_LONG_MONTH), layout[i + 7 :]
                if not _lower_start(layout[i + 3 :]):
                    return layout[:i], Std(STD_MONTH), layout[i + 3 :]
        elif c == 0x4D:  # M
            if rest.startswith(b"Mon"):
                if rest.startswith(b"Monday"):
                    return layout[:i], Std(STD_LONG_WEEKDAY), layout[i + 6 :]
                if not _lower_start(layout[i + 3 :]):
                    return layout[:i], Std(STD_WEEKDAY), layout[i + 3 :]
            if rest.startswith(b"MST"):
                return layout[:i], Std(STD_TZ), layout[i + 3 :]
        elif c == 0x30:  # 0
            if i + 1 < n and 0x31 <= layout[i + 1] <= 0x36:
                return layout[:i], Std(_STD_0X[layout[i + 1] - 0x31]), layout[i + 2 :]
            if rest.startswith(b"002"):
                return layout[:i], Std(STD_ZERO_YEARDAY), layout[i + 3 :]
        elif c == 0x31:  # 1
            if rest.startswith(b"15"):
                return layout[:i], Std(STD_HOUR), layout[i + 2 :]
            return layout[:i], Std(STD_NUM_MONTH), layout[i + 1 :]
        elif c == 0x32:  # 2
            if rest.startswith(b"2006"):
                return layout[:i], Std(STD_LONG_YEAR), layout[i + 4 :]
            return layout[:i], Std(STD_DAY), layout[i + 1 :]
        elif c == 0x5F:  # _
            if rest.startswith(b"_2"):
                if rest.startswith(b"_2006"):
                    return layout[: i + 1], Std(STD_LONG_YEAR), layout[i + 5 :]
                return layout[:i], Std(STD_UNDER_DAY), layout[i + 2 :]
            if rest.startswith(b"__2"):
                return layout[:i], Std(STD_UNDER_YEARDAY), layout[i + 3 :]
        elif c == 0x33:
            return layout[:i], Std(STD_HOUR12), layout[i + 1 :]
        elif c == 0x34:
            return layout[:i], Std(STD_MINUTE), layout[i + 1 :]
        elif c == 0x35:
            return layout[:i], Std(STD_SECOND), layout[i + 1 :]
        elif c == 0x50:  # P
            if rest.startswith(b"PM"):
                return layout[:i], Std(STD_PM), layout[i + 2 :]
        elif c == 0x70:  # p
            if rest.startswith(b"pm"):
                return layout[:i], Std(STD_pm), layout[i + 2 :]
        elif c in (0x2D, 0x5A):  # - Z
            for text, num, iso in _TZ_CHUNKS:
                if layout.startswith(text, i + 1):
                    return layout[:i], Std(num if c == 0x2D else iso), layout[i + 1 + len(text) :]
        elif c in (0x2E, 0x2C):  # . ,
            if i + 1 < n and layout[i + 1] in (0x30, 0x39):
                ch = layout[i + 1]
                j = i + 1
                while j < n and layout[j] == ch:
                    j += 1
                if not _is_digit(layout, j):
                    code = STD_FRAC_SECOND0 if ch == 0x30 else STD_FRAC_SECOND9
                    return layout[:i], Std(code, (j - (i + 1)) & 0xFFF, c), layout[j:]
    return layout, None, b""


_LONG_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_LONG_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _append_int(x: int, width: int) -> str:
    """Go's appendInt: decimal, zero-padded to width (the sign not counted)."""
    if x < 0:
        return "-" + str(-x).rjust(width, "0")
    return str(x).rjust(width, "0")


def _append_nano(nanos: int, std: Std) -> str:
    trim = std.code == STD_FRAC_SECOND9
    n = std.digits
    if trim and (n == 0 or nanos == 0):
        return ""
    dot = chr(std.sep)
    text = dot + f"{nanos:09d}"
    if n < 9:
        text = text[: len(text) - 9 + n]
    if trim:
        text = text.rstrip("0")
        if text.endswith(dot):
            text = text[:-1]
    return text


def _tz_text(std: int, offset: int) -> str:
    if offset == 0 and std in _ISO_TZ:
        return "Z"
    zone = _trunc_div(offset, 60)
    absoffset = offset
    if zone < 0:
        out = "-"
        zone = -zone
        absoffset = -absoffset
    else:
        out = "+"
    out += _append_int(zone // 60, 2)
    if std in (STD_ISO8601_COLON_TZ, STD_NUM_COLON_TZ, STD_ISO8601_COLON_SECONDS_TZ, STD_NUM_COLON_SECONDS_TZ):
        out += ":"
    if std not in (STD_NUM_SHORT_TZ, STD_ISO8601_SHORT_TZ):
        out += _append_int(zone % 60, 2)
    if std in (STD_ISO8601_SECONDS_TZ, STD_NUM_SECONDS_TZ, STD_NUM_COLON_SECONDS_TZ, STD_ISO8601_COLON_SECONDS_TZ):
        if std in (STD_NUM_COLON_SECONDS_TZ, STD_ISO8601_COLON_SECONDS_TZ):
            out += ":"
        out += _append_int(absoffset % 60, 2)
    return out


def format_time(t: GoTime, layout: str) -> str:
    """Go's Time.Format."""
    w = t.when
    year = t.year
    offset = int((w.utcoffset() or _dt.timedelta(0)).total_seconds())
    name = t.zone or ""
    hour = w.hour
    out: list[str] = []
    rest = go_bytes(layout)
    while rest:
        prefix, std, rest = next_std_chunk(rest)
        if prefix:
            out.append(from_go_bytes(prefix))
        if std is None:
            break
        code = std.code
        if code == STD_YEAR:
            out.append(_append_int(abs(year) % 100, 2))
        elif code == STD_LONG_YEAR:
            out.append(_append_int(year, 4))
        elif code == STD_MONTH:
            out.append(_LONG_MONTHS[w.month - 1][:3])
        elif code == STD_LONG_MONTH:
            out.append(_LONG_MONTHS[w.month - 1])
        elif code == STD_NUM_MONTH:
            out.append(str(w.month))
        elif code == STD_ZERO_MONTH:
            out.append(_append_int(w.month, 2))
        elif code in (STD_WEEKDAY, STD_LONG_WEEKDAY):
            day = _LONG_DAYS[(w.weekday() + 1) % 7]
            out.append(day[:3] if code == STD_WEEKDAY else day)
        elif code == STD_DAY:
            out.append(str(w.day))
        elif code == STD_UNDER_DAY:
            out.append(("" if w.day >= 10 else " ") + str(w.day))
        elif code == STD_ZERO_DAY:
            out.append(_append_int(w.day, 2))
        elif code == STD_UNDER_YEARDAY:
            yday = w.timetuple().tm_yday
            out.append(str(yday).rjust(3, " "))
        elif code == STD_ZERO_YEARDAY:
            out.append(_append_int(w.timetuple().tm_yday, 3))
        elif code == STD_HOUR:
            out.append(_append_int(hour, 2))
        elif code in (STD_HOUR12, STD_ZERO_HOUR12):
            hr = hour % 12 or 12
            out.append(_append_int(hr, 2 if code == STD_ZERO_HOUR12 else 0))
        elif code == STD_MINUTE:
            out.append(str(w.minute))
        elif code == STD_ZERO_MINUTE:
            out.append(_append_int(w.minute, 2))
        elif code == STD_SECOND:
            out.append(str(w.second))
        elif code == STD_ZERO_SECOND:
            out.append(_append_int(w.second, 2))
        elif code == STD_PM:
            out.append("PM" if hour >= 12 else "AM")
        elif code == STD_pm:
            out.append("pm" if hour >= 12 else "am")
        elif code in _ISO_TZ or code in _NUM_TZ:
            out.append(_tz_text(code, offset))
        elif code == STD_TZ:
            if name:
                out.append(name)
            else:
                zone = _trunc_div(offset, 60)
                sign = "-" if zone < 0 else "+"
                zone = abs(zone)
                out.append(sign + _append_int(zone // 60, 2) + _append_int(zone % 60, 2))
        elif code in (STD_FRAC_SECOND0, STD_FRAC_SECOND9):
            out.append(_append_nano(t.nanos, std))
    return "".join(out)


# --- parsing -------------------------------------------------------------------------------


class TimeParseError(ValueError):
    """Go's *time.ParseError."""

    def __init__(self, layout: bytes, value: bytes, layout_elem: bytes, value_elem: bytes, message: str) -> None:
        if message == "":
            text = (
                f"parsing time {_time_quote(value)} as {_time_quote(layout)}: cannot parse "
                f"{_time_quote(value_elem)} as {_time_quote(layout_elem)}"
            )
        else:
            text = f"parsing time {_time_quote(value)}{message}"
        super().__init__(text)


class _Bad(Exception):
    """Go's errBad: this element does not parse."""


def _getnum(s: bytes, fixed: bool) -> tuple[int, bytes]:
    if not _is_digit(s, 0):
        raise _Bad
    if not _is_digit(s, 1):
        if fixed:
            raise _Bad
        return s[0] - 0x30, s[1:]
    return (s[0] - 0x30) * 10 + s[1] - 0x30, s[2:]


def _getnum3(s: bytes, fixed: bool) -> tuple[int, bytes]:
    n = i = 0
    while i < 3 and _is_digit(s, i):
        n = n * 10 + s[i] - 0x30
        i += 1
    if i == 0 or fixed and i != 3:
        raise _Bad
    return n, s[i:]


def _skip(value: bytes, prefix: bytes) -> tuple[bytes, bool]:
    """Go's skip: value after the literal prefix (spaces match any run of
    spaces), and whether it matched; on a mismatch, what was left of value."""
    while prefix:
        if prefix[0] == 0x20:
            if value and value[0] != 0x20:
                return value, False
            prefix = prefix.lstrip(b" ")
            value = value.lstrip(b" ")
            continue
        if not value or value[0] != prefix[0]:
            return value, False
        prefix, value = prefix[1:], value[1:]
    return value, True


def _leading_int(s: bytes) -> tuple[int, bytes]:
    """Go's leadingInt (raises _Bad on overflow)."""
    x = 0
    i = 0
    while i < len(s) and 0x30 <= s[i] <= 0x39:
        if x > (1 << 63) // 10:
            raise _Bad
        x = x * 10 + s[i] - 0x30
        if x > 1 << 63:
            raise _Bad
        i += 1
    return x, s[i:]


def _atoi(s: bytes) -> int:
    neg = False
    if s[:1] in (b"-", b"+"):
        neg = s[:1] == b"-"
        s = s[1:]
    q, rem = _leading_int(s)
    if rem:
        raise _Bad
    x = q - (1 << 64) if q >= 1 << 63 else q  # Go's int(uint64)
    return -x if neg else x


def _lookup(table: tuple[str, ...], value: bytes) -> tuple[int, bytes]:
    for i, name in enumerate(table):
        v = name.encode()
        if len(value) >= len(v) and all(
            a == b or ((a | 0x20) == (b | 0x20) and 0x61 <= (a | 0x20) <= 0x7A) for a, b in zip(value, v)
        ):
            return i, value[len(v) :]
    raise _Bad


def _parse_nanoseconds(value: bytes, nbytes: int) -> tuple[int, str]:
    if value[:1] not in (b".", b","):
        raise _Bad
    if nbytes > 10:
        value = value[:10]
        nbytes = 10
    ns = _atoi(value[1:nbytes])
    if ns < 0:
        return 0, "fractional second"
    return ns * 10 ** (10 - nbytes), ""


def _parse_signed_offset(value: bytes) -> int:
    if value[:1] not in (b"-", b"+"):
        return 0
    try:
        x, rem = _leading_int(value[1:])
    except _Bad:
        return 0
    if value[1:] == rem or x > 23:
        return 0
    return len(value) - len(rem)


def _parse_time_zone(value: bytes) -> int | None:
    if len(value) < 3:
        return None
    if value[:4] in (b"ChST", b"MeST"):
        return 4
    if value[:3] == b"GMT":
        return 3 + (_parse_signed_offset(value[3:]) if len(value) > 3 else 0)
    if value[0] in (0x2B, 0x2D):
        n = _parse_signed_offset(value)
        return n if n > 0 else None
    upper = 0
    while upper < 6 and upper < len(value) and 0x41 <= value[upper] <= 0x5A:
        upper += 1
    if upper == 5 and value[4] == 0x54:
        return 5
    if upper == 4 and (value[3] == 0x54 or value[:4] == b"WITA"):
        return 4
    if upper == 3:
        return 3
    return None


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


_DAYS_BEFORE = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365)


def _days_in(month: int, year: int) -> int:
    if month == 2 and _is_leap(year):
        return 29
    return _DAYS_BEFORE[month] - _DAYS_BEFORE[month - 1]


@dataclasses.dataclass
class _Fields:
    year: int = 0
    month: int = -1
    day: int = -1
    yday: int = -1
    hour: int = 0
    minute: int = 0
    sec: int = 0
    nsec: int = 0
    utc: bool = False
    zone_offset: int = -1
    zone_name: bytes = b""
    am: bool = False
    pm: bool = False


def _parse_tz_offset(code: int, value: bytes, f: _Fields) -> tuple[bytes, str]:
    """A numeric zone offset (``-0700`` and friends); (rest, range error)."""
    if code in (STD_ISO8601_COLON_TZ, STD_NUM_COLON_TZ):
        if len(value) < 6 or value[3] != 0x3A:
            raise _Bad
        sign, hour, minute, seconds, value = value[0:1], value[1:3], value[4:6], b"00", value[6:]
    elif code in (STD_NUM_SHORT_TZ, STD_ISO8601_SHORT_TZ):
        if len(value) < 3:
            raise _Bad
        sign, hour, minute, seconds, value = value[0:1], value[1:3], b"00", b"00", value[3:]
    elif code in (STD_ISO8601_COLON_SECONDS_TZ, STD_NUM_COLON_SECONDS_TZ):
        if len(value) < 9 or value[3] != 0x3A or value[6] != 0x3A:
            raise _Bad
        sign, hour, minute, seconds, value = value[0:1], value[1:3], value[4:6], value[7:9], value[9:]
    elif code in (STD_ISO8601_SECONDS_TZ, STD_NUM_SECONDS_TZ):
        if len(value) < 7:
            raise _Bad
        sign, hour, minute, seconds, value = value[0:1], value[1:3], value[3:5], value[5:7], value[7:]
    else:
        if len(value) < 5:
            raise _Bad
        sign, hour, minute, seconds, value = value[0:1], value[1:3], value[3:5], b"00", value[5:]
    hr = mm = ss = 0
    bad = False
    try:
        hr = _getnum(hour, True)[0]
        mm = _getnum(minute, True)[0]
        ss = _getnum(seconds, True)[0]
    except _Bad:
        bad = True
    range_err = ""
    if hr > 24:
        range_err = "time zone offset hour"
    if mm > 60:
        range_err = "time zone offset minute"
    if ss > 60:
        range_err = "time zone offset second"
    f.zone_offset = (hr * 60 + mm) * 60 + ss
    if sign == b"-":
        f.zone_offset = -f.zone_offset
    elif sign != b"+":
        bad = True
    if range_err:
        return value, range_err
    if bad:
        raise _Bad
    return value, ""


def _parse_element(std: Std, layout_rest: bytes, value: bytes, f: _Fields) -> tuple[bytes, str]:
    """One std element of Go's parse: (the rest of value, a range error or "")."""
    code = std.code
    range_err = ""
    if code == STD_YEAR:
        if len(value) < 2:
            raise _Bad
        year = _atoi(value[:2])
        f.year = year + (1900 if year >= 69 else 2000)
        return value[2:], ""
    if code == STD_LONG_YEAR:
        if len(value) < 4 or not _is_digit(value, 0):
            raise _Bad
        f.year = _atoi(value[:4])
        return value[4:], ""
    if code in (STD_MONTH, STD_LONG_MONTH):
        table = tuple(m[:3] for m in _LONG_MONTHS) if code == STD_MONTH else _LONG_MONTHS
        month, value = _lookup(table, value)
        f.month = month + 1
        return value, ""
    if code in (STD_NUM_MONTH, STD_ZERO_MONTH):
        f.month, value = _getnum(value, code == STD_ZERO_MONTH)
        return value, "month" if not 0 < f.month <= 12 else ""
    if code in (STD_WEEKDAY, STD_LONG_WEEKDAY):
        table = tuple(d[:3] for d in _LONG_DAYS) if code == STD_WEEKDAY else _LONG_DAYS
        return _lookup(table, value)[1], ""
    if code in (STD_DAY, STD_UNDER_DAY, STD_ZERO_DAY):
        if code == STD_UNDER_DAY and value[:1] == b" ":
            value = value[1:]
        f.day, value = _getnum(value, code == STD_ZERO_DAY)
        return value, ""
    if code in (STD_UNDER_YEARDAY, STD_ZERO_YEARDAY):
        for _ in range(2):
            if code == STD_UNDER_YEARDAY and value[:1] == b" ":
                value = value[1:]
        f.yday, value = _getnum3(value, code == STD_ZERO_YEARDAY)
        return value, ""
    if code == STD_HOUR:
        f.hour, value = _getnum(value, False)
        return value, "hour" if f.hour >= 24 else ""
    if code in (STD_HOUR12, STD_ZERO_HOUR12):
        f.hour, value = _getnum(value, code == STD_ZERO_HOUR12)
        return value, "hour" if f.hour > 12 else ""
    if code in (STD_MINUTE, STD_ZERO_MINUTE):
        f.minute, value = _getnum(value, code == STD_ZERO_MINUTE)
        return value, "minute" if f.minute >= 60 else ""
    if code in (STD_SECOND, STD_ZERO_SECOND):
        f.sec, value = _getnum(value, code == STD_ZERO_SECOND)
        if f.sec >= 60:
            return value, "second"
        if len(value) >= 2 and value[0] in (0x2E, 0x2C) and _is_digit(value, 1):
            _, nxt, _ = next_std_chunk(layout_rest)
            if nxt is not None and nxt.code in (STD_FRAC_SECOND0, STD_FRAC_SECOND9):
                return value, ""
            n = 2
            while n < len(value) and _is_digit(value, n):
                n += 1
            f.nsec, range_err = _parse_nanoseconds(value, n)
            value = value[n:]
        return value, range_err
    if code in (STD_PM, STD_pm):
        if len(value) < 2:
            raise _Bad
        p, value = value[:2], value[2:]
        names = (b"PM", b"AM") if code == STD_PM else (b"pm", b"am")
        if p == names[0]:
            f.pm = True
        elif p == names[1]:
            f.am = True
        else:
            raise _Bad
        return value, ""
    if code in _ISO_TZ and value[:1] == b"Z":
        f.utc = True
        return value[1:], ""
    if code in _ISO_TZ or code in _NUM_TZ:
        return _parse_tz_offset(code, value, f)
    if code == STD_TZ:
        if value[:3] == b"UTC":
            f.utc = True
            return value[3:], ""
        n = _parse_time_zone(value)
        if n is None:
            raise _Bad
        f.zone_name, value = value[:n], value[n:]
        return value, ""
    if code == STD_FRAC_SECOND0:
        ndigit = 1 + std.digits
        if len(value) < ndigit:
            raise _Bad
        f.nsec, range_err = _parse_nanoseconds(value, ndigit)
        return value[ndigit:], range_err
    if code == STD_FRAC_SECOND9:
        if len(value) < 2 or value[0] not in (0x2E, 0x2C) or not _is_digit(value, 1):
            return value, ""
        i = 0
        while i + 1 < len(value) and _is_digit(value, i + 1):
            i += 1
        f.nsec, range_err = _parse_nanoseconds(value, 1 + i)
        return value[1 + i :], range_err
    return value, ""


def parse_in_location(layout: str, value: str, loc: Location) -> GoTime:
    """Go's time.ParseInLocation (raises TimeParseError)."""
    alayout, avalue = go_bytes(layout), go_bytes(value)
    lay, val = alayout, avalue
    f = _Fields()
    while True:
        prefix, std, suffix = next_std_chunk(lay)
        stdstr = lay[len(prefix) : len(lay) - len(suffix)]
        val, ok = _skip(val, prefix)
        if not ok:
            raise TimeParseError(alayout, avalue, prefix, val, "")
        if std is None:
            if val:
                raise TimeParseError(alayout, avalue, b"", val, ": extra text: " + _time_quote(val))
            break
        lay = suffix
        hold = val
        try:
            val, range_err = _parse_element(std, lay, val, f)
        except _Bad:
            raise TimeParseError(alayout, avalue, stdstr, hold, "") from None
        if range_err:
            raise TimeParseError(alayout, avalue, stdstr, val, f": {range_err} out of range")
    return _assemble(f, alayout, avalue, val, loc)


def _assemble(f: _Fields, alayout: bytes, avalue: bytes, rest: bytes, loc: Location) -> GoTime:
    """The end of Go's parse: AM/PM, day of year, range checks, the zone."""
    if f.pm and f.hour < 12:
        f.hour += 12
    elif f.am and f.hour == 12:
        f.hour = 0
    if f.yday >= 0:
        yday = f.yday
        m = d = 0
        if _is_leap(f.year):
            if yday == 31 + 29:
                m, d = 2, 29
            elif yday > 31 + 29:
                yday -= 1
        if yday < 1 or yday > 365:
            raise TimeParseError(alayout, avalue, b"", rest, ": day-of-year out of range")
        if m == 0:
            m = (yday - 1) // 31 + 1
            if _DAYS_BEFORE[m] < yday:
                m += 1
            d = yday - _DAYS_BEFORE[m - 1]
        if f.month >= 0 and f.month != m:
            raise TimeParseError(alayout, avalue, b"", rest, ": day-of-year does not match month")
        f.month = m
        if f.day >= 0 and f.day != d:
            raise TimeParseError(alayout, avalue, b"", rest, ": day-of-year does not match day")
        f.day = d
    else:
        if f.month < 0:
            f.month = 1
        if f.day < 0:
            f.day = 1
    if f.day < 1 or f.day > _days_in(f.month, f.year):
        raise TimeParseError(alayout, avalue, b"", rest, ": day out of range")
    fields = (f.year, f.month, f.day, f.hour, f.minute, f.sec, f.nsec)
    if f.utc:
        return go_date(*fields, UTC)
    if f.zone_offset != -1:
        t = go_date(*fields, UTC)
        sec = unix_of(t)[0] - f.zone_offset
        name, offset = loc.offset_at(sec)
        zone_name = from_go_bytes(f.zone_name)
        if offset == f.zone_offset and (zone_name == "" or name == zone_name):
            return unix_time(sec, f.nsec, loc)
        return unix_time(sec, f.nsec, fixed_zone(zone_name, f.zone_offset))
    if f.zone_name:
        zone_name = from_go_bytes(f.zone_name)
        t = go_date(*fields, UTC)
        sec = unix_of(t)[0]
        found = loc.lookup_name(zone_name, sec)
        if found is not None:
            return unix_time(sec - found, f.nsec, loc)
        offset = 0
        if len(f.zone_name) > 3 and f.zone_name[:3] == b"GMT":
            offset = _atoi(f.zone_name[3:]) * 3600
        return unix_time(sec, f.nsec, fixed_zone(zone_name, offset))
    return go_date(*fields, loc)


# --- durations -----------------------------------------------------------------------------

_UNITS = {
    b"ns": 1,
    b"us": 1_000,
    "µs".encode(): 1_000,
    "μs".encode(): 1_000,
    b"ms": 1_000_000,
    b"s": _NS,
    b"m": 60 * _NS,
    b"h": 3600 * _NS,
}


class DurationError(ValueError):
    """Go's time.ParseDuration error."""

    def __init__(self, message: str, value: bytes) -> None:
        super().__init__(f"time: {message} {_time_quote(value)}")


def _leading_fraction(s: bytes) -> tuple[int, float, bytes]:
    x = 0
    scale = 1.0
    overflow = False
    i = 0
    while i < len(s) and 0x30 <= s[i] <= 0x39:
        if not overflow:
            if x > ((1 << 63) - 1) // 10:
                overflow = True
            else:
                y = x * 10 + s[i] - 0x30
                if y > 1 << 63:
                    overflow = True
                else:
                    x = y
                    scale *= 10
        i += 1
    return x, scale, s[i:]


def parse_duration(text: str) -> int:
    """Go's time.ParseDuration, in nanoseconds (raises DurationError)."""
    orig = s = go_bytes(text)
    neg = False
    if s[:1] in (b"-", b"+"):
        neg = s[:1] == b"-"
        s = s[1:]
    if s == b"0":
        return 0
    if not s:
        raise DurationError("invalid duration", orig)
    d = 0
    while s:
        if not (s[0] == 0x2E or 0x30 <= s[0] <= 0x39):
            raise DurationError("invalid duration", orig)
        before = len(s)
        try:
            v, s = _leading_int(s)
        except _Bad:
            raise DurationError("invalid duration", orig) from None
        pre = before != len(s)
        post = False
        f, scale = 0, 1.0
        if s[:1] == b".":
            s = s[1:]
            before = len(s)
            f, scale, s = _leading_fraction(s)
            post = before != len(s)
        if not pre and not post:
            raise DurationError("invalid duration", orig)
        i = 0
        while i < len(s) and not (s[i] == 0x2E or 0x30 <= s[i] <= 0x39):
            i += 1
        if i == 0:
            raise DurationError("missing unit in duration", orig)
        unit_text, s = s[:i], s[i:]
        unit = _UNITS.get(unit_text)
        if unit is None:
            raise DurationError(f"unknown unit {_time_quote(unit_text)} in duration", orig)
        if v > (1 << 63) // unit:
            raise DurationError("invalid duration", orig)
        v *= unit
        if f > 0:
            v += int(float(f) * (float(unit) / scale))
            if v > 1 << 63:
                raise DurationError("invalid duration", orig)
        d += v
        if d > 1 << 63:
            raise DurationError("invalid duration", orig)
    if neg:
        return -d
    if d > _MAX_INT64:
        raise DurationError("invalid duration", orig)
    return d


def _round_duration(d: int, m: int) -> int:
    """Go's Duration.Round (saturating)."""
    if m <= 0:
        return d
    r = d - _trunc_div(d, m) * m
    if d < 0:
        r = -r
        if r + r < m:
            return d + r
        d1 = d - m + r
        return d1 if d1 >= _MIN_INT64 else _MIN_INT64
    if r + r < m:
        return d - r
    d1 = d + m - r
    return d1 if d1 <= _MAX_INT64 else _MAX_INT64


def _wrap64(x: int) -> int:
    x &= (1 << 64) - 1
    return x - (1 << 64) if x >= 1 << 63 else x


# --- sprig's functions ---------------------------------------------------------------------


def _nil_deref() -> V.GoError:
    return V.GoError("runtime error: invalid memory address or nil pointer dereference")


def _time_arg(date: Any, int32_ok: bool = True, pointer_ok: bool = True) -> GoTime:
    """sprig's type switch on a date: time.Time, *time.Time, int64, int, int32
    (Unix seconds); anything else is now."""
    cls = type(date)
    if cls is GoTime:
        return date
    if pointer_ok and cls is V.Ptr and date.type.elem is V.type_of(GoTime()):
        if date.target is None:
            raise _nil_deref()
        return date.target
    if cls is int:
        return unix_time(date, 0, local_location())
    if cls is V.Typed and (date.type is V.INT64 or (int32_ok and date.type is V.INT32)):
        return unix_time(date.value, 0, local_location())
    return _now()


def _date_in_zone(fmt: str, date: Any, zone: str) -> str:
    t = _time_arg(date)
    loc = load_location(zone) or UTC
    return format_time(time_in(t, loc), fmt)


@sprig_func("date", "func(string, interface {}) string")
def date(fmt: str, date: Any) -> str:
    return _date_in_zone(fmt, date, "Local")


@sprig_func("htmlDate", "func(interface {}) string")
def html_date(date: Any) -> str:
    return _date_in_zone("2006-01-02", date, "Local")


@sprig_func("htmlDateInZone", "func(interface {}, string) string")
def html_date_in_zone(date: Any, zone: str) -> str:
    return _date_in_zone("2006-01-02", date, zone)


def date_in_zone(fmt: str, date: Any, zone: str) -> str:
    return _date_in_zone(fmt, date, zone)


for _name in ("dateInZone", "date_in_zone"):
    sprig_func(_name, "func(string, interface {}, string) string")(date_in_zone)


def date_modify(fmt: str, date: GoTime) -> GoTime:
    try:
        d = parse_duration(fmt)
    except DurationError:
        return date
    return _add(date, d)


def must_date_modify(fmt: str, date: GoTime) -> GoTime:
    return _add(date, parse_duration(fmt))


for _name in ("dateModify", "date_modify"):
    sprig_func(_name, "func(string, time.Time) time.Time")(date_modify)
for _name in ("mustDateModify", "must_date_modify"):
    sprig_func(_name, "func(string, time.Time) (time.Time, error)")(must_date_modify)


@sprig_func("ago", "func(interface {}) string")
def ago(date: Any) -> str:
    t = _time_arg(date, int32_ok=False, pointer_ok=False)
    return format_duration(_round_duration(_since(t), _NS))


@sprig_func("duration", "func(interface {}) string")
def duration(sec: Any) -> str:
    n = 0
    if type(sec) is str:
        try:
            n = parse_int(sec, 10, 64)
        except NumError as e:
            if e.err == "value out of range":
                n = _MIN_INT64 if sec.startswith("-") else _MAX_INT64
    elif type(sec) is V.Typed and sec.type is V.INT64:
        n = sec.value
    return format_duration(_wrap64(n * _NS))


_YEAR = 3600 * _NS * 24 * 365
_MONTH = 3600 * _NS * 24 * 30
_DAY = 3600 * _NS * 24
_HOUR = 3600 * _NS
_MINUTE = 60 * _NS


@sprig_func("durationRound", "func(interface {}) string")
def duration_round(value: Any) -> str:
    d = 0
    if type(value) is str:
        try:
            d = parse_duration(value)
        except DurationError:
            d = 0
    elif type(value) is V.Typed and value.type is V.INT64:
        d = value.value
    elif type(value) is GoTime:
        d = _since(value)
    u = abs(d)
    for unit, suffix in ((_YEAR, "y"), (_MONTH, "mo"), (_DAY, "d"), (_HOUR, "h"), (_MINUTE, "m"), (_NS, "s")):
        if u > unit:
            return f"{u // unit}{suffix}"
    return "0s"


@sprig_func("toDate", "func(string, string) time.Time")
def to_date(fmt: str, s: str) -> GoTime:
    try:
        return parse_in_location(fmt, s, local_location())
    except TimeParseError:
        return GoTime()


@sprig_func("mustToDate", "func(string, string) (time.Time, error)")
def must_to_date(fmt: str, s: str) -> GoTime:
    return parse_in_location(fmt, s, local_location())


@sprig_func("unixEpoch", "func(time.Time) string")
def unix_epoch(date: GoTime) -> str:
    return str(unix_of(date)[0])


@sprig_func("now", "func() time.Time")
def now() -> GoTime:
    return _now()
