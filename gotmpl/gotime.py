"""Go's time.Duration and time.Time as templates see them.

``time.Duration`` is a named int64 (nanoseconds) whose ``String()`` is Go's
("1h30m0s", "1.5s", "0s"); ``time.Time`` prints as Go's ``Time.String()``
("2006-01-02 15:04:05.999999999 -0700 MST"). Both are registered with the value
model so typed data (``{"t": "time.Duration", "v": "90s"}``) decodes to them.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from . import values as V

__all__ = ["DURATION", "TIME", "format_duration", "format_year", "parse_duration", "GoTime"]


def format_duration(ns: int) -> str:
    """Go's time.Duration.String()."""
    if ns == 0:
        return "0s"
    neg = ns < 0
    u = -ns if neg else ns
    if u < 1_000_000_000:
        # Sub-second: a single unit (ns, µs, ms) with a fraction.
        if u < 1_000:
            text = f"{u}ns"
        elif u < 1_000_000:
            text = _frac(u, 3) + "µs"
        else:
            text = _frac(u, 6) + "ms"
    else:
        secs, frac = divmod(u, 1_000_000_000)
        text = str(secs % 60)
        if frac:
            text += "." + f"{frac:09d}".rstrip("0")
        text += "s"
        mins = secs // 60
        if mins:
            text = f"{mins % 60}m" + text
            hours = mins // 60
            if hours:
                text = f"{hours}h" + text
    return "-" + text if neg else text


def _frac(v: int, prec: int) -> str:
    whole, frac = divmod(v, 10**prec)
    if not frac:
        return str(whole)
    return f"{whole}." + f"{frac:0{prec}d}".rstrip("0")


_UNITS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000}
_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)")


def parse_duration(s: str) -> int:
    """Go's time.ParseDuration, in nanoseconds (raises ValueError with Go's text)."""
    orig = s
    neg = False
    if s[:1] in ("+", "-"):
        neg = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        raise ValueError(f'time: invalid duration "{orig}"')
    total = 0
    pos = 0
    while pos < len(s):
        m = _PART.match(s, pos)
        if not m or m.group(1) in ("", "."):
            if m is None and re.match(r"[0-9.]+", s[pos:]):
                raise ValueError(f'time: missing unit in duration "{orig}"')
            if m is None:
                raise ValueError(f'time: invalid duration "{orig}"')
            raise ValueError(f'time: invalid duration "{orig}"')
        number, unit = m.group(1), m.group(2)
        whole, _, frac = number.partition(".")
        scale = _UNITS[unit]
        value = int(whole or "0") * scale
        if frac:
            value += int(frac) * scale // 10 ** len(frac)
        total += value
        pos = m.end()
    if total > (1 << 63) - 1 + (1 if neg else 0):
        raise ValueError(f'time: invalid duration "{orig}"')
    return -total if neg else total


def _ns(d: Any) -> int:
    return V.unwrap_scalar(d)


