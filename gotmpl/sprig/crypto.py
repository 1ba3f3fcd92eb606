"""Sprig's cryptographic functions (sprig's crypto.go): ``bcrypt``,
``htpasswd``, ``derivePassword``, ``randBytes``, ``genPrivateKey``,
``buildCustomCert``, ``genCA``/``genCAWithKey``,
``genSelfSignedCert``/``genSelfSignedCertWithKey``,
``genSignedCert``/``genSignedCertWithKey``, ``encryptAES`` and ``decryptAES``.

Keys and certificates are made with ``cryptography`` the way Go's crypto/x509
makes them in sprig's calls (x509.go CreateCertificate): serial below 2^128,
subject CN only, key usage (critical), server+client extended key usage,
basic constraints (critical), a subject key id for CAs (the first 20 bytes of
the SHA-256 of the public key, Go 1.27's default), the CA's key id as
authority key id when issuer and subject differ, DNS then IP alternative
names; SHA-256 RSA PKCS#1 v1.5, ECDSA with the curve's hash, or Ed25519.
PEM blocks are found as Go's encoding/pem finds them, private keys read as
sprig's parsePrivateKeyPEM reads them, and the deterministic error paths
(bad base64, no PEM, wrong block type, DSA keys, mismatched CA key, bad IPs)
have Go's texts.

``bcrypt`` uses the system's libcrypt (crypt_blowfish ``$2b$``, the algorithm
Go's x/crypto/bcrypt implements; printed with Go's ``$2a$`` prefix, cost 10).
``derivePassword`` is the Master Password algorithm (scrypt + HMAC-SHA256).
``encryptAES``/``decryptAES`` are AES-256-CBC with the password zero-padded
(or cut) to 32 bytes, PKCS#7 padding and the IV first, base64 encoded;
``decryptAES`` fails exactly where Go's code panics.
"""

from __future__ import annotations

import base64
import ctypes
import ctypes.util
import dataclasses
import datetime as _dt
import hashlib
import hmac
import ipaddress
import os
import secrets
import struct
from typing import Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .. import values as V
from ..gofmt import sprintf
from ..strconv import from_go_bytes, go_bytes
from . import sprig_func
from .encoding import CorruptInputError, b64_decode
from .network import parse_ip

__all__ = ["Certificate", "pem_decode", "parse_private_key_pem", "CryptoError"]


class CryptoError(V.GoError):
    """An error sprig's crypto functions return (Go's text)."""


# --- bcrypt ----------------------------------------------------------------------------------

_BCRYPT_ALPHABET = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_BCRYPT_COST = 10
_libcrypt: Any = None


def _crypt_function() -> Any:
    global _libcrypt
    if _libcrypt is None:
        name = ctypes.util.find_library("crypt") or "libcrypt.so.1"
        lib = ctypes.CDLL(name)
        lib.crypt.restype = ctypes.c_char_p
        lib.crypt.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        _libcrypt = lib.crypt
    return _libcrypt


