"""Sprig's arithmetic (sprig's numeric.go and the inline functions of
functions.go): ``add``, ``add1``, ``sub``, ``div``, ``mod``, ``mul``, ``max``
(= ``biggest``), ``min``, the float family ``addf``, ``add1f``, ``subf``,
``divf``, ``mulf``, ``maxf``, ``minf``, ``floor``, ``ceil``, ``round``,
``seq``, ``until``, ``untilStep`` and ``randInt`` (random: only its errors and
its range can be compared with Go). ``int``, ``int64``, ``float64`` and
``toDecimal`` are the strings family's.

Integer functions convert with cast.ToInt64 and compute in int64: sums wrap
around, division truncates, and dividing by zero panics as Go does ("runtime
error: integer divide by zero"). The ``...f`` functions go through
shopspring/decimal (:class:`_Decimal`): each operand is the shortest decimal
that round-trips its float64, sums and products are exact, quotients keep 16
decimal places (rounded half away from zero), and the result is the float64
nearest to the decimal. ``round`` follows Go's math (Pow, Modf, Ceil, Floor)
bit for bit.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from .. import values as V
from ..gofmt import sprint
from ..strconv import float64_shortest_digits
from . import sprig_func
from .cast import to_float64, to_int64, wrap_int64
from .lists import go_append_cap, go_slice_result

__all__ = ["MAX_SEQUENCE", "go_ceil", "go_float_div", "go_floor", "go_mod", "go_pow", "until_step"]

_DIVIDE_BY_ZERO = "runtime error: integer divide by zero"
_MIN_INT64 = -(1 << 63)


# --- int64 arithmetic ------------------------------------------------------------------------------


def _div(a: int, b: int) -> int:
    """Go's int64 a / b: truncated; MinInt64 / -1 wraps to MinInt64."""
    if b == 0:
        raise V.GoError(_DIVIDE_BY_ZERO)
    q = abs(a) // abs(b)
    return wrap_int64(q if (a < 0) == (b < 0) else -q)


def _mod(a: int, b: int) -> int:
    """Go's int64 a % b: the sign of a."""
    if b == 0:
        raise V.GoError(_DIVIDE_BY_ZERO)
    r = abs(a) % abs(b)
    return -r if a < 0 else r


@sprig_func("add", "func(...interface {}) int64")
def add(*i: Any) -> int:
    a = 0
    for b in i:
        a = wrap_int64(a + to_int64(b))
    return a


@sprig_func("add1", "func(interface {}) int64")
def add1(i: Any) -> int:
    return wrap_int64(to_int64(i) + 1)


@sprig_func("sub", "func(interface {}, interface {}) int64")
def sub(a: Any, b: Any) -> int:
    return wrap_int64(to_int64(a) - to_int64(b))


@sprig_func("div", "func(interface {}, interface {}) int64")
def div(a: Any, b: Any) -> int:
    return _div(to_int64(a), to_int64(b))


@sprig_func("mod", "func(interface {}, interface {}) int64")
def mod(a: Any, b: Any) -> int:
    return _mod(to_int64(a), to_int64(b))


@sprig_func("mul", "func(interface {}, ...interface {}) int64")
def mul(a: Any, *v: Any) -> int:
    val = to_int64(a)
    for b in v:
        val = wrap_int64(val * to_int64(b))
    return val


def _max(a: Any, i: tuple) -> int:
    aa = to_int64(a)
    for b in i:
        bb = to_int64(b)
        if bb > aa:
            aa = bb
    return aa


@sprig_func("max", "func(interface {}, ...interface {}) int64")
def max_(a: Any, *i: Any) -> int:
    return _max(a, i)


@sprig_func("biggest", "func(interface {}, ...interface {}) int64")
def biggest(a: Any, *i: Any) -> int:
    return _max(a, i)


@sprig_func("min", "func(interface {}, ...interface {}) int64")
def min_(a: Any, *i: Any) -> int:
    aa = to_int64(a)
    for b in i:
        bb = to_int64(b)
        if bb < aa:
            aa = bb
    return aa