def _trunc_div(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _wrap64(x: int) -> int:
    x &= (1 << 64) - 1
    return x - (1 << 64) if x >= 1 << 63 else x


def _round(d: Any, m: Any) -> Any:
    """Go's Duration.Round: halfway values round away from zero; overflow saturates
    (detected, as in Go, through int64 wrap-around)."""
    ns, mm = _ns(d), _ns(m)
    if mm <= 0:
        return V.Typed(DURATION, ns)
    r = ns - _trunc_div(ns, mm) * mm
    if ns < 0:
        r = -r
        if r + r < mm:
            return V.Typed(DURATION, ns + r)
        d1 = _wrap64(ns - mm + r)
        return V.Typed(DURATION, d1 if d1 < ns else -(1 << 63))
    if r + r < mm:
        return V.Typed(DURATION, ns - r)
    d1 = _wrap64(ns + mm - r)
    return V.Typed(DURATION, d1 if d1 > ns else (1 << 63) - 1)


def _truncate(d: Any, m: Any) -> Any:
    ns, mm = _ns(d), _ns(m)
    if mm <= 0:
        return V.Typed(DURATION, ns)
    return V.Typed(DURATION, ns - (ns - _trunc_div(ns, mm) * mm))


def _seconds_float(ns: int, unit: int) -> float:
    whole, frac = divmod(abs(ns), unit)
    value = whole + frac / unit
    return -value if ns < 0 else value


def _duration_methods() -> dict[str, V.Method]:
    f64 = V.func_of([], [V.FLOAT64])
    i64 = V.func_of([], [V.INT64])
    dur = V.func_of([], [_DURATION_PLACEHOLDER])
    return {
        "String": V.Method("String", V.func_of([], [V.STRING]), lambda d: format_duration(_ns(d))),
        "Hours": V.Method("Hours", f64, lambda d: _seconds_float(_ns(d), 3_600_000_000_000)),
        "Minutes": V.Method("Minutes", f64, lambda d: _seconds_float(_ns(d), 60_000_000_000)),
        "Seconds": V.Method("Seconds", f64, lambda d: _seconds_float(_ns(d), 1_000_000_000)),
        "Milliseconds": V.Method("Milliseconds", i64, lambda d: V.Typed(V.INT64, _trunc_div(_ns(d), 1_000_000))),
        "Microseconds": V.Method("Microseconds", i64, lambda d: V.Typed(V.INT64, _trunc_div(_ns(d), 1_000))),
        "Nanoseconds": V.Method("Nanoseconds", i64, lambda d: V.Typed(V.INT64, _ns(d))),
        "Abs": V.Method("Abs", dur, lambda d: V.Typed(DURATION, abs(_ns(d)) if _ns(d) != -(1 << 63) else (1 << 63) - 1)),
        "Round": V.Method("Round", V.func_of([_DURATION_PLACEHOLDER], [_DURATION_PLACEHOLDER]), _round),
        "Truncate": V.Method("Truncate", V.func_of([_DURATION_PLACEHOLDER], [_DURATION_PLACEHOLDER]), _truncate),
    }


DURATION = V.named("time.Duration", V.INT64)
_DURATION_PLACEHOLDER = DURATION
DURATION.methods.update(_duration_methods())


def _decode_duration(j: Any, path: str) -> Any:
    if type(j) is str:
        try:
            int(j, 10)
        except ValueError:
            try:
                return V.Typed(DURATION, parse_duration(j))
            except ValueError as e:
                raise ValueError(f"{path}: {e}") from None
    from .strconv import NumError, parse_int

    text = repr(j) if type(j) is float else str(j)
    if type(j) not in (int, float, str) or type(j) is bool:
        raise ValueError(f"{path}: cannot decode {j!r} as time.Duration")
    try:
        return V.Typed(DURATION, parse_int(text, 10, 64))
    except NumError:
        raise ValueError(f"{path}: bad time.Duration {text!r}") from None


V.register_named_type("time.Duration", DURATION, _decode_duration)


_UTC = _dt.timezone.utc
_DAYS_PER_400_YEARS = 146097


def format_year(year: int) -> str:
    """Go's time.Format "2006": at least four digits, a minus sign before
    negative years (``0001``, ``-0005``, ``12345``)."""
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


class GoTime:
    """A time.Time value: an aware datetime plus nanoseconds and a zone name.

    Python's datetime holds years 1-9999 only; Go's time.Time any year. A time
    outside (or at the edge of) that range keeps its datetime moved by a
    multiple of 400 years, the Gregorian calendar's period, and the move in
    ``year_offset``: the year is ``when.year + year_offset`` (see ``date``;
    times within datetime's range keep ``year_offset`` 0).
    The zero value is Go's zero Time, January 1, year 1, 00:00:00 UTC.
    """

    __go_type__ = "time.Time"

    def __init__(self, when: _dt.datetime | None = None, nanos: int = 0, zone: str | None = None, year_offset: int = 0) -> None:
        if when is None:
            when = _ZERO_WHEN
            if zone is None:
                zone = "UTC"
        self.when = when
        self.nanos = nanos
        self.zone = zone
        self.year_offset = year_offset

    @classmethod
    def date(
        cls,
        year: int,
        month: int,
        day: int,
        hour: int = 0,
        minute: int = 0,
        second: int = 0,
        nanos: int = 0,
        tzinfo: _dt.tzinfo = _UTC,
        zone: str | None = None,
    ) -> "GoTime":
        """time.Date for any year (years near or beyond datetime's range are
        moved by whole 400-year periods, which keeps weekdays and leap years)."""
        if zone is None and tzinfo is _UTC:
            zone = "UTC"
        offset = 0
        if not 1 <= year <= 9999:
            offset = year - (2000 + (year - 2000) % 400)
        when = _dt.datetime(year - offset, month, day, hour, minute, second, tzinfo=tzinfo)
        return cls(when, nanos, zone, offset)

    def utc(self) -> "GoTime":
        """Time.UTC(): the same instant in UTC (across the ends of datetime's
        range by moving 400 years)."""
        when, offset = self.when, self.year_offset
        try:
            return GoTime(when.astimezone(_UTC), self.nanos, "UTC", offset)
        except OverflowError:
            shift = 400 if when.year < 5000 else -400
            when = when.replace(year=when.year + shift)
            return GoTime(when.astimezone(_UTC), self.nanos, "UTC", offset - shift)

    @property
    def year(self) -> int:
        return self.when.year + self.year_offset

    def String(self) -> str:
        """Go's Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST"."""
        w = self.when
        text = f"{format_year(self.year)}-{w.month:02d}-{w.day:02d} {w.hour:02d}:{w.minute:02d}:{w.second:02d}"
        if self.nanos:
            text += "." + f"{self.nanos:09d}".rstrip("0")
        offset = w.utcoffset() or _dt.timedelta(0)
        seconds = int(offset.total_seconds())
        # Go divides with truncation: an LMT offset of -4:56:02 prints -0456
        # (and -0:00:30 prints +0000).
        minutes = abs(seconds) // 60
        sign = "-" if seconds < 0 and minutes else "+"
        numeric = f"{sign}{minutes // 60:02d}{minutes % 60:02d}"
        zone = self.zone if self.zone is not None else numeric
        return f"{text} {numeric} {zone}"

    def _instant(self) -> tuple[int, int]:
        """(seconds since January 1, year 1 UTC, nanoseconds): what == compares."""
        w = self.when
        days = w.toordinal() + self.year_offset // 400 * _DAYS_PER_400_YEARS
        offset = w.utcoffset() or _dt.timedelta(0)
        secs = days * 86400 + w.hour * 3600 + w.minute * 60 + w.second - int(offset.total_seconds())
        return secs, self.nanos

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GoTime) and self._instant() == other._instant()

    def __hash__(self) -> int:
        return hash(self._instant())


_ZERO_WHEN = _dt.datetime(1, 1, 1, tzinfo=_UTC)
TIME = V.class_type(GoTime)
_RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$")


def _decode_time(j: Any, path: str) -> Any:
    m = _RFC3339.match(j) if type(j) is str else None
    if m is None:
        raise ValueError(f"{path}: cannot decode {j!r} as time.Time (RFC 3339 expected)")
    y, mo, d, h, mi, s, frac, tz = m.groups()
    if tz in ("Z", "z"):
        zone, tzinfo = "UTC", _dt.timezone.utc
    else:
        sign = -1 if tz[0] == "-" else 1
        delta = _dt.timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6])) * sign
        # time.Parse names an offset the Local zone has (the oracle runs in
        # UTC) by that zone, others by a fixed zone without a name.
        tzinfo, zone = (_dt.timezone.utc, "UTC") if not delta else (_dt.timezone(delta), None)
    try:
        return GoTime.date(int(y), int(mo), int(d), int(h), int(mi), int(s), int((frac or "0").ljust(9, "0")), tzinfo, zone)
    except ValueError:
        raise ValueError(f"{path}: cannot decode {j!r} as time.Time (out of range)") from None


V.register_named_type("time.Time", TIME, _decode_time)