def _bcrypt_base64(data: bytes) -> bytes:
    """bcrypt's base64 (its own alphabet, no padding)."""
    std = base64.b64encode(data).rstrip(b"=")
    return std.translate(bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", _BCRYPT_ALPHABET))


def bcrypt_hash(password: bytes) -> str:
    """Go's bcrypt.GenerateFromPassword(password, 10)."""
    salt = _bcrypt_base64(secrets.token_bytes(16))
    setting = b"$2b$%02d$" % _BCRYPT_COST + salt
    result = _crypt_function()(password, setting)
    if not result or not result.startswith(b"$2b$"):
        raise CryptoError("bcrypt: libcrypt failed")
    return "$2a$" + result[4:].decode("ascii")


def bcrypt_verify(password: bytes, hashed: str) -> bool:
    """Whether a ``$2a$`` hash is of password (for tests and tools)."""
    setting = ("$2b$" + hashed[4:]).encode("ascii")
    result = _crypt_function()(password, setting)
    return bool(result) and "$2a$" + result[4:].decode("ascii") == hashed


@sprig_func("bcrypt", "func(string) string")
def bcrypt(s: str) -> str:
    return bcrypt_hash(go_bytes(s))


@sprig_func("htpasswd", "func(string, string) string")
def htpasswd(username: str, password: str) -> str:
    if ":" in username:
        return f"invalid username: {username}"
    return f"{username}:{bcrypt_hash(go_bytes(password))}"


# --- random bytes, derivePassword --------------------------------------------------------------


@sprig_func("randBytes", "func(int) (string, error)")
def rand_bytes(count: int) -> str:
    if count < 0 or count > (1 << 48):
        raise V.GoError("runtime error: makeslice: len out of range")
    return base64.b64encode(secrets.token_bytes(count)).decode("ascii")


_MASTER_PASSWORD_SEED = b"com.lyndir.masterpassword"
_PASSWORD_TEMPLATES: dict[str, tuple[str, ...]] = {
    "maximum": ("anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"),
    "long": (
        "CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv", "CvccCvcvnoCvcv",
        "CvccCvcvCvcvno", "CvcvnoCvccCvcv", "CvcvCvccnoCvcv", "CvcvCvccCvcvno", "CvcvnoCvcvCvcc",
        "CvcvCvcvnoCvcc", "CvcvCvcvCvccno", "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno",
        "CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno", "CvccnoCvcvCvcc", "CvccCvcvnoCvcc",
        "CvccCvcvCvccno",
    ),
    "medium": ("CvcnoCvc", "CvcCvcno"),
    "short": ("Cvcn",),
    "basic": ("aaanaaan", "aannaaan", "aaannaaa"),
    "pin": ("nnnn",),
}  # fmt: skip
_TEMPLATE_CHARACTERS = {
    "V": "AEIOU",
    "C": "BCDFGHJKLMNPQRSTVWXYZ",
    "v": "aeiou",
    "c": "bcdfghjklmnpqrstvwxyz",
    "A": "AEIOUBCDFGHJKLMNPQRSTVWXYZ",
    "a": "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
    "n": "0123456789",
    "o": "@&%?,=[]_:-+*$#!'^~;()/.",
    "x": "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
}


@sprig_func("derivePassword", "func(uint32, string, string, string, string) string")
def derive_password(counter: int, password_type: str, password: str, user: str, site: str) -> str:
    templates = _PASSWORD_TEMPLATES.get(password_type)
    if templates is None:
        return f"cannot find password template {password_type}"
    user_b, site_b = go_bytes(user), go_bytes(site)
    salt = _MASTER_PASSWORD_SEED + struct.pack(">I", len(user_b) & 0xFFFFFFFF) + user_b
    key = hashlib.scrypt(go_bytes(password), salt=salt, n=32768, r=8, p=2, maxmem=128 << 20, dklen=64)
    message = _MASTER_PASSWORD_SEED + struct.pack(">I", len(site_b) & 0xFFFFFFFF) + site_b + struct.pack(">I", counter)
    seed = hmac.new(key, message, hashlib.sha256).digest()
    template = templates[seed[0] % len(templates)]
    return "".join(_TEMPLATE_CHARACTERS[c][seed[i + 1] % len(_TEMPLATE_CHARACTERS[c])] for i, c in enumerate(template))


# --- PEM (Go's encoding/pem.Decode) ------------------------------------------------------------

_PEM_START = b"\n-----BEGIN "
_PEM_END = b"\n-----END "
_PEM_EOL = b"-----"


@dataclasses.dataclass
class PemBlock:
    type: str
    headers: dict[bytes, bytes]
    data: bytes


def _get_line(data: bytes) -> tuple[bytes, bytes, int]:
    i = data.find(b"\n")
    if i < 0:
        i = j = len(data)
    else:
        j = i + 1
        if i > 0 and data[i - 1] == 0x0D:
            i -= 1
    return data[:i].rstrip(b" \t"), data[j:], j


def pem_decode(data: bytes) -> PemBlock | None:
    """Go's pem.Decode: the first PEM block (None when there is none)."""
    rest = data
    end_trailer_index = 0
    while True:
        if end_trailer_index < 0 or end_trailer_index > len(rest):
            return None
        rest = rest[end_trailer_index:]
        end_index = rest.find(_PEM_END)
        if end_index < 0:
            return None
        end_trailer_index = end_index + len(_PEM_END)
        begin_index = rest[:end_index].rfind(_PEM_START[1:])
        if begin_index < 0 or (begin_index > 0 and rest[begin_index - 1] != 0x0A):
            continue
        skip = begin_index + len(_PEM_START) - 1
        rest = rest[skip:]
        end_index -= skip
        end_trailer_index -= skip
        type_line, rest, consumed = _get_line(rest)
        end_index -= consumed
        end_trailer_index -= consumed
        if not type_line.endswith(_PEM_EOL):
            continue
        type_line = type_line[: -len(_PEM_EOL)]
        headers: dict[bytes, bytes] = {}
        while True:
            if not rest:
                return None
            line, nxt, consumed = _get_line(rest)
            key, colon, val = line.partition(b":")
            if not colon:
                break
            headers[key.strip()] = val.strip()
            rest = nxt
            end_index -= consumed
            end_trailer_index -= consumed
        if headers and end_index < 0:
            continue
        end_trailer = rest[end_trailer_index:] if end_trailer_index >= 0 else b""
        trailer_len = len(type_line) + len(_PEM_EOL)
        if len(end_trailer) < trailer_len:
            continue
        rest_of_end_line = end_trailer[trailer_len:]
        end_trailer = end_trailer[:trailer_len]
        if not end_trailer.startswith(type_line) or not end_trailer.endswith(_PEM_EOL):
            continue
        if _get_line(rest_of_end_line)[0]:
            continue
        body = b""
        if end_index > 0:
            try:
                body = b64_decode(rest[:end_index].replace(b" ", b"").replace(b"\t", b""))
            except CorruptInputError:
                continue
        return PemBlock(from_go_bytes(type_line), headers, body)


def pem_encode(block_type: str, der: bytes) -> str:
    """Go's pem.EncodeToMemory for a block without headers."""
    body = base64.b64encode(der).decode("ascii")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {block_type}-----\n" + "".join(line + "\n" for line in lines) + f"-----END {block_type}-----\n"


# --- private keys ------------------------------------------------------------------------------

PrivateKey = Any  # rsa / ec / ed25519 / dsa private keys of cryptography


def _der_shape(der: bytes) -> str:
    """The ASN.1 shape of a private key DER: "pkcs1" (SEQUENCE of INTEGERs),
    "pkcs8" (INTEGER, SEQUENCE, OCTET STRING), "ec" (INTEGER 1, OCTET
    STRING) or "" when it is none of them."""
    try:
        if der[0] != 0x30:
            return ""
        pos = 1 + _length_size(der, 1)
        if der[pos] != 0x02:
            return ""
        pos += 1
        pos += _length_size(der, pos) + _length(der, pos)
        tag = der[pos]
    except IndexError:
        return ""
    return {0x02: "pkcs1", 0x30: "pkcs8", 0x04: "ec"}.get(tag, "")


def _length_size(der: bytes, pos: int) -> int:
    first = der[pos]
    return 1 if first < 0x80 else 1 + (first & 0x7F)


def _length(der: bytes, pos: int) -> int:
    first = der[pos]
    if first < 0x80:
        return first
    return int.from_bytes(der[pos + 1 : pos + 1 + (first & 0x7F)], "big")


def _load_der(der: bytes) -> PrivateKey | None:
    try:
        return serialization.load_der_private_key(der, password=None)
    except (ValueError, TypeError, IndexError, UnsupportedAlgorithm):
        return None


_WRONG_FORMAT = "x509: failed to parse private key (use {} instead for this key format)"


def _parse_pkcs1(der: bytes) -> PrivateKey:
    shape = _der_shape(der)
    if shape == "pkcs8":
        raise CryptoError(_WRONG_FORMAT.format("ParsePKCS8PrivateKey"))
    if shape == "ec":
        raise CryptoError(_WRONG_FORMAT.format("ParseECPrivateKey"))
    key = _load_der(der) if shape == "pkcs1" else None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CryptoError("asn1: structure error: tags don't match")
    return key


def _parse_ec(der: bytes) -> PrivateKey:
    shape = _der_shape(der)
    if shape == "pkcs8":
        raise CryptoError(_WRONG_FORMAT.format("ParsePKCS8PrivateKey"))
    if shape == "pkcs1":
        raise CryptoError(_WRONG_FORMAT.format("ParsePKCS1PrivateKey"))
    key = _load_der(der) if shape == "ec" else None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise CryptoError("x509: failed to parse EC private key: asn1: structure error: tags don't match")
    if key.curve.name not in _GO_CURVES:
        raise CryptoError("x509: unknown elliptic curve")
    return key


# The curves Go's crypto/x509 parses (P-224, P-256, P-384, P-521).
_GO_CURVES = frozenset({"secp224r1", "secp256r1", "secp384r1", "secp521r1"})
# PKCS#8 key algorithms cryptography reads and Go's ParsePKCS8PrivateKey does not.
_GO_UNKNOWN_PKCS8 = {"DSAPrivateKey": "1.2.840.10040.4.1", "Ed448PrivateKey": "1.3.101.113", "X448PrivateKey": "1.3.101.111"}


def _parse_pkcs8(der: bytes) -> PrivateKey:
    shape = _der_shape(der)
    if shape == "pkcs1":
        raise CryptoError(_WRONG_FORMAT.format("ParsePKCS1PrivateKey"))
    if shape == "ec":
        raise CryptoError(_WRONG_FORMAT.format("ParseECPrivateKey"))
    key = _load_der(der) if shape == "pkcs8" else None
    if key is None:
        raise CryptoError("asn1: structure error: tags don't match")
    for base in type(key).__mro__:
        oid = _GO_UNKNOWN_PKCS8.get(base.__name__)
        if oid is not None:
            raise CryptoError(f"x509: PKCS#8 wrapping contained private key with unknown algorithm: {oid}")
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name not in _GO_CURVES:
        raise CryptoError("x509: failed to parse EC private key embedded in PKCS#8: x509: unknown elliptic curve")
    return key


def _parse_dsa(der: bytes) -> PrivateKey:
    key = _load_der(der)
    if not isinstance(key, dsa.DSAPrivateKey):
        raise CryptoError("asn1: structure error: tags don't match")
    return key


def parse_private_key_pem(text: bytes) -> PrivateKey:
    """sprig's parsePrivateKeyPEM (raises CryptoError with Go's text)."""
    block = pem_decode(text)
    if block is None:
        raise CryptoError("no PEM data in input")
    if block.type == "PRIVATE KEY":
        try:
            return _parse_pkcs8(block.data)
        except CryptoError as e:
            raise CryptoError(f"decoding PEM as PKCS#8: {e}") from None
    if not block.type.endswith(" PRIVATE KEY"):
        raise CryptoError(f"no private key data in PEM block of type {block.type}")
    kind = block.type[: -len(" PRIVATE KEY")]
    parsers = {"RSA": (_parse_pkcs1, "parsing RSA private key from PEM"), "EC": (_parse_ec, "parsing EC private key from PEM"), "DSA": (_parse_dsa, "parsing DSA private key from PEM")}
    if kind not in parsers:
        raise CryptoError(f"invalid private key type {block.type}")
    parse, context = parsers[kind]
    try:
        return parse(block.data)
    except CryptoError as e:
        raise CryptoError(f"{context}: {e}") from None


def _no_encryption() -> serialization.NoEncryption:
    return serialization.NoEncryption()


def private_key_pem(key: PrivateKey) -> str:
    """sprig's pemBlockForKey, encoded: PKCS#1 RSA, SEC 1 EC, DSA's
    (version, p, q, g, y, x), else PKCS#8."""
    pem = serialization.Encoding.PEM
    if isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, dsa.DSAPrivateKey)):
        fmt = serialization.PrivateFormat.TraditionalOpenSSL
    else:
        fmt = serialization.PrivateFormat.PKCS8
    return key.private_bytes(pem, fmt, _no_encryption()).decode("ascii")


