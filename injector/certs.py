"""Offline TLS material for the sidecar-injector webhook.

This module owns what Istio 0.5's ``webhook-create-signed-cert.sh`` did with
cfssl and a Kubernetes CertificateSigningRequest: a serving certificate whose
DNS names are the ones the API server dials (``<service>.<namespace>.svc``),
the files the webhook Deployment mounts (``ca-cert.pem``, ``cert.pem``,
``key.pem``) and the ``v1 Secret`` that carries them. Instead of asking the
cluster CA to sign, it signs with a self-signed CA of its own (or one the
user brings), so the caBundle of the webhook registration is that CA's
certificate (see webhookconfig.py) rather than the cluster's.

Errors are CertError, one line naming the file or the bad value.
"""

from __future__ import annotations

import base64
import datetime as _dt
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import yaml
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = [
    "CA_CERT_FILE",
    "CERT_FILE",
    "KEY_FILE",
    "CertError",
    "KeyPair",
    "dns_names",
    "make_ca",
    "make_serving_cert",
    "load_ca",
    "load_ca_files",
    "cert_files",
    "write_certs",
    "secret_manifest",
]

# The Secret keys / file names. cert.pem and key.pem are the keys the 0.5
# script's `kubectl create secret generic --from-file=key.pem=...
# --from-file=cert.pem=...` produced (and the paths the injector Deployment's
# --tlsCertFile/--tlsKeyFile name); ca-cert.pem is added because our CA is not
# the cluster's, so the caBundle has to come from somewhere.
CA_CERT_FILE = "ca-cert.pem"
CERT_FILE = "cert.pem"
KEY_FILE = "key.pem"

DEFAULT_DAYS = 365
DEFAULT_CA_DAYS = 3650
_MAX_DAYS = 36500  # past year 9999 x509 cannot encode the date; 100 years is plenty

# Certificates start a little in the past: the API server's clock may lag
# the machine that ran `injector certs`, and a not-yet-valid certificate
# fails every admission call.
_BACKDATE = _dt.timedelta(minutes=5)

_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z")
_RFC1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?\Z")


class CertError(ValueError):
    """A one-line user error (bad name, unreadable or unusable CA, ...)."""