@sprig_func("randInt", "func(int, int) int")
def rand_int(lo: int, hi: int) -> int:
    """``rand.Intn(max-min) + min``: a random int in [min, max) (nondeterministic)."""
    n = wrap_int64(hi - lo)
    if n <= 0:
        raise V.GoError("invalid argument to Intn")
    return wrap_int64(random.randrange(n) + lo)


# --- Go's math on float64 ---------------------------------------------------------------------------


def _go_max(x: float, y: float) -> float:
    """math.Max: +Inf wins over NaN, NaN over the rest, +0 over -0."""
    if math.isinf(x) and x > 0 or math.isinf(y) and y > 0:
        return math.inf
    if math.isnan(x) or math.isnan(y):
        return math.nan
    if x == 0 and x == y:
        return y if math.copysign(1.0, x) < 0 else x
    return x if x > y else y


def _go_min(x: float, y: float) -> float:
    """math.Min: -Inf wins over NaN, NaN over the rest, -0 over +0."""
    if math.isinf(x) and x < 0 or math.isinf(y) and y < 0:
        return -math.inf
    if math.isnan(x) or math.isnan(y):
        return math.nan
    if x == 0 and x == y:
        return x if math.copysign(1.0, x) < 0 else y
    return x if x < y else y


def go_floor(x: float) -> float:
    """math.Floor (keeps -0, ±Inf and NaN)."""
    if x == 0 or math.isnan(x) or math.isinf(x):
        return x
    return float(math.floor(x))


def go_ceil(x: float) -> float:
    """math.Ceil: -Floor(-x), so ceil(-0.5) is -0."""
    return -go_floor(-x)


def go_mod(x: float, y: float) -> float:
    """math.Mod: the remainder with x's sign; NaN for y == 0 or x infinite."""
    if y == 0 or math.isinf(x) or math.isnan(x) or math.isnan(y):
        return math.nan
    if math.isinf(y):
        return x
    return math.fmod(x, y)


def _go_modf(f: float) -> tuple[float, float]:
    """math.Modf: (integer part, fraction), both with f's sign; Modf(±Inf) = (±Inf, NaN)."""
    if math.isinf(f):
        return f, math.nan
    if math.isnan(f):
        return f, f
    frac, whole = math.modf(f)
    return whole, frac


def _go_ldexp(frac: float, exp: int) -> float:
    """math.Ldexp, overflowing to ±Inf and underflowing to ±0 instead of raising."""
    try:
        return math.ldexp(frac, exp)
    except OverflowError:
        return math.copysign(math.inf, frac)


def go_pow(x: float, y: float) -> float:
    """Go's math.Pow (the portable algorithm amd64 uses), for the special
    cases and integral exponents sprig's round reaches; a fractional exponent
    falls back to Python's pow."""
    if y == 0 or x == 1:
        return 1.0
    if y == 1:
        return x
    if math.isnan(x) or math.isnan(y):
        return math.nan
    if x == 0:
        odd = _is_odd_int(y)
        if y < 0:
            return -math.inf if math.copysign(1.0, x) < 0 and odd else math.inf
        return x if math.copysign(1.0, x) < 0 and odd else 0.0
    if math.isinf(y):
        if x == -1:
            return 1.0
        return 0.0 if (abs(x) < 1) == (y > 0) else math.inf
    if math.isinf(x):
        if x < 0:
            return go_pow(1 / x, -y)
        return 0.0 if y < 0 else math.inf
    if y == 0.5:
        return math.sqrt(x) if x >= 0 else math.nan
    if y == -0.5:
        return 1 / math.sqrt(x) if x >= 0 else math.nan
    yi, yf = _go_modf(abs(y))
    if yf != 0 and x < 0:
        return math.nan
    if yi >= 2.0**63:
        if x == -1:
            return 1.0
        return 0.0 if (abs(x) < 1) == (y > 0) else math.inf
    a1, ae = 1.0, 0
    if yf != 0:
        if yf > 0.5:
            yf -= 1
            yi += 1
        a1 = math.exp(yf * math.log(x))
    x1, xe = math.frexp(x)
    i = int(yi)
    while i != 0:
        if xe < -(1 << 12) or (1 << 12) < xe:
            ae += xe
            break
        if i & 1 == 1:
            a1 *= x1
            ae += xe
        x1 *= x1
        xe <<= 1
        if x1 < 0.5:
            x1 += x1
            xe -= 1
        i >>= 1
    if y < 0:
        a1 = 1 / a1
        ae = -ae
    return _go_ldexp(a1, ae)


