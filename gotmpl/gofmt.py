"""Go's fmt printing for gotmpl's value model: Sprint, Sprintln and Sprintf.

This module owns everything fmt/print.go and fmt/format.go do for text/template:
the format-string scanner (flags, width, precision, ``*``, ``[n]`` argument
indexes and the ``%!`` error forms), the per-kind formatters (integers, floats
through gotmpl.strconv.format_float, strings, byte slices, runes), the
reflection printer for composite values (printValue: maps in fmtsort order,
slices, structs, pointers, ``%#v`` Go syntax) and the Error()/String() method
rules (handleMethods, with a Python exception in a method being Go's panic).

Values follow gotmpl.values (``None`` and ``NilInterface`` are nil interfaces,
``MISSING`` is Go's invalid reflect.Value, ``Typed`` scalars, the
``Slice``/``Map``/``Ptr``/``Struct`` wrappers, Python objects as structs).

What cannot be reproduced: Go prints real addresses for pointers it does not
dereference (a pointer nested inside a container, a pointer to a scalar, ``%p``,
funcs); gotmpl prints the fixed address ``FAKE_ADDRESS`` (``0xc000010000``)
instead. Formatter (a Go ``Format`` method) is not supported; a ``GoString``
method is used by ``%#v`` as in Go.
"""

from __future__ import annotations

import enum
import re
from typing import Any

from . import values as _v
from .strconv import (
    can_backquote,
    float64_shortest_digits,
    format_float,
    go_bytes,
    go_is_print,
    go_quote,
    quote_rune_to_ascii,
    go_quote_rune,
    quote_to_ascii,
)

__all__ = ["sprint", "sprintln", "sprintf", "FAKE_ADDRESS"]

# The address printed where Go would print a real pointer value.
FAKE_ADDRESS = 0xC000010000

_Kind = _v.Kind
_INT_KINDS = _v.INT_KINDS
_UINT_KINDS = _v.UINT_KINDS
_MISSING = _v.MISSING
_Typed = _v.Typed
_Slice = _v.Slice
_Map = _v.Map
_Ptr = _v.Ptr
_Struct = _v.Struct
_Func = _v.Func
_NilInterface = _v.NilInterface

_MASK64 = (1 << 64) - 1
_INF = float("inf")
_MAX_RUNE = 0x10FFFF
_TOO_LARGE = 1_000_000
# Verbs for which Error() / String() replace the value.
_STRING_VERBS = frozenset("vsxXq")
_POINTER_KINDS = frozenset({_Kind.CHAN, _Kind.FUNC, _Kind.MAP, _Kind.PTR, _Kind.SLICE})
_DEREF_AT_TOP = frozenset({_Kind.ARRAY, _Kind.SLICE, _Kind.STRUCT, _Kind.MAP})


# --- fast paths -------------------------------------------------------------------------------


def _float_v(f: float) -> str:
    """%v of a float64: Go's 'g' with the shortest digits. Between 1e-4 and 1e6
    Go's layout is Python's repr without a trailing ".0" (both use the shortest
    round-tripping digits); elsewhere the exponent rules differ."""
    if 1e-4 <= f < 1e6 or -1e6 < f <= -1e-4 or f == 0:
        r = repr(f)
        return r[:-2] if r[-2:] == ".0" else r
    if f != f or f == _INF or f == -_INF:
        return format_float(f, "g", -1, 64)
    # Outside that range Go always uses the exponent form d.ddde±XX.
    digits, dp = float64_shortest_digits(-f if f < 0 else f)
    exp = dp - 1
    text = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    text += ("e-" if exp < 0 else "e+") + (str(-exp if exp < 0 else exp).rjust(2, "0"))
    return "-" + text if f < 0 else text


def _simple(arg: Any, verb: str) -> str | None:
    """A flagless verb on a plain str/int/float/bool, or None for the general path."""
    cls = type(arg)
    if cls is str:
        if verb == "v" or verb == "s":
            return arg
    elif cls is int:
        if verb == "v" or verb == "d":
            return str(arg)
    elif cls is float:
        if verb == "v":
            return _float_v(arg)
    elif cls is bool:
        if verb == "v" or verb == "t":
            return "true" if arg else "false"
    return None


def sprint(*args: Any) -> str:
    """Go's fmt.Sprint: operands in their default format, with a space between
    two operands when neither is a string."""
    if len(args) == 1:
        a = args[0]
        cls = type(a)
        if cls is str:
            return a
        if cls is int:
            return str(a)
        if cls is bool:
            return "true" if a else "false"
        if cls is float:
            return _float_v(a)
        if a is None:
            return "<nil>"
    parts = []
    prev_string = False
    for n, a in enumerate(args):
        cls = type(a)
        if cls is str:
            parts.append(a)
            prev_string = True
            continue
        if cls is int:
            text = str(a)
        elif cls is float:
            text = _float_v(a)
        elif cls is bool:
            text = "true" if a else "false"
        elif a is None:
            text = "<nil>"
        else:
            p = _Printer()
            p.do_print(args)
            return p.result()
        if n > 0 and not prev_string:
            parts.append(" ")
        parts.append(text)
        prev_string = False
    out = "".join(parts)
    return out if out.isascii() else _canonical(out)