@dataclass(frozen=True)
class KeyPair:
    """A certificate and its private key."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey

    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def key_pem(self) -> bytes:
        # PKCS#8 unencrypted: what Python's ssl, Go's tls.LoadX509KeyPair and
        # openssl all read without being told the key type.
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )


def dns_names(service: str, namespace: str) -> list[str]:
    """The names a client in the cluster may use for the Service; the API
    server itself dials ``<service>.<namespace>.svc``."""
    _check_label(service, "service", _RFC1035_LABEL, "a lowercase RFC 1035 label (a-z, 0-9, '-', starting with a letter)")
    _check_label(namespace, "namespace", _DNS_LABEL, "a lowercase RFC 1123 label (a-z, 0-9, '-')")
    svc = f"{service}.{namespace}.svc"
    return [service, f"{service}.{namespace}", svc, f"{svc}.cluster.local"]


def _check_label(value: str, what: str, pattern: re.Pattern[str], rule: str) -> None:
    if not pattern.match(value) or len(value) > 63:
        raise CertError(f"invalid {what} name {value!r}: must be {rule}, at most 63 characters")


def _new_key() -> ec.EllipticCurvePrivateKey:
    # EC P-256, as the 0.5 script's cfssl request ("algo": "ecdsa", "size":
    # 256): API servers (Go crypto/tls) and Python's ssl accept it, it is
    # generated in microseconds where RSA 2048 takes tens of milliseconds,
    # and the PEM files stay small.
    return ec.generate_private_key(ec.SECP256R1())


def _signature_hash(key: object) -> hashes.HashAlgorithm | None:
    # Ed25519/Ed448 sign the message itself; cryptography wants no hash then.
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
        return None
    return hashes.SHA256()


def _validity(days: int, what: str, now: _dt.datetime | None) -> tuple[_dt.datetime, _dt.datetime]:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= _MAX_DAYS:
        raise CertError(f"invalid {what} validity {days!r} days: must be 1 to {_MAX_DAYS}")
    start = (now or _dt.datetime.now(_dt.UTC)).replace(microsecond=0)
    return start - _BACKDATE, start + _dt.timedelta(days=days)


def make_ca(
    common_name: str = "istio-sidecar-injector-ca",
    days: int = DEFAULT_CA_DAYS,
    now: _dt.datetime | None = None,
) -> KeyPair:
    """A new self-signed CA (basicConstraints CA:true, pathlen 0: it signs
    serving certificates only)."""
    not_before, not_after = _validity(days, "CA", now)
    key = _new_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(digital_signature=True, key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(ski, critical=False)
        .sign(key, _signature_hash(key))
    )
    return KeyPair(cert, key)


def make_serving_cert(
    ca: KeyPair,
    service: str = "istio-sidecar-injector",
    namespace: str = "istio-system",
    days: int = DEFAULT_DAYS,
    now: _dt.datetime | None = None,
) -> KeyPair:
    """A serving certificate for the Service, signed by ``ca``.

    CN is ``<service>.<namespace>.svc`` as in the 0.5 script; the API server
    (Go 1.15+) only looks at the DNS SANs."""
    names = dns_names(service, namespace)
    not_before, not_after = _validity(days, "certificate", now)
    if not_after > ca.cert.not_valid_after_utc:
        raise CertError(
            f"a certificate valid {days} days would outlive its CA, "
            f"valid until {ca.cert.not_valid_after_utc:%Y-%m-%d}: shorten it or use a longer-lived CA"
        )
    key = _new_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[2])]))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(max(not_before, ca.cert.not_valid_before_utc))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # The usages the 0.5 script asked the cluster CA for: "digital
        # signature", "key encipherment", "server auth". keyEncipherment means
        # nothing for an EC key, but no TLS stack rejects it.
        .add_extension(_key_usage(digital_signature=True, key_encipherment=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(_authority_key_id(ca), critical=False)
        .sign(ca.key, _signature_hash(ca.key))
    )
    return KeyPair(cert, key)


def _key_usage(**set_bits: bool) -> x509.KeyUsage:
    bits = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    bits.update(set_bits)
    return x509.KeyUsage(**bits)


def _authority_key_id(ca: KeyPair) -> x509.AuthorityKeyIdentifier:
    try:
        ski = ca.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)
    except x509.ExtensionNotFound:
        return x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key())  # type: ignore[arg-type]


def load_ca(cert_pem: bytes, key_pem: bytes, cert_source: str = "CA certificate", key_source: str = "CA key") -> KeyPair:
    """A CA pair from PEM bytes: the first certificate of ``cert_pem`` and an
    unencrypted private key that must belong to it. Errors name the sources."""
    try:
        cert = x509.load_pem_x509_certificate(cert_pem)
    except ValueError:
        raise CertError(f"{cert_source}: not a PEM certificate") from None
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except TypeError:
        raise CertError(f"{key_source}: the private key is encrypted; decrypt it first (openssl pkey)") from None
    except (ValueError, UnsupportedAlgorithm):
        raise CertError(f"{key_source}: not a PEM private key") from None
    if not isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
        raise CertError(f"{key_source}: unsupported key type {type(key).__name__}")
    if not _is_ca(cert):
        raise CertError(f"{cert_source}: not a CA certificate (it lacks basicConstraints CA:true)")
    if key.public_key() != cert.public_key():
        raise CertError(f"{key_source}: the private key does not belong to the certificate in {cert_source}")
    if cert.not_valid_after_utc <= _dt.datetime.now(_dt.UTC):
        raise CertError(f"{cert_source}: the CA certificate expired on {cert.not_valid_after_utc:%Y-%m-%d}")
    return KeyPair(cert, key)


def load_ca_files(cert_path: str, key_path: str) -> KeyPair:
    """load_ca on two files (``--ca-cert``/``--ca-key``)."""
    return load_ca(_read_bytes(cert_path, "CA certificate"), _read_bytes(key_path, "CA key"), cert_path, key_path)


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _read_bytes(path: str, what: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise CertError(f"cannot read {what} {path}: {e.strerror}") from None


def cert_files(ca: KeyPair, serving: KeyPair) -> dict[str, bytes]:
    """The three files, by name. The CA's private key is deliberately not
    among them: a CA made for one webhook should sign nothing else. Bring a
    CA (``--ca-cert/--ca-key``) to renew without re-registering."""
    return {CA_CERT_FILE: ca.cert_pem(), CERT_FILE: serving.cert_pem(), KEY_FILE: serving.key_pem()}


def _file_mode(name: str) -> int:
    if name == KEY_FILE:
        return 0o600
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_certs(out_dir: str, files: Mapping[str, bytes]) -> list[str]:
    """Write ``files`` into ``out_dir`` (created if missing) and return the
    paths written. Every file is replaced atomically; if anything fails the
    directory is left as it was (files restored, a new directory removed)."""
    targets = [os.path.join(out_dir, name) for name in files]
    for path in targets:
        if os.path.isdir(path):
            raise CertError(f"cannot write {path}: it is a directory")
    created = _make_dir(out_dir)
    staged: dict[str, str] = {}
    try:
        for (name, data), path in zip(files.items(), targets):
            try:
                staged[path] = _stage(out_dir, data, _file_mode(name))
            except OSError as e:
                raise CertError(f"cannot write {path}: {e.strerror}") from None
        _commit(staged)
    except BaseException:
        _cleanup(staged.values(), out_dir if created else None)
        raise
    return targets


def _make_dir(out_dir: str) -> bool:
    if os.path.isdir(out_dir):
        return False
    try:
        os.makedirs(out_dir)
    except OSError as e:
        raise CertError(f"cannot create directory {out_dir}: {e.strerror}") from None
    return True


def _stage(directory: str, data: bytes, mode: int) -> str:
    # mkstemp creates the file 0600, so the key is never readable by others,
    # not even for the moment between write and chmod.
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".injector-certs-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def _commit(staged: Mapping[str, str]) -> None:
    # Three renames cannot be one atomic step; remember what each target held
    # so a failure half-way puts the old files back (and removes new ones).
    done: list[tuple[str, tuple[bytes, int] | None]] = []
    try:
        for path, tmp in staged.items():
            previous = _snapshot(path)
            try:
                os.replace(tmp, path)
            except OSError as e:
                raise CertError(f"cannot write {path}: {e.strerror}") from None
            done.append((path, previous))
    except BaseException:
        for path, previous in reversed(done):
            _restore(path, previous)
        raise


def _snapshot(path: str) -> tuple[bytes, int] | None:
    try:
        with open(path, "rb") as f:
            return f.read(), stat.S_IMODE(os.fstat(f.fileno()).st_mode)
    except FileNotFoundError:
        return None
    except OSError as e:
        # Unreadable now means unrestorable later: stop before replacing.
        raise CertError(f"cannot replace {path}: {e.strerror}") from None


def _restore(path: str, previous: tuple[bytes, int] | None) -> None:
    try:
        if previous is None:
            os.unlink(path)
        else:
            os.replace(_stage(os.path.dirname(path) or ".", previous[0], previous[1]), path)
    except OSError:
        pass  # best effort: the original error is the one to report


def _cleanup(paths: Iterable[str], created_dir: str | None) -> None:
    for tmp in paths:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
    if created_dir:
        try:
            os.rmdir(created_dir)
        except OSError:
            pass


_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z")


def secret_manifest(name: str, namespace: str, files: Mapping[str, bytes]) -> str:
    """A ``v1 Secret`` (type Opaque, as ``kubectl create secret generic``
    makes) whose data keys are the file names, values base64; keys sorted so
    the output is deterministic."""
    if not _SUBDOMAIN.match(name) or len(name) > 253:
        raise CertError(f"invalid Secret name {name!r}: must be a lowercase RFC 1123 subdomain (a-z, 0-9, '-', '.')")
    _check_label(namespace, "namespace", _DNS_LABEL, "a lowercase RFC 1123 label (a-z, 0-9, '-')")
    manifest = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "namespace": namespace},
        "type": "Opaque",
        "data": {key: base64.b64encode(files[key]).decode("ascii") for key in sorted(files)},
    }
    return yaml.safe_dump(manifest, sort_keys=False, default_flow_style=False, width=1 << 30)