@sprig_func("genPrivateKey", "func(string) string")
def gen_private_key(typ: str) -> str:
    if typ in ("", "rsa"):
        key: PrivateKey = rsa.generate_private_key(public_exponent=65537, key_size=4096)
    elif typ == "dsa":
        key = dsa.generate_private_key(key_size=2048)
    elif typ == "ecdsa":
        key = ec.generate_private_key(ec.SECP256R1())
    elif typ == "ed25519":
        key = ed25519.Ed25519PrivateKey.generate()
    else:
        return "Unknown type " + typ
    return private_key_pem(key)


# --- certificates ------------------------------------------------------------------------------


@dataclasses.dataclass
class Certificate:
    """sprig's ``certificate`` struct: PEM texts of a certificate and its key."""

    __go_type__ = "sprig.certificate"
    Cert: str = ""
    Key: str = ""


CERTIFICATE = V.class_type(Certificate)


def _decode_certificate(j: Any, path: str) -> Any:
    if not isinstance(j, dict) or set(j) - {"Cert", "Key"}:
        raise ValueError(f"{path}: a sprig.certificate is an object with Cert and Key")
    return Certificate(str(j.get("Cert", "")), str(j.get("Key", "")))


V.register_named_type("sprig.certificate", CERTIFICATE, _decode_certificate)