def _is_odd_int(x: float) -> bool:
    if abs(x) >= 1 << 53:
        return False
    xi, xf = _go_modf(x)
    return xf == 0 and int(xi) & 1 == 1


def go_float_div(a: float, b: float) -> float:
    """IEEE division as Go does it (x/0 is ±Inf, 0/0 NaN)."""
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


# --- the float functions ----------------------------------------------------------------------------


def _maxf(a: Any, i: tuple) -> float:
    aa = to_float64(a)
    for b in i:
        aa = _go_max(aa, to_float64(b))
    return aa


@sprig_func("maxf", "func(interface {}, ...interface {}) float64")
def maxf(a: Any, *i: Any) -> float:
    return _maxf(a, i)


@sprig_func("minf", "func(interface {}, ...interface {}) float64")
def minf(a: Any, *i: Any) -> float:
    aa = to_float64(a)
    for b in i:
        aa = _go_min(aa, to_float64(b))
    return aa


@sprig_func("floor", "func(interface {}) float64")
def floor(a: Any) -> float:
    return go_floor(to_float64(a))


@sprig_func("ceil", "func(interface {}) float64")
def ceil(a: Any) -> float:
    return go_ceil(to_float64(a))


@sprig_func("round", "func(interface {}, int, ...float64) float64")
def round_(a: Any, p: int, *r_opt: float) -> float:
    round_on = r_opt[0] if r_opt else 0.5
    val = to_float64(a)
    places = float(p)
    pow_ = go_pow(10.0, places)
    digit = pow_ * val
    _, frac = _go_modf(digit)
    rounded = go_ceil(digit) if frac >= round_on else go_floor(digit)
    return go_float_div(rounded, pow_)


# --- shopspring/decimal, as execDecimalOp uses it --------------------------------------------------------

_DIVISION_PRECISION = 16


class _Decimal:
    """A decimal.Decimal: an exact rational value (its digits and exponent
    never show in sprig's results, only the float64 nearest to it)."""

    __slots__ = ("value",)

    def __init__(self, value: Fraction) -> None:
        self.value = value

    @classmethod
    def from_float(cls, f: float) -> _Decimal:
        """decimal.NewFromFloat: the shortest decimal that round-trips f."""
        if math.isnan(f) or math.isinf(f):
            raise V.GoError("Cannot create a Decimal from " + sprint(f))
        if f == 0:
            return cls(Fraction(0))
        digits, dp = float64_shortest_digits(abs(f))
        n = int(digits)
        exp = dp - len(digits)
        value = Fraction(n * 10**exp) if exp >= 0 else Fraction(n, 10**-exp)
        return cls(-value if f < 0 else value)

    def add(self, o: _Decimal) -> _Decimal:
        return _Decimal(self.value + o.value)

    def sub(self, o: _Decimal) -> _Decimal:
        return _Decimal(self.value - o.value)

    def mul(self, o: _Decimal) -> _Decimal:
        return _Decimal(self.value * o.value)

    def div(self, o: _Decimal) -> _Decimal:
        """Decimal.Div: DivRound to 16 places, a half rounded away from zero."""
        if o.value == 0:
            raise V.GoError("decimal division by 0")
        scaled = self.value / o.value * 10**_DIVISION_PRECISION
        q = abs(scaled.numerator) // scaled.denominator
        rest = abs(scaled) - q
        if 2 * rest >= 1:
            q += 1
        q = q if scaled >= 0 else -q
        return _Decimal(Fraction(q, 10**_DIVISION_PRECISION))

    def float64(self) -> float:
        """Decimal.Float64 (big.Rat's nearest float64; ±Inf beyond the range)."""
        v = self.value
        try:
            return v.numerator / v.denominator
        except OverflowError:
            return math.inf if v > 0 else -math.inf