def sprintln(*args: Any) -> str:
    """Go's fmt.Sprintln: operands separated by spaces, then a newline."""
    p = _Printer()
    p.do_println(args)
    return p.result()


def sprintf(format: str, *args: Any) -> str:
    """Go's fmt.Sprintf."""
    if "%" not in format:
        if not args:
            return format
    else:
        out = _sprintf_simple(format, args)
        if out is not None:
            return out
    p = _Printer()
    p.do_printf(format, args)
    return p.result()


_INVALID_BYTE = re.compile("[\udc80-\udcff]")


def _sprintf_simple(format: str, args: tuple) -> str | None:
    """Sprintf when every directive is a flagless verb on a plain value and every
    operand is used once in order; None sends the call to the full printer."""
    parts = []
    pos = 0
    n = 0
    nargs = len(args)
    while True:
        j = format.find("%", pos)
        if j < 0:
            break
        if n >= nargs or j + 1 >= len(format):
            return None
        text = _simple(args[n], format[j + 1])
        if text is None:
            return None
        parts.append(format[pos:j])
        parts.append(text)
        n += 1
        pos = j + 2
    if n != nargs:
        return None
    parts.append(format[pos:])
    out = "".join(parts)
    return out if out.isascii() else _canonical(out)


def _canonical(s: str) -> str:
    """Re-join invalid bytes that became valid UTF-8 when pieces were concatenated
    (so equal Go strings stay equal Python strings)."""
    if _INVALID_BYTE.search(s):
        return go_bytes(s).decode("utf-8", "surrogateescape")
    return s


# --- helpers over the value model -------------------------------------------------------------


def _type_string(v: Any) -> str:
    """reflect.TypeOf(v).String()."""
    if v is _MISSING:
        return "reflect.Value"
    return str(_v.type_of(v))


def _is_string_kind(v: Any) -> bool:
    """Whether v's dynamic type has kind string (Sprint's spacing rule)."""
    if type(v) is str:
        return True
    if v is None or v is _MISSING:
        return False
    return _v.type_of(v).kind == _Kind.STRING


def _scalar(v: Any) -> Any:
    """The Python number/string/bool inside a scalar value."""
    cls = type(v)
    if cls is _Typed:
        return v.value
    if isinstance(v, enum.Enum):
        return v.value
    return v


def _deref(v: Any) -> Any:
    """The value a non-nil pointer points to."""
    if type(v) is _Ptr:
        return _v.coerce(v.type.elem, v.target) if v.type.elem is not None else v.target
    # Error values are *errors.errorString: a pointer to a struct holding the message.
    t = _v.ERROR_VALUE_TYPE.elem
    return _Struct(t, {"s": str(v)})


def _pointer_is_nil(v: Any) -> bool:
    """Whether a pointer-like value (pointer, slice, map, func) is nil."""
    cls = type(v)
    if cls is _Ptr:
        return v.target is None
    if cls is _Slice:
        return v.items is None
    if cls is _Map:
        return v.data is None
    if cls is _Func:
        return v.fn is None
    return False


def _bytes_of(v: Any) -> bytes | None:
    """The bytes of a []uint8-like slice or array (None for a nil slice)."""
    if type(v) is bytes:
        return v
    if type(v) is _Slice and v.items is None:
        return None
    return bytes(_scalar(x) & 0xFF for x in _v.elements(v))


def _method(v: Any, name: str) -> Any:
    """A bound niladic method ``name`` in v's method set, or None."""
    if type(v) is _Ptr and v.type.elem is not None and v.type.elem.kind == _Kind.INTERFACE:
        return None  # a pointer to an interface has no methods (find_method would look inside)
    found = _v.find_method(v, name)
    if found is None:
        return None
    ft = found[0].func_type
    if ft.params or ft.variadic:
        return None
    return _v.method_of(v, name)


def _method_text(result: Any) -> str:
    """A method's result as the string Go's Error()/String() would return."""
    if type(result) is str:
        return result
    result = _scalar(result)
    if isinstance(result, str):
        return result
    return sprint(result)


# --- the printer --------------------------------------------------------------------------------