def _net_ips(ips: Any) -> list[bytes]:
    """sprig's getNetIPs: every element a string that net.ParseIP accepts."""
    out = []
    for ip in _elements(ips):
        if type(ip) is not str:
            raise CryptoError(f"error parsing ip: {sprintf('%v', ip)} is not a string")
        parsed = parse_ip(ip)
        if parsed is None:
            raise CryptoError(f"error parsing ip: {ip}")
        out.append(parsed)
    return out


def _dns_names(names: Any) -> list[str]:
    """sprig's getAlternateDNSStrs: every element a string."""
    out = []
    for name in _elements(names):
        if type(name) is not str:
            raise CryptoError(f"error processing alternate dns name: {sprintf('%v', name)} is not a string")
        out.append(name)
    return out


def _elements(xs: Any) -> list[Any]:
    if xs is None:
        return []
    if isinstance(xs, V.Slice):
        return list(xs.items or [])
    return list(xs)


def _public_key_bits(pub: Any) -> bytes:
    """The subjectPublicKey BIT STRING contents Go hashes for key ids."""
    if isinstance(pub, rsa.RSAPublicKey):
        return pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    if isinstance(pub, ec.EllipticCurvePublicKey):
        return pub.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _is_printable(s: str) -> bool:
    """Go's asn1 isPrintable (what makes a PrintableString)."""
    return all(c.isascii() and (c.isalnum() or c in " '()+,-./:=?*&") for c in s)


