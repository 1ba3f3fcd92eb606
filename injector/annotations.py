"""Validation of the injection annotations a pod carries (Istio 1.1+).

From 1.1 (istio/istio#7832) injectionData refuses a pod whose traffic and
status annotations do not parse, before rendering: ``*`` or a CIDR list for
the outbound IP ranges to include, a CIDR list to exclude, ``*`` or a port list
for the inbound ports to include, a port list to exclude, a port for the status
port, unsigned 32-bit numbers for the readiness settings, REDIRECT or TPROXY
for the interception mode. Every invalid annotation is reported (Go's
go-multierror list, in annotation order here where Go's map order is random).
The checks follow Istio's validators; the wording of the reasons follows Go's
strconv and net errors, the per-annotation sentence is ours.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Callable, Mapping

from .meshconfig import format_errors

__all__ = ["validate_annotations"]


def _parse_port(text: str) -> None:
    s = text.strip()
    if not re.fullmatch(r"[0-9]+", s):
        raise ValueError(f'failed parsing port {s!r}: strconv.ParseUint: parsing "{s}": invalid syntax')
    if int(s) > 65535:
        raise ValueError(f'failed parsing port {s!r}: strconv.ParseUint: parsing "{s}": value out of range')


def _port_list(name: str) -> Callable[[str], None]:
    def check(value: str) -> None:
        value = value.strip()
        if not value:
            return
        for part in value.split(","):
            try:
                _parse_port(part)
            except ValueError as e:
                raise ValueError(f"{name} invalid: {e}") from None

    return check


def _cidr_list(name: str) -> Callable[[str], None]:
    def check(value: str) -> None:
        if not value:
            return
        for cidr in value.split(","):
            try:
                if "/" not in cidr:
                    raise ValueError
                ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                raise ValueError(f"{name} invalid: failed parsing cidr '{cidr}': invalid CIDR address: {cidr}") from None

    return check


def _or_wildcard(check: Callable[[str], None]) -> Callable[[str], None]:
    return lambda value: None if value == "*" else check(value)


def _uint32(value: str) -> None:
    if not re.fullmatch(r"[0-9]+", value):
        raise ValueError(f'strconv.ParseUint: parsing "{value}": invalid syntax')
    if int(value) > 0xFFFFFFFF:
        raise ValueError(f'strconv.ParseUint: parsing "{value}": value out of range')


def _status_port(value: str) -> None:
    _parse_port(value)


def _interception_mode(value: str) -> None:
    if value not in ("REDIRECT", "TPROXY"):
        raise ValueError(f"interceptionMode invalid: {value}")


_VALIDATORS: dict[str, Callable[[str], None]] = {
    "sidecar.istio.io/interceptionMode": _interception_mode,
    "traffic.sidecar.istio.io/includeOutboundIPRanges": _or_wildcard(_cidr_list("includeIPRanges")),
    "traffic.sidecar.istio.io/excludeOutboundIPRanges": _cidr_list("excludeIPRanges"),
    "traffic.sidecar.istio.io/includeInboundPorts": _or_wildcard(_port_list("includeInboundPorts")),
    "traffic.sidecar.istio.io/excludeInboundPorts": _port_list("excludeInboundPorts"),
    "status.sidecar.istio.io/port": _status_port,
    "readiness.status.sidecar.istio.io/initialDelaySeconds": _uint32,
    "readiness.status.sidecar.istio.io/periodSeconds": _uint32,
    "readiness.status.sidecar.istio.io/failureThreshold": _uint32,
    "readiness.status.sidecar.istio.io/applicationPorts": _or_wildcard(_port_list("applicationPorts")),
}


def validate_annotations(annotations: Mapping[str, str], version: tuple[int, int]) -> str | None:
    """The error text for a pod's invalid injection annotations, or None."""
    errors = []
    for name in sorted(annotations):
        check = _VALIDATORS.get(name)
        if check is None:
            continue
        value = annotations[name]
        try:
            check(value)
        except ValueError as e:
            errors.append(f"invalid value '{value}' for annotation '{name}': {e}")
    return format_errors(errors, version + (0,)) if errors else None
