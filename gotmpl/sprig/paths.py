"""Sprig's path functions (sprig's functions.go, "Paths" and "Filepaths"):
``base``, ``dir``, ``clean``, ``ext``, ``isAbs`` are Go's ``path`` package
(slash-separated paths), ``osBase``, ``osDir``, ``osClean``, ``osExt``,
``osIsAbs`` its ``path/filepath`` package. On the Unix systems gotmpl runs
on, filepath uses ``/`` and has no volume names, so both sets are the same
functions. Paths are Go byte strings: only ``/`` and ``.`` (ASCII) matter.
"""

from __future__ import annotations

from . import sprig_func

__all__ = ["clean", "base", "dir_", "ext", "is_abs"]


def clean(path: str) -> str:
    """Go's ``path.Clean``: the shortest equivalent path, lexically."""
    if path == "":
        return "."
    rooted = path.startswith("/")
    parts: list[str] = []
    for elem in path.split("/"):
        if elem in ("", "."):
            continue
        if elem == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append("..")
            continue
        parts.append(elem)
    out = "/".join(parts)
    if rooted:
        return "/" + out
    return out or "."


def base(path: str) -> str:
    """Go's ``path.Base``: the last element, trailing slashes removed."""
    if path == "":
        return "."
    path = path.rstrip("/")
    if path == "":
        return "/"
    return path[path.rfind("/") + 1 :]


def dir_(path: str) -> str:
    """Go's ``path.Dir``: everything but the last element, cleaned."""
    return clean(path[: path.rfind("/") + 1])


def ext(path: str) -> str:
    """Go's ``path.Ext``: the suffix from the final dot of the last element."""
    for i in range(len(path) - 1, -1, -1):
        c = path[i]
        if c == "/":
            break
        if c == ".":
            return path[i:]
    return ""


def is_abs(path: str) -> bool:
    """Go's ``path.IsAbs``."""
    return path.startswith("/")


def _register() -> None:
    string_fn = "func(string) string"
    for prefix in ("", "os"):

        def name(n: str, prefix: str = prefix) -> str:
            return prefix + n[0].upper() + n[1:] if prefix else n

        sprig_func(name("base"), string_fn)(base)
        sprig_func(name("dir"), string_fn)(dir_)
        sprig_func(name("clean"), string_fn)(clean)
        sprig_func(name("ext"), string_fn)(ext)
        sprig_func(name("isAbs"), "func(string) bool")(is_abs)


_register()
