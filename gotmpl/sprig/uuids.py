"""Sprig's ``uuidv4`` (sprig's crypto.go, google/uuid's ``uuid.New().String()``):
a random (version 4, RFC 4122 variant) UUID in its canonical lower-case
hyphenated form.
"""

from __future__ import annotations

import uuid

from . import sprig_func

__all__: list[str] = []


@sprig_func("uuidv4", "func() string")
def uuidv4() -> str:
    return str(uuid.uuid4())