def _subject(cn: str) -> x509.Name:
    """pkix.Name{CommonName: cn} as Go encodes it (an empty CN: no attribute)."""
    if cn == "":
        return x509.Name([])
    kind = _ASN1Type.PrintableString if _is_printable(cn) else _ASN1Type.UTF8String
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn, _type=kind, _validate=False)])


@dataclasses.dataclass
class _Template:
    cn: str
    ips: list[bytes]
    dns: list[str]
    days: int
    is_ca: bool = False


def _base_template(cn: str, ips: Any, dns: Any, days_valid: int) -> _Template:
    return _Template(cn, _net_ips(ips), _dns_names(dns), days_valid)


def _signing_hash(key: PrivateKey) -> Any:
    if isinstance(key, rsa.RSAPrivateKey):
        return hashes.SHA256()
    if isinstance(key, ec.EllipticCurvePrivateKey):
        size = key.curve.key_size
        if size <= 256:
            return hashes.SHA256()
        return hashes.SHA384() if size <= 384 else hashes.SHA512()
    return None


def _ip_address(raw: bytes) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    if raw[:12] == b"\x00" * 10 + b"\xff\xff":
        return ipaddress.IPv4Address(raw[12:])
    return ipaddress.IPv6Address(raw)


def _wrap64(x: int) -> int:
    x &= (1 << 64) - 1
    return x - (1 << 64) if x >= 1 << 63 else x


def _cert_and_key(template: _Template, signee: PrivateKey, parent: x509.Certificate | None, signer: PrivateKey) -> Certificate:
    """sprig's getCertAndKey: x509.CreateCertificate, PEM-encoded with the key."""
    if isinstance(signer, dsa.DSAPrivateKey) or not isinstance(
        signer, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey, ed25519.Ed25519PrivateKey)
    ):
        raise CryptoError("error creating certificate: x509: certificate private key does not implement crypto.Signer")
    pub = signee.public_key()
    if isinstance(pub, dsa.DSAPublicKey):
        raise CryptoError("error creating certificate: x509: unsupported public key type: *dsa.PublicKey")
    subject = _subject(template.cn)
    issuer = parent.subject if parent is not None else subject
    if parent is not None and parent.public_key() != signer.public_key():
        raise CryptoError("error creating certificate: x509: provided PrivateKey doesn't match parent's PublicKey")
    for name in template.dns:
        if not name.isascii():
            raise CryptoError(f"error creating certificate: x509: {sprintf('%q', name)} cannot be encoded as an IA5String")
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
    valid = _wrap64(24 * 3600 * 1_000_000_000 * template.days)
    not_after = now + _dt.timedelta(microseconds=valid // 1000)
    builder = (
        x509.CertificateBuilder()
        .serial_number(max(1, secrets.randbelow(1 << 128)))
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(pub)
        .not_valid_before(now)
        .not_valid_after(max(not_after, now))
    )
    builder = builder.add_extension(
        x509.KeyUsage(
            digital_signature=True,
            content_commitment=False,
            key_encipherment=True,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=template.is_ca,
            crl_sign=False,
            encipher_only=False,
            decipher_only=False,
        ),
        critical=True,
    )
    builder = builder.add_extension(
        x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
    )
    builder = builder.add_extension(x509.BasicConstraints(ca=template.is_ca, path_length=None), critical=True)
    if template.is_ca:
        skid = hashlib.sha256(_public_key_bits(pub)).digest()[:20]
        builder = builder.add_extension(x509.SubjectKeyIdentifier(skid), critical=False)
    if parent is not None and parent.subject.public_bytes() != subject.public_bytes():
        try:
            parent_skid = parent.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
        except x509.ExtensionNotFound:
            parent_skid = b""
        if parent_skid:
            builder = builder.add_extension(x509.AuthorityKeyIdentifier(parent_skid, None, None), critical=False)
    sans: list[x509.GeneralName] = [x509.DNSName(n) for n in template.dns]
    sans += [x509.IPAddress(_ip_address(ip)) for ip in template.ips]
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=not template.cn)
    cert = builder.sign(signer, _signing_hash(signer))
    der = cert.public_bytes(serialization.Encoding.DER)
    if not_after < now:
        # Go signs any validity; cryptography refuses one that ends before it starts.
        der = _with_validity(der, now, not_after, signer)
    return Certificate(pem_encode("CERTIFICATE", der), private_key_pem(signee))