class _Printer:
    """Go's pp and fmt merged: an output buffer plus the current verb's flags."""

    __slots__ = (
        "buf",
        "wid",
        "prec",
        "wid_present",
        "prec_present",
        "minus",
        "plus",
        "sharp",
        "space",
        "zero",
        "plus_v",
        "sharp_v",
        "erroring",
        "panicking",
        "reordered",
        "good_arg_num",
    )

    def __init__(self) -> None:
        self.buf: list[str] = []
        self.erroring = False
        self.panicking = False
        self.reordered = False
        self.good_arg_num = True
        self.clear_flags()

    def result(self) -> str:
        out = "".join(self.buf)
        if out.isascii():
            return out
        return _canonical(out)

    def clear_flags(self) -> None:
        self.wid = 0
        self.prec = 0
        self.wid_present = False
        self.prec_present = False
        self.minus = False
        self.plus = False
        self.sharp = False
        self.space = False
        self.zero = False
        self.plus_v = False
        self.sharp_v = False

    def save_flags(self) -> tuple:
        return (self.wid, self.prec, self.wid_present, self.prec_present, self.minus, self.plus,
                self.sharp, self.space, self.zero, self.plus_v, self.sharp_v)  # fmt: skip

    def restore_flags(self, f: tuple) -> None:
        (self.wid, self.prec, self.wid_present, self.prec_present, self.minus, self.plus,
         self.sharp, self.space, self.zero, self.plus_v, self.sharp_v) = f  # fmt: skip

    # --- padding (fmt.writePadding / pad / padString) -------------------------------------

    def write_padding(self, n: int) -> None:
        if n <= 0:
            return
        self.buf.append(("0" if self.zero and not self.minus else " ") * n)

    def pad(self, s: str) -> None:
        """Pad to the width in runes (a str of a Go string has one char per rune)."""
        if not self.wid_present or self.wid == 0:
            self.buf.append(s)
            return
        width = self.wid - len(s)
        if not self.minus:
            self.write_padding(width)
            self.buf.append(s)
        else:
            self.buf.append(s)
            self.write_padding(width)

    def pad_no_zero(self, s: str) -> None:
        old = self.zero
        self.zero = False
        self.pad(s)
        self.zero = old

    # --- basic formatters (format.go) ---------------------------------------------------

    def fmt_boolean(self, b: bool) -> None:
        self.pad("true" if b else "false")

    def fmt_unicode(self, u: int) -> None:
        """U+0078, or with '#' U+0078 'x'."""
        prec = 4
        if self.prec_present and self.prec > 4:
            prec = self.prec
        digits = format(u, "X")
        if len(digits) < prec:
            digits = "0" * (prec - len(digits)) + digits
        s = "U+" + digits
        if self.sharp and u <= _MAX_RUNE and go_is_print(u):
            s += " '" + chr(u) + "'"
        self.pad_no_zero(s)

    def fmt_integer(self, u: int, negative: bool, base: int, verb: str, upper: bool) -> None:
        """fmt.fmtInteger for the magnitude u of a Go integer."""
        prec = 0
        if self.prec_present:
            prec = self.prec
            # Precision 0 and value 0 print nothing but the padding.
            if prec == 0 and u == 0:
                old = self.zero
                self.zero = False
                self.write_padding(self.wid)
                self.zero = old
                return
        elif self.zero and not self.minus and self.wid_present:
            prec = self.wid
            if negative or self.plus or self.space:
                prec -= 1  # room for the sign
        if base == 10:
            digits = str(u)
        elif base == 16:
            digits = format(u, "X" if upper else "x")
        elif base == 8:
            digits = format(u, "o")
        else:
            digits = format(u, "b")
        if len(digits) < prec:
            digits = "0" * (prec - len(digits)) + digits
        if self.sharp:
            if base == 2:
                digits = "0b" + digits
            elif base == 8:
                if digits[0] != "0":
                    digits = "0" + digits
            elif base == 16:
                digits = ("0X" if upper else "0x") + digits
        if verb == "O":
            digits = "0o" + digits
        if negative:
            digits = "-" + digits
        elif self.plus:
            digits = "+" + digits
        elif self.space:
            digits = " " + digits
        self.pad_no_zero(digits)

    def fmt_0x64(self, u: int, leading_0x: bool) -> None:
        sharp = self.sharp
        self.sharp = leading_0x
        self.fmt_integer(u, False, 16, "v", False)
        self.sharp = sharp

    def truncate(self, s: str) -> str:
        if self.prec_present and self.prec < len(s):
            return s[: self.prec]
        return s

    def fmt_s(self, s: str) -> None:
        self.pad(self.truncate(s))

    def fmt_sbx(self, b: bytes, upper: bool) -> None:
        """Hex encoding of a string's or byte slice's bytes (%x, % x, %#x)."""
        length = len(b)
        if self.prec_present and self.prec < length:
            length = self.prec
        width = 2 * length
        if width > 0:
            if self.space:
                if self.sharp:
                    width *= 2
                width += length - 1
            elif self.sharp:
                width += 2
        else:
            if self.wid_present:
                self.write_padding(self.wid)
            return
        if self.wid_present and self.wid > width and not self.minus:
            self.write_padding(self.wid - width)
        data = b[:length]
        text = data.hex(" ") if self.space else data.hex()
        if upper:
            text = text.upper()
        if self.sharp:
            prefix = "0X" if upper else "0x"
            # With ' ' every byte gets the prefix, else only the whole encoding.
            text = prefix + (text.replace(" ", " " + prefix) if self.space else text)
        self.buf.append(text)
        if self.wid_present and self.wid > width and self.minus:
            self.write_padding(self.wid - width)

    def fmt_q(self, s: str) -> None:
        s = self.truncate(s)
        if self.sharp and can_backquote(s):
            self.pad("`" + s + "`")
            return
        self.pad(quote_to_ascii(s) if self.plus else go_quote(s))

    def fmt_c(self, c: int) -> None:
        r = c if c <= _MAX_RUNE and not 0xD800 <= c <= 0xDFFF else 0xFFFD
        self.pad(chr(r))

    def fmt_qc(self, c: int) -> None:
        r = c if c <= _MAX_RUNE else 0xFFFD
        self.pad(quote_rune_to_ascii(r) if self.plus else go_quote_rune(r))

    def fmt_float(self, v: float, size: int, verb: str, prec: int) -> None:
        """fmt.fmtFloat: strconv's digits plus sign, padding and the '#' rules."""
        if self.prec_present:
            prec = self.prec
        num = format_float(v, verb, prec, size)
        if num[0] == "-" or num[0] == "+":
            sign, body = num[0], num[1:]
        else:
            sign, body = "+", num
        if self.space and sign == "+" and not self.plus:
            sign = " "
        if body[0] == "I" or body[0] == "N":
            # Infinities and NaN are never zero padded; NaN drops its sign unless asked.
            if body[0] == "N" and not self.space and not self.plus:
                self.pad_no_zero(body)
            else:
                self.pad_no_zero(sign + body)
            return
        if self.sharp and verb != "b":
            body = self._sharp_float(body, verb, prec)
        if self.plus or sign != "+":
            num = sign + body
            if self.zero and not self.minus and self.wid_present and self.wid > len(num):
                self.buf.append(sign)
                self.write_padding(self.wid - len(num))
                self.buf.append(body)
                return
            self.pad(num)
            return
        self.pad(body)

    @staticmethod
    def _sharp_float(body: str, verb: str, prec: int) -> str:
        """'#': always a decimal point, and %g keeps its trailing zeros."""
        digits = 0
        if verb in ("v", "g", "G", "x"):
            digits = 6 if prec == -1 else prec
        tail = ""
        has_point = False
        saw_nonzero = False
        num = body
        i = 0
        while i < len(num):
            c = num[i]
            if c == ".":
                has_point = True
            elif c == "p" or c == "P":
                tail = num[i:]
                num = num[:i]
                break
            elif (c == "e" or c == "E") and verb != "x" and verb != "X":
                tail = num[i:]
                num = num[:i]
                break
            else:
                if c != "0":
                    saw_nonzero = True
                if saw_nonzero:
                    digits -= 1
            i += 1
        if not has_point:
            if num == "0":
                digits -= 1  # a lone leading zero counts once
            num += "."
        if digits > 0:
            num += "0" * digits
        return num + tail

    # --- pp: values -------------------------------------------------------------------------

    def bad_verb(self, v: Any, verb: str) -> None:
        """%!verb(type=value); v is _MISSING or None for "no value"."""
        self.erroring = True
        self.buf.append("%!" + verb + "(")
        if v is None or v is _MISSING or type(v) is _NilInterface:
            self.buf.append("<nil>")
        else:
            self.buf.append(_type_string(v) + "=")
            self.print_value(v, "v", 0)
        self.buf.append(")")
        self.erroring = False

    def fmt_bool(self, v: Any, b: bool, verb: str) -> None:
        if verb == "t" or verb == "v":
            self.fmt_boolean(b)
        else:
            self.bad_verb(v, verb)

    def fmt_int(self, v: Any, n: int, signed: bool, verb: str) -> None:
        """pp.fmtInteger: n is the Go value (negative only when signed)."""
        if verb == "v":
            if self.sharp_v and not signed:
                self.fmt_0x64(n, True)
            else:
                self.fmt_integer(-n if n < 0 else n, n < 0, 10, verb, False)
        elif verb == "d":
            self.fmt_integer(-n if n < 0 else n, n < 0, 10, verb, False)
        elif verb == "x" or verb == "X":
            self.fmt_integer(-n if n < 0 else n, n < 0, 16, verb, verb == "X")
        elif verb == "o" or verb == "O":
            self.fmt_integer(-n if n < 0 else n, n < 0, 8, verb, False)
        elif verb == "b":
            self.fmt_integer(-n if n < 0 else n, n < 0, 2, verb, False)
        elif verb == "c":
            self.fmt_c(n & _MASK64)
        elif verb == "q":
            self.fmt_qc(n & _MASK64)
        elif verb == "U":
            self.fmt_unicode(n & _MASK64)
        else:
            self.bad_verb(v, verb)

    def fmt_float_verb(self, v: Any, f: float, size: int, verb: str) -> None:
        if verb == "v":
            if size == 64 and not (self.wid_present or self.prec_present or self.plus or self.space or self.sharp):
                self.buf.append(_float_v(f))
                return
            self.fmt_float(f, size, "g", -1)
        elif verb in ("b", "g", "G", "x", "X"):
            self.fmt_float(f, size, verb, -1)
        elif verb in ("f", "e", "E"):
            self.fmt_float(f, size, verb, 6)
        elif verb == "F":
            self.fmt_float(f, size, "f", 6)
        else:
            self.bad_verb(v, verb)

    def fmt_complex(self, v: Any, c: complex, size: int, verb: str) -> None:
        if verb in ("v", "b", "g", "G", "x", "X", "f", "F", "e", "E"):
            old_plus = self.plus
            self.buf.append("(")
            self.fmt_float_verb(v, c.real, size // 2, verb)
            self.plus = True  # the imaginary part always has a sign
            self.fmt_float_verb(v, c.imag, size // 2, verb)
            self.buf.append("i)")
            self.plus = old_plus
        else:
            self.bad_verb(v, verb)

    def fmt_string(self, v: Any, s: str, verb: str) -> None:
        if verb == "v":
            if self.sharp_v:
                self.fmt_q(s)
            else:
                self.fmt_s(s)
        elif verb == "s":
            self.fmt_s(s)
        elif verb == "x" or verb == "X":
            self.fmt_sbx(go_bytes(s), verb == "X")
        elif verb == "q":
            self.fmt_q(s)
        else:
            self.bad_verb(v, verb)

    def fmt_bytes(self, b: bytes | None, verb: str, type_string: str, v: Any) -> None:
        if verb == "v" or verb == "d":
            if self.sharp_v:
                self.buf.append(type_string)
                if b is None:
                    self.buf.append("(nil)")
                    return
                self.buf.append("{")
                for i, c in enumerate(b):
                    if i:
                        self.buf.append(", ")
                    self.fmt_0x64(c, True)
                self.buf.append("}")
            else:
                self.buf.append("[")
                for i, c in enumerate(b or b""):
                    if i:
                        self.buf.append(" ")
                    self.fmt_integer(c, False, 10, verb, False)
                self.buf.append("]")
        elif verb == "s":
            self.fmt_s((b or b"").decode("utf-8", "surrogateescape"))
        elif verb == "x" or verb == "X":
            self.fmt_sbx(b or b"", verb == "X")
        elif verb == "q":
            self.fmt_q((b or b"").decode("utf-8", "surrogateescape"))
        else:
            self.print_value(v, verb, 0)

    def fmt_pointer(self, v: Any, verb: str) -> None:
        t = _v.type_of(v)
        if t is None or t.kind not in _POINTER_KINDS:
            self.bad_verb(v, verb)
            return
        u = 0 if _pointer_is_nil(v) else FAKE_ADDRESS
        if verb == "v":
            if self.sharp_v:
                self.buf.append("(" + str(t) + ")(")
                if u == 0:
                    self.buf.append("nil")
                else:
                    self.fmt_0x64(u, True)
                self.buf.append(")")
            elif u == 0:
                self.pad("<nil>")
            else:
                self.fmt_0x64(u, not self.sharp)
        elif verb == "p":
            self.fmt_0x64(u, not self.sharp)
        elif verb in ("b", "o", "d", "x", "X"):
            self.fmt_int(v, u, False, verb)
        else:
            self.bad_verb(v, verb)

    def catch_panic(self, v: Any, verb: str, method: str, err: BaseException) -> None:
        """A Python exception in Error()/String() is Go's panic in that method."""
        if type(v) is _Ptr and v.target is None:
            # A method on a nil pointer that fails: Go prints <nil>.
            self.buf.append("<nil>")
            return
        if self.panicking:
            raise err  # a panic while printing a panic: Go panics for good
        old = self.save_flags()
        self.clear_flags()
        self.buf.append("%!" + verb + "(PANIC=" + method + " method: ")
        self.panicking = True
        self.print_arg(err if isinstance(err, _v.GoError) else str(err), "v")
        self.panicking = False
        self.buf.append(")")
        self.restore_flags(old)

    def handle_methods(self, v: Any, verb: str) -> bool:
        """Error() / String() (or GoString() for %#v); True when v was printed."""
        if self.erroring:
            return False
        if verb == "w":
            # %w outside Errorf is a bad verb whatever the operand.
            self.bad_verb(v, verb)
            return True
        if self.sharp_v:
            m = _method(v, "GoString")
            if m is None:
                return False
            try:
                text = _method_text(m())
            except Exception as e:  # noqa: BLE001 - a panicking method
                self.catch_panic(v, verb, "GoString", e)
                return True
            self.fmt_s(text)
            return True
        if verb not in _STRING_VERBS:
            return False
        for name in ("Error", "String"):
            m = _method(v, name)
            if m is None:
                continue
            try:
                text = _method_text(m())
            except Exception as e:  # noqa: BLE001 - a panicking method
                self.catch_panic(v, verb, name, e)
                return True
            self.fmt_string(v, text, verb)
            return True
        return False

    def print_arg(self, arg: Any, verb: str) -> None:
        """pp.printArg: one operand at the top level."""
        if arg is None or type(arg) is _NilInterface:  # a nil error is a nil `any` here
            if verb == "T" or verb == "v":
                self.pad("<nil>")
            else:
                self.bad_verb(None, verb)
            return
        if verb == "T":
            self.fmt_s(_type_string(arg))
            return
        if verb == "p":
            if arg is _MISSING:
                self.buf.append("%!p(reflect.Value=<invalid reflect.Value>)")
                return
            self.fmt_pointer(arg, "p")
            return
        cls = type(arg)
        if cls is str:
            self.fmt_string(arg, arg, verb)
        elif cls is int:
            self.fmt_int(arg, arg, True, verb)
        elif cls is float:
            self.fmt_float_verb(arg, arg, 64, verb)
        elif cls is bool:
            self.fmt_bool(arg, arg, verb)
        elif cls is bytes:
            self.fmt_bytes(arg, verb, "[]byte", arg)
        elif cls is complex:
            self.fmt_complex(arg, arg, 128, verb)
        elif cls is _Slice and arg.type is _v.BYTES:
            self.fmt_bytes(_bytes_of(arg), verb, "[]byte", arg)
        elif arg is _MISSING:
            self.buf.append("<invalid reflect.Value>")
        elif not self.handle_methods(arg, verb):
            self.print_value(arg, verb, 0)

    def print_value(self, v: Any, verb: str, depth: int, static: Any = None, can_iface: bool = True) -> None:
        """pp.printValue: v at a nesting depth; static is the declared type of the
        slot v came from (it names a nil interface under %#v)."""
        if v is None or type(v) is _NilInterface:
            # A nil interface inside a container or struct.
            if self.sharp_v:
                if type(v) is _NilInterface:
                    static = v.type
                self.buf.append((str(static) if static is not None else "interface {}") + "(nil)")
            else:
                self.buf.append("<nil>")
            return
        if v is _MISSING:
            if depth == 0:
                self.buf.append("<invalid reflect.Value>")
            elif verb == "v":
                self.buf.append("<nil>")
            else:
                self.bad_verb(None, verb)
            return
        cls = type(v)
        # Plain Python scalars have no methods: skip the method lookup.
        if cls is str:
            self.fmt_string(v, v, verb)
            return
        if cls is int:
            self.fmt_int(v, v, True, verb)
            return
        if cls is float:
            self.fmt_float_verb(v, v, 64, verb)
            return
        if cls is bool:
            self.fmt_bool(v, v, verb)
            return
        if depth > 0 and can_iface and self.handle_methods(v, verb):
            return
        t = _v.type_of(v)
        k = t.kind
        if k in _INT_KINDS:
            self.fmt_int(v, int(_scalar(v)), True, verb)
        elif k in _UINT_KINDS:
            self.fmt_int(v, int(_scalar(v)) & _MASK64, False, verb)
        elif k == _Kind.STRING:
            self.fmt_string(v, _scalar(v), verb)
        elif k == _Kind.FLOAT64:
            self.fmt_float_verb(v, float(_scalar(v)), 64, verb)
        elif k == _Kind.FLOAT32:
            self.fmt_float_verb(v, float(_scalar(v)), 32, verb)
        elif k == _Kind.BOOL:
            self.fmt_bool(v, bool(_scalar(v)), verb)
        elif k == _Kind.COMPLEX128:
            self.fmt_complex(v, complex(_scalar(v)), 128, verb)
        elif k == _Kind.COMPLEX64:
            self.fmt_complex(v, complex(_scalar(v)), 64, verb)
        elif k == _Kind.MAP:
            self.print_map(v, t, verb, depth, can_iface)
        elif k == _Kind.STRUCT:
            self.print_struct(v, t, verb, depth, can_iface)
        elif k == _Kind.SLICE or k == _Kind.ARRAY:
            self.print_list(v, t, verb, depth, can_iface)
        elif k == _Kind.PTR:
            # At the top a pointer to a composite prints as &value (the pointee's
            # static type decides: a *any holding a struct is still an address).
            if depth == 0 and t.elem is not None and t.elem.kind in _DEREF_AT_TOP and not _pointer_is_nil(v):
                self.buf.append("&")
                self.print_value(_deref(v), verb, depth + 1, t.elem, can_iface)
                return
            self.fmt_pointer(v, verb)
        elif k == _Kind.FUNC or k == _Kind.CHAN:
            self.fmt_pointer(v, verb)
        else:
            self.buf.append("?" + str(t) + "?")

    def print_map(self, v: Any, t: Any, verb: str, depth: int, can_iface: bool) -> None:
        if self.sharp_v:
            self.buf.append(str(t))
            if _pointer_is_nil(v):
                self.buf.append("(nil)")
                return
            self.buf.append("{")
        else:
            self.buf.append("map[")
        sep = ", " if self.sharp_v else " "
        kt, et = t.key, t.elem
        for i, (key, val) in enumerate(_v.sorted_map_items(v)):
            if i:
                self.buf.append(sep)
            self.print_value(key, verb, depth + 1, kt, can_iface)
            self.buf.append(":")
            self.print_value(val, verb, depth + 1, et, can_iface)
        self.buf.append("}" if self.sharp_v else "]")

    def print_struct(self, v: Any, t: Any, verb: str, depth: int, can_iface: bool) -> None:
        if self.sharp_v:
            self.buf.append(str(t))
        self.buf.append("{")
        names = self.plus_v or self.sharp_v
        sep = ", " if self.sharp_v else " "
        for i, (field, val) in enumerate(_v.struct_fields(v)):
            if i:
                self.buf.append(sep)
            if names and field.name:
                self.buf.append(field.name + ":")
            # Go calls no methods on values reached through unexported fields.
            self.print_value(val, verb, depth + 1, field.type, can_iface and field.exported)
        self.buf.append("}")

    def print_list(self, v: Any, t: Any, verb: str, depth: int, can_iface: bool) -> None:
        if verb in ("s", "q", "x", "X") and t.elem is not None and t.elem.kind == _Kind.UINT8:
            self.fmt_bytes(_bytes_of(v), verb, str(t), v)
            return
        items = _v.elements(v) if type(v) is not bytes else [_Typed(_v.UINT8, b) for b in v]
        et = t.elem
        if self.sharp_v:
            self.buf.append(str(t))
            if type(v) is _Slice and v.items is None:
                self.buf.append("(nil)")
                return
            self.buf.append("{")
            for i, x in enumerate(items):
                if i:
                    self.buf.append(", ")
                self.print_value(x, verb, depth + 1, et, can_iface)
            self.buf.append("}")
        else:
            self.buf.append("[")
            for i, x in enumerate(items):
                if i:
                    self.buf.append(" ")
                self.print_value(x, verb, depth + 1, et, can_iface)
            self.buf.append("]")

    # --- the drivers (doPrint, doPrintln, doPrintf) -------------------------------------------

    def do_print(self, args: tuple) -> None:
        prev_string = False
        for n, arg in enumerate(args):
            is_string = _is_string_kind(arg)
            # A space between two operands when neither is a string.
            if n > 0 and not is_string and not prev_string:
                self.buf.append(" ")
            self.print_arg(arg, "v")
            prev_string = is_string

    def do_println(self, args: tuple) -> None:
        for n, arg in enumerate(args):
            if n > 0:
                self.buf.append(" ")
            self.print_arg(arg, "v")
        self.buf.append("\n")

    def arg_number(self, arg_num: int, fmt: str, i: int, num_args: int) -> tuple[int, int, bool]:
        """An explicit argument index ``[n]`` at fmt[i:], if any."""
        if i >= len(fmt) or fmt[i] != "[":
            return arg_num, i, False
        self.reordered = True
        index, wid, ok = _parse_arg_number(fmt, i)
        if ok and 0 <= index < num_args:
            return index, i + wid, True
        self.good_arg_num = False
        return arg_num, i + wid, ok

    def do_printf(self, fmt: str, args: tuple) -> None:
        end = len(fmt)
        nargs = len(args)
        arg_num = 0
        after_index = False
        self.reordered = False
        buf = self.buf
        i = 0
        while i < end:
            self.good_arg_num = True
            j = fmt.find("%", i)
            if j < 0:
                buf.append(fmt[i:])
                break
            if j > i:
                buf.append(fmt[i:j])
            i = j + 1
            if i < end and arg_num < nargs:
                # The commonest directive: a verb right after '%' on a plain value.
                text = _simple(args[arg_num], fmt[i])
                if text is not None:
                    buf.append(text)
                    arg_num += 1
                    i += 1
                    continue
            self.clear_flags()
            simple = False
            while i < end:
                c = fmt[i]
                if c == "#":
                    self.sharp = True
                elif c == "0":
                    self.zero = True
                elif c == "+":
                    self.plus = True
                elif c == "-":
                    self.minus = True
                elif c == " ":
                    self.space = True
                else:
                    # Go's fast path: a lower-case verb right after the flags.
                    if "a" <= c <= "z" and arg_num < nargs:
                        if c == "v" or c == "w":
                            self.sharp_v, self.sharp = self.sharp, False
                            self.plus_v, self.plus = self.plus, False
                        self.print_arg(args[arg_num], c)
                        arg_num += 1
                        i += 1
                        simple = True
                    break
                i += 1
            if simple:
                continue

            arg_num, i, after_index = self.arg_number(arg_num, fmt, i, nargs)

            if i < end and fmt[i] == "*":
                i += 1
                self.wid, self.wid_present, arg_num = _int_from_arg(args, arg_num)
                if not self.wid_present:
                    buf.append("%!(BADWIDTH)")
                if self.wid < 0:
                    # A negative width means left-justify (never zero padding on the right).
                    self.wid = -self.wid
                    self.minus = True
                    self.zero = False
                after_index = False
            else:
                self.wid, self.wid_present, i = _parse_num(fmt, i, end)
                if after_index and self.wid_present:  # "%[3]2d"
                    self.good_arg_num = False

            if i + 1 < end and fmt[i] == ".":
                i += 1
                if after_index:  # "%[3].2d"
                    self.good_arg_num = False
                arg_num, i, after_index = self.arg_number(arg_num, fmt, i, nargs)
                if i < end and fmt[i] == "*":
                    i += 1
                    self.prec, self.prec_present, arg_num = _int_from_arg(args, arg_num)
                    if self.prec < 0:
                        self.prec = 0
                        self.prec_present = False
                    if not self.prec_present:
                        buf.append("%!(BADPREC)")
                    after_index = False
                else:
                    self.prec, self.prec_present, i = _parse_num(fmt, i, end)
                    if not self.prec_present:
                        self.prec = 0
                        self.prec_present = True

            if not after_index:
                arg_num, i, after_index = self.arg_number(arg_num, fmt, i, nargs)

            if i >= end:
                buf.append("%!(NOVERB)")
                break

            verb = fmt[i]
            i += 1
            if "\udc80" <= verb <= "\udcff":
                verb = "\ufffd"  # an invalid byte decodes as utf8.RuneError
            if verb == "%":
                buf.append("%")  # absorbs no operand, ignores width and precision
            elif not self.good_arg_num:
                buf.append("%!" + verb + "(BADINDEX)")
            elif arg_num >= nargs:
                buf.append("%!" + verb + "(MISSING)")
            else:
                if verb == "v" or verb == "w":
                    self.sharp_v, self.sharp = self.sharp, False
                    self.plus_v, self.plus = self.plus, False
                self.print_arg(args[arg_num], verb)
                arg_num += 1

        if not self.reordered and arg_num < nargs:
            self.clear_flags()
            buf.append("%!(EXTRA ")
            for n, arg in enumerate(args[arg_num:]):
                if n:
                    buf.append(", ")
                if arg is None or type(arg) is _NilInterface:
                    buf.append("<nil>")
                else:
                    buf.append(_type_string(arg) + "=")
                    self.print_arg(arg, "v")
            buf.append(")")


def _parse_num(s: str, start: int, end: int) -> tuple[int, bool, int]:
    """Go's parsenum: (number, present, next index); absurdly long numbers give up."""
    num = 0
    isnum = False
    i = start
    while i < end and "0" <= s[i] <= "9":
        if num > _TOO_LARGE or num < -_TOO_LARGE:
            return 0, False, end
        num = num * 10 + ord(s[i]) - 48
        isnum = True
        i += 1
    return num, isnum, i


def _parse_arg_number(fmt: str, i: int) -> tuple[int, int, bool]:
    """Go's parseArgNumber on fmt[i:] (which starts with '['): (index, length, ok)."""
    rest = len(fmt) - i
    if rest < 3:
        return 0, 1, False
    close = fmt.find("]", i + 1)
    if close < 0:
        return 0, 1, False
    width, ok, newi = _parse_num(fmt, i + 1, close)
    if not ok or newi != close:
        return 0, close - i + 1, False
    return width - 1, close - i + 1, True


def _int_from_arg(args: tuple, arg_num: int) -> tuple[int, bool, int]:
    """Go's intFromArg: a '*' width or precision from an integer operand."""
    num, is_int, new_arg_num = 0, False, arg_num
    if arg_num < len(args):
        a = args[arg_num]
        if type(a) is int:
            num, is_int = a, True
        elif a is not None and a is not _MISSING and type(a) is not bool:
            t = _v.type_of(a)
            if t is not None and t.kind in _INT_KINDS:
                num, is_int = int(_scalar(a)), True
            elif t is not None and t.kind in _UINT_KINDS:
                n = int(_scalar(a))
                if n < 1 << 63:
                    num, is_int = n, True
        new_arg_num = arg_num + 1
        if num > _TOO_LARGE or num < -_TOO_LARGE:
            num, is_int = 0, False
    return num, is_int, new_arg_num