def _decimal_op(a: Any, b: tuple, op: Callable[[_Decimal, _Decimal], _Decimal]) -> float:
    """sprig's execDecimalOp."""
    prt = _Decimal.from_float(to_float64(a))
    for x in b:
        prt = op(prt, _Decimal.from_float(to_float64(x)))
    return prt.float64()


@sprig_func("add1f", "func(interface {}) float64")
def add1f(i: Any) -> float:
    return _decimal_op(i, (1,), _Decimal.add)


@sprig_func("addf", "func(...interface {}) float64")
def addf(*i: Any) -> float:
    return _decimal_op(0.0, i, _Decimal.add)


@sprig_func("subf", "func(interface {}, ...interface {}) float64")
def subf(a: Any, *v: Any) -> float:
    return _decimal_op(a, v, _Decimal.sub)


@sprig_func("divf", "func(interface {}, ...interface {}) float64")
def divf(a: Any, *v: Any) -> float:
    return _decimal_op(a, v, _Decimal.div)


@sprig_func("mulf", "func(interface {}, ...interface {}) float64")
def mulf(a: Any, *v: Any) -> float:
    return _decimal_op(a, v, _Decimal.mul)


# --- sequences ---------------------------------------------------------------------------------------

_INT_SLICE = V.slice_of(V.INT)


# Go appends until memory runs out (or wraps around past the largest int and
# never stops); gotmpl refuses such sequences with an error instead.
MAX_SEQUENCE = 1 << 24


def _sequence_length(start: int, stop: int, step: int) -> int:
    """How many elements untilStep appends (MAX_SEQUENCE + 1 for "too many", or
    when the counter would wrap around and Go's loop would not end)."""
    if stop < start and step < 0 or start < stop and step > 0:
        n = -((start - stop) // step)
        nxt = start + n * step
    else:
        return 0
    if n > MAX_SEQUENCE or wrap_int64(nxt) != nxt:
        return MAX_SEQUENCE + 1
    return n


def until_step(start: int, stop: int, step: int) -> list[int]:
    """sprig's untilStep over Go ints."""
    n = _sequence_length(start, stop, step)
    if n > MAX_SEQUENCE:
        raise V.GoError(f"sequence from {start} to {stop} by {step} is too long (gotmpl allows {MAX_SEQUENCE} elements)")
    return [start + i * step for i in range(n)]


def _int_slice(items: list[int]) -> Any:
    """A []int built by appending (Go's capacity, 8-byte elements without pointers)."""
    return go_slice_result(items, go_append_cap(len(items), 8, True), _INT_SLICE, 0)


@sprig_func("until", "func(int) []int")
def until(count: int) -> Any:
    step = -1 if count < 0 else 1
    return _int_slice(until_step(0, count, step))


@sprig_func("untilStep", "func(int, int, int) []int")
def until_step_func(start: int, stop: int, step: int) -> Any:
    return _int_slice(until_step(start, stop, step))


def _join(ints: list[int]) -> str:
    """sprig's intArrayToString(slice, " ")."""
    return " ".join(str(i) for i in ints)


@sprig_func("seq", "func(...int) string")
def seq(*params: int) -> str:
    increment = 1
    n = len(params)
    if n == 1:
        start, end = 1, params[0]
        if end < start:
            increment = -1
        return _join(until_step(start, wrap_int64(end + increment), increment))
    if n == 3:
        start, step, end = params
        if end < start:
            increment = -1
            if step > 0:
                return ""
        return _join(until_step(start, wrap_int64(end + increment), step))
    if n == 2:
        start, end = params
        step = -1 if end < start else 1
        return _join(until_step(start, wrap_int64(end + step), step))
    return ""