def _der_tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + content


def _der_children(der: bytes, start: int, end: int) -> list[bytes]:
    """The complete elements inside a constructed element's contents."""
    out = []
    pos = start
    while pos < end:
        first = der[pos + 1]
        if first < 0x80:
            content, length = pos + 2, first
        else:
            n = first & 0x7F
            content, length = pos + 2 + n, int.from_bytes(der[pos + 2 : pos + 2 + n], "big")
        out.append(der[pos : content + length])
        pos = content + length
    return out


def _asn1_time(when: _dt.datetime) -> bytes:
    """Go's asn1 time: UTCTime for 1950-2049, GeneralizedTime otherwise."""
    if 1950 <= when.year < 2050:
        return _der_tlv(0x17, when.strftime("%y%m%d%H%M%SZ").encode())
    return _der_tlv(0x18, f"{when.year:04d}".encode() + when.strftime("%m%d%H%M%SZ").encode())


def _with_validity(der: bytes, not_before: _dt.datetime, not_after: _dt.datetime, signer: PrivateKey) -> bytes:
    """The certificate with another validity in its TBS part, signed again."""
    outer = _read_tlv(der, 0, 0x30)
    assert outer is not None
    tbs_der, sig_alg, _sig = _der_children(der, *outer)
    tbs = _read_tlv(tbs_der, 0, 0x30)
    assert tbs is not None
    fields = _der_children(tbs_der, *tbs)
    fields[4] = _der_tlv(0x30, _asn1_time(not_before) + _asn1_time(not_after))  # after version, serial, sigAlg, issuer
    new_tbs = _der_tlv(0x30, b"".join(fields))
    if isinstance(signer, rsa.RSAPrivateKey):
        signature = signer.sign(new_tbs, padding.PKCS1v15(), _signing_hash(signer))
    elif isinstance(signer, ec.EllipticCurvePrivateKey):
        signature = signer.sign(new_tbs, ec.ECDSA(_signing_hash(signer)))
    else:
        signature = signer.sign(new_tbs)
    return _der_tlv(0x30, new_tbs + sig_alg + _der_tlv(0x03, b"\x00" + signature))


def _rsa2048() -> PrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _key_from_pem(priv_pem: str) -> PrivateKey:
    try:
        return parse_private_key_pem(go_bytes(priv_pem))
    except CryptoError as e:
        raise CryptoError(f"parsing private key: {e}") from None


def _ca(cn: str, days_valid: int, key: PrivateKey) -> Certificate:
    template = _base_template(cn, None, None, days_valid)
    template.is_ca = True
    return _cert_and_key(template, key, None, key)


@sprig_func("genCA", "func(string, int) (sprig.certificate, error)")
def gen_ca(cn: str, days_valid: int) -> Certificate:
    return _ca(cn, days_valid, _rsa2048())


@sprig_func("genCAWithKey", "func(string, int, string) (sprig.certificate, error)")
def gen_ca_with_key(cn: str, days_valid: int, priv_pem: str) -> Certificate:
    return _ca(cn, days_valid, _key_from_pem(priv_pem))


