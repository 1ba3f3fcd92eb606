"""Sprig's environment functions (sprig's functions.go, "OS"): ``env`` is Go's
``os.Getenv`` and ``expandenv`` Go's ``os.ExpandEnv``, whose ``$NAME`` /
``${NAME}`` rules (shell special variables, ``${}`` eaten, a lone ``$`` kept)
are those of ``os.Expand`` in Go's os/env.go. Both read this process's
environment, as Go reads its own.
"""

from __future__ import annotations

import os

from . import sprig_func

__all__ = ["getenv", "expand", "expandenv"]

_SPECIAL = frozenset("*#$@!?-0123456789")


def getenv(name: str) -> str:
    """Go's ``os.Getenv``: the variable's value, "" when unset."""
    try:
        return os.environ.get(name, "")
    except (ValueError, UnicodeError):
        return ""


def _is_alnum(c: str) -> bool:
    return c == "_" or "0" <= c <= "9" or "a" <= c <= "z" or "A" <= c <= "Z"


def _shell_name(s: str) -> tuple[str, int]:
    """Go's getShellName: the name after a ``$`` and how many bytes it spans."""
    if s[0] == "{":
        if len(s) > 2 and s[1] in _SPECIAL and s[2] == "}":
            return s[1:2], 3
        close = s.find("}", 1)
        if close == 1:
            return "", 2  # bad syntax: "${}" is eaten
        if close < 0:
            return "", 1  # bad syntax: "${" is eaten
        return s[1:close], close + 1
    if s[0] in _SPECIAL:
        return s[0], 1
    i = 0
    while i < len(s) and _is_alnum(s[i]):
        i += 1
    return s[:i], i


def expand(s: str, mapping) -> str:  # type: ignore[no-untyped-def]
    """Go's ``os.Expand``."""
    out: list[str] = []
    i = 0
    j = 0
    while j < len(s):
        if s[j] == "$" and j + 1 < len(s):
            out.append(s[i:j])
            name, w = _shell_name(s[j + 1 :])
            if name == "" and w > 0:
                pass  # invalid syntax: the characters are eaten
            elif name == "":
                out.append("$")
            else:
                out.append(mapping(name))
            j += w
            i = j + 1
        j += 1
    if not out:
        return s
    return "".join(out) + s[i:]


@sprig_func("env", "func(string) string")
def env(name: str) -> str:
    return getenv(name)


@sprig_func("expandenv", "func(string) string")
def expandenv(s: str) -> str:
    return expand(s, getenv)