def _self_signed(cn: str, ips: Any, dns: Any, days_valid: int, key: PrivateKey) -> Certificate:
    return _cert_and_key(_base_template(cn, ips, dns, days_valid), key, None, key)


_CERT_ARGS = "string, []interface {}, []interface {}, int"


@sprig_func("genSelfSignedCert", f"func({_CERT_ARGS}) (sprig.certificate, error)")
def gen_self_signed_cert(cn: str, ips: Any, dns: Any, days_valid: int) -> Certificate:
    _base_template(cn, ips, dns, days_valid)  # Go's errors come before any use of the key
    return _self_signed(cn, ips, dns, days_valid, _rsa2048())


@sprig_func("genSelfSignedCertWithKey", f"func({_CERT_ARGS}, string) (sprig.certificate, error)")
def gen_self_signed_cert_with_key(cn: str, ips: Any, dns: Any, days_valid: int, priv_pem: str) -> Certificate:
    return _self_signed(cn, ips, dns, days_valid, _key_from_pem(priv_pem))


def _read_tlv(data: bytes, pos: int, tag: int) -> tuple[int, int] | None:
    """A DER element with this tag at pos, as cryptobyte reads it: (start of
    its contents, end), or None (another tag, a bad or non-minimal length)."""
    if pos + 2 > len(data) or data[pos] != tag:
        return None
    first = data[pos + 1]
    if first < 0x80:
        start, length = pos + 2, first
    else:
        n = first & 0x7F
        if n == 0 or n > 4 or pos + 2 + n > len(data):
            return None
        length = int.from_bytes(data[pos + 2 : pos + 2 + n], "big")
        if data[pos + 2] == 0 or length < 0x80:
            return None
        start = pos + 2 + n
    end = start + length
    return (start, end) if end <= len(data) else None


def _der_integer(data: bytes, start: int, end: int) -> int | None:
    body = data[start:end]
    if not body or len(body) > 1 and (body[0] == 0 and body[1] < 0x80 or body[0] == 0xFF and body[1] >= 0x80):
        return None
    return int.from_bytes(body, "big", signed=True)


def _certificate_shape_error(der: bytes) -> str | None:
    """The first structural error Go's parseCertificate reports, for the
    envelope up to the signature algorithm (None when that part is sound)."""
    seq, ctx0, integer = 0x30, 0xA0, 0x02
    outer = _read_tlv(der, 0, seq)
    if outer is None:
        return "x509: malformed certificate"
    tbs = _read_tlv(der, outer[0], seq)
    if tbs is None:
        return "x509: malformed tbs certificate"
    pos = tbs[0]
    version = _read_tlv(der, pos, ctx0)
    if version is not None:
        inner = _read_tlv(der, version[0], integer)
        value = _der_integer(der, *inner) if inner is not None and inner[1] == version[1] else None
        if value is None or value < 0:
            return "x509: malformed version"
        if value + 1 > 3:
            return "x509: invalid version"
        pos = version[1]
    serial = _read_tlv(der, pos, integer)
    value = _der_integer(der, *serial) if serial is not None else None
    if value is None:
        return "x509: malformed serial number"
    if value < 0:
        return "x509: negative serial number"
    sig_ai = _read_tlv(der, serial[1], seq)
    if sig_ai is None or sig_ai[1] > tbs[1]:
        return "x509: malformed signature algorithm identifier"
    outer_ai = _read_tlv(der, tbs[1], seq)
    if outer_ai is None:
        return "x509: malformed algorithm identifier"
    if der[outer_ai[0] : outer_ai[1]] != der[sig_ai[0] : sig_ai[1]]:
        return "x509: inner and outer signature algorithm identifiers don't match"
    return None


def _parse_certificate_der(der: bytes) -> x509.Certificate:
    """Go's x509.ParseCertificate: its structural errors, then cryptography's
    parse (whose failures are reported as a malformed certificate)."""
    shape = _certificate_shape_error(der)
    if shape is not None:
        raise CryptoError(shape)
    try:
        cert = x509.load_der_x509_certificate(der)
    except (ValueError, TypeError):
        raise CryptoError("x509: malformed certificate") from None
    outer = _read_tlv(der, 0, 0x30)
    if outer is not None and outer[1] != len(der):
        raise CryptoError("x509: trailing data")
    return cert


def _signed(cn: str, ips: Any, dns: Any, days_valid: int, ca: Certificate, key_of: Any) -> Certificate:
    """sprig's generateSignedCertificateWithKeyInternal; ``key_of()`` gives
    the signee key (generated, or parsed from PEM) in Go's order."""
    key = key_of()
    block = pem_decode(go_bytes(ca.Cert))
    if block is None:
        raise CryptoError("unable to decode certificate")
    try:
        signer_cert = _parse_certificate_der(block.data)
    except CryptoError as e:
        raise CryptoError(f"error parsing certificate: decodedSignerCert.Bytes: {e}") from None
    try:
        signer_key = parse_private_key_pem(go_bytes(ca.Key))
    except CryptoError as e:
        raise CryptoError(f"error parsing private key: {e}") from None
    template = _base_template(cn, ips, dns, days_valid)
    return _cert_and_key(template, key, signer_cert, signer_key)


@sprig_func("genSignedCert", f"func({_CERT_ARGS}, sprig.certificate) (sprig.certificate, error)")
def gen_signed_cert(cn: str, ips: Any, dns: Any, days_valid: int, ca: Certificate) -> Certificate:
    return _signed(cn, ips, dns, days_valid, ca, _rsa2048)


@sprig_func("genSignedCertWithKey", f"func({_CERT_ARGS}, sprig.certificate, string) (sprig.certificate, error)")
def gen_signed_cert_with_key(cn: str, ips: Any, dns: Any, days_valid: int, ca: Certificate, priv_pem: str) -> Certificate:
    return _signed(cn, ips, dns, days_valid, ca, lambda: _key_from_pem(priv_pem))


@sprig_func("buildCustomCert", "func(string, string) (sprig.certificate, error)")
def build_custom_cert(b64cert: str, b64key: str) -> Certificate:
    try:
        cert = b64_decode(go_bytes(b64cert))
    except CorruptInputError:
        raise CryptoError("unable to decode base64 certificate") from None
    try:
        key = b64_decode(go_bytes(b64key))
    except CorruptInputError:
        raise CryptoError("unable to decode base64 private key") from None
    block = pem_decode(cert)
    if block is None:
        raise CryptoError("unable to decode certificate")
    try:
        _parse_certificate_der(block.data)
    except CryptoError as e:
        raise CryptoError(f"error parsing certificate: decodedCert.Bytes: {e}") from None
    try:
        parse_private_key_pem(key)
    except CryptoError as e:
        raise CryptoError(f"error parsing private key: {e}") from None
    return Certificate(from_go_bytes(cert), from_go_bytes(key))


# --- AES ---------------------------------------------------------------------------------------


def _aes_key(password: str) -> bytes:
    return go_bytes(password)[:32].ljust(32, b"\x00")


@sprig_func("encryptAES", "func(string, string) (string, error)")
def encrypt_aes(password: str, plaintext: str) -> str:
    if plaintext == "":
        return ""
    content = go_bytes(plaintext)
    padding = 16 - len(content) % 16
    content += bytes([padding]) * padding
    iv = os.urandom(16)
    encryptor = Cipher(algorithms.AES(_aes_key(password)), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + encryptor.update(content) + encryptor.finalize()).decode("ascii")


def _panic(text: str) -> V.GoError:
    return V.GoError(text)


@sprig_func("decryptAES", "func(string, string) (string, error)")
def decrypt_aes(password: str, crypt64: str) -> str:
    if crypt64 == "":
        return ""
    data = go_bytes(crypt64)
    try:
        crypt = b64_decode(data)
    except CorruptInputError as e:
        raise CryptoError(str(e)) from None
    capacity = len(data) // 4 * 3  # DecodedLen: Go slices within the buffer's capacity
    if capacity < 16:
        raise _panic(f"runtime error: slice bounds out of range [:16] with capacity {capacity}")
    if len(crypt) < 16:
        raise _panic(f"runtime error: slice bounds out of range [16:{len(crypt)}]")
    iv, body = crypt[:16], crypt[16:]
    if len(body) % 16:
        raise _panic("crypto/cipher: input not full blocks")
    if not body:
        raise _panic("runtime error: index out of range [-1]")
    decryptor = Cipher(algorithms.AES(_aes_key(password)), modes.CBC(iv)).decryptor()
    decrypted = decryptor.update(body) + decryptor.finalize()
    end = len(decrypted) - decrypted[-1]
    if end < 0:
        raise _panic(f"runtime error: slice bounds out of range [:{end}]")
    return from_go_bytes(decrypted[:end])
