"""The webhook's TLS material (injector.certs) and ``injector certs``: what
the certificates say, that a real TLS handshake with them succeeds for the
name the API server dials (and fails for others), the files and their modes,
the Secret, reusing a CA, and that errors write nothing."""

from __future__ import annotations

import base64
import datetime as dt
import os
import socket
import ssl
import stat
import threading

import pytest
import yaml
from click.testing import CliRunner
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from injector import certs
from injector.certs import CertError, KeyPair
from injector.cli import main

SERVICE, NAMESPACE = "istio-sidecar-injector", "istio-system"
HOST = f"{SERVICE}.{NAMESPACE}.svc"
FILES = {"ca-cert.pem", "cert.pem", "key.pem"}


@pytest.fixture(scope="module")
def ca() -> KeyPair:
    return certs.make_ca()


@pytest.fixture(scope="module")
def serving(ca: KeyPair) -> KeyPair:
    return certs.make_serving_cert(ca, SERVICE, NAMESPACE)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def _ext(cert: x509.Certificate, cls):
    return cert.extensions.get_extension_for_class(cls)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- the certificates ---------------------------------------------------


def test_ca_is_a_self_signed_ca(ca: KeyPair) -> None:
    bc = _ext(ca.cert, x509.BasicConstraints)
    assert bc.critical and bc.value.ca is True
    assert _ext(ca.cert, x509.KeyUsage).value.key_cert_sign
    ca.cert.verify_directly_issued_by(ca.cert)
    assert isinstance(ca.key, ec.EllipticCurvePrivateKey) and ca.key.curve.name == "secp256r1"


def test_serving_cert_is_issued_by_the_ca(ca: KeyPair, serving: KeyPair) -> None:
    serving.cert.verify_directly_issued_by(ca.cert)
    assert serving.cert.issuer == ca.cert.subject
    other = certs.make_ca()
    with pytest.raises((ValueError, InvalidSignature)):
        serving.cert.verify_directly_issued_by(other.cert)


def test_serving_cert_names_exactly(serving: KeyPair) -> None:
    sans = _ext(serving.cert, x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    assert sans == [
        "istio-sidecar-injector",
        "istio-sidecar-injector.istio-system",
        "istio-sidecar-injector.istio-system.svc",
        "istio-sidecar-injector.istio-system.svc.cluster.local",
    ]
    assert serving.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == HOST
    assert certs.dns_names("web", "prod") == ["web", "web.prod", "web.prod.svc", "web.prod.svc.cluster.local"]


def test_serving_cert_usages(serving: KeyPair) -> None:
    ku = _ext(serving.cert, x509.KeyUsage)
    assert ku.critical
    assert ku.value.digital_signature and ku.value.key_encipherment
    assert not (ku.value.key_cert_sign or ku.value.crl_sign or ku.value.content_commitment or ku.value.key_agreement)
    assert list(_ext(serving.cert, x509.ExtendedKeyUsage).value) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert _ext(serving.cert, x509.BasicConstraints).value.ca is False


def test_key_matches_cert(serving: KeyPair, ca: KeyPair) -> None:
    assert serving.key.public_key() == serving.cert.public_key()
    assert serving.key.public_key() != ca.cert.public_key()
    reloaded = serialization.load_pem_private_key(serving.key_pem(), password=None)
    assert reloaded.public_key() == serving.cert.public_key()


def test_validity_defaults_and_days() -> None:
    now = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    ca = certs.make_ca(now=now)
    assert ca.cert.not_valid_after_utc == now + dt.timedelta(days=3650)
    leaf = certs.make_serving_cert(ca, SERVICE, NAMESPACE, now=now)
    assert leaf.cert.not_valid_after_utc == now + dt.timedelta(days=365)
    # Backdated for clock skew, but never before the CA.
    assert leaf.cert.not_valid_before_utc < now
    assert leaf.cert.not_valid_before_utc >= ca.cert.not_valid_before_utc
    short = certs.make_serving_cert(ca, SERVICE, NAMESPACE, days=7, now=now)
    assert short.cert.not_valid_after_utc == now + dt.timedelta(days=7)


@pytest.mark.parametrize("days", [0, -1, 36501, True])
def test_bad_days_rejected(ca: KeyPair, days: int) -> None:
    with pytest.raises(CertError, match="validity"):
        certs.make_serving_cert(ca, SERVICE, NAMESPACE, days=days)


def test_serving_cert_may_not_outlive_its_ca() -> None:
    ca = certs.make_ca(days=30)
    with pytest.raises(CertError, match="outlive its CA"):
        certs.make_serving_cert(ca, SERVICE, NAMESPACE, days=365)


@pytest.mark.parametrize(
    "service, namespace, bad",
    [("Istio", NAMESPACE, "service"), ("1svc", NAMESPACE, "service"), ("a.b", NAMESPACE, "service"),
     (SERVICE, "istio_system", "namespace"), (SERVICE, "", "namespace"), (SERVICE, "x" * 64, "namespace")],
)
def test_bad_names_rejected(ca: KeyPair, service: str, namespace: str, bad: str) -> None:
    with pytest.raises(CertError, match=f"invalid {bad} name"):
        certs.make_serving_cert(ca, service, namespace)


# --- real TLS -------------------------------------------------------------


def _handshake(tmp_path, files: dict[str, bytes], server_hostname: str, cafile_bytes: bytes | None = None) -> bytes:
    """A TLS 1.2+ handshake over a socketpair, the server loading cert.pem and
    key.pem from disk, the client trusting ca-cert.pem; returns what the
    server sent after the handshake. Raises the client's SSL error."""
    certs.write_certs(str(tmp_path), files)
    cafile = tmp_path / "ca-cert.pem"
    if cafile_bytes is not None:
        cafile = tmp_path / "other-ca.pem"
        cafile.write_bytes(cafile_bytes)
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    client_ctx = ssl.create_default_context(cafile=str(cafile))
    assert client_ctx.verify_mode == ssl.CERT_REQUIRED and client_ctx.check_hostname
    a, b = socket.socketpair()
    a.settimeout(10)
    b.settimeout(10)
    errors: list[BaseException] = []

    def serve() -> None:
        try:
            with server_ctx.wrap_socket(a, server_side=True) as tls:
                tls.sendall(b"admitted")
        except (ssl.SSLError, OSError) as e:
            errors.append(e)

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        with client_ctx.wrap_socket(b, server_hostname=server_hostname) as tls:
            return tls.recv(100)
    finally:
        b.close()
        thread.join(10)
        a.close()


def test_tls_handshake_verifies_for_the_service_name(tmp_path, ca: KeyPair, serving: KeyPair) -> None:
    assert _handshake(tmp_path, certs.cert_files(ca, serving), HOST) == b"admitted"


@pytest.mark.parametrize("name", ["istio-sidecar-injector.istio-system.svc.cluster.local", "istio-sidecar-injector"])
def test_tls_handshake_verifies_other_sans(tmp_path, ca: KeyPair, serving: KeyPair, name: str) -> None:
    assert _handshake(tmp_path, certs.cert_files(ca, serving), name) == b"admitted"


def test_tls_handshake_fails_for_another_name(tmp_path, ca: KeyPair, serving: KeyPair) -> None:
    with pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch|doesn't match"):
        _handshake(tmp_path, certs.cert_files(ca, serving), "other-service.istio-system.svc")


def test_tls_handshake_fails_with_another_ca(tmp_path, ca: KeyPair, serving: KeyPair) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        _handshake(tmp_path, certs.cert_files(ca, serving), HOST, cafile_bytes=certs.make_ca().cert_pem())


# --- files and the Secret --------------------------------------------------


def test_write_certs_files_and_modes(tmp_path, ca: KeyPair, serving: KeyPair) -> None:
    out = tmp_path / "new" / "dir"
    files = certs.cert_files(ca, serving)
    written = certs.write_certs(str(out), files)
    assert sorted(os.path.basename(p) for p in written) == sorted(FILES)
    assert sorted(os.listdir(out)) == sorted(FILES)  # no temporary files left
    for name, data in files.items():
        assert (out / name).read_bytes() == data
    assert stat.S_IMODE((out / "key.pem").stat().st_mode) == 0o600
    for name in ("ca-cert.pem", "cert.pem"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o666 & ~_umask()
    assert (out / "key.pem").read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert x509.load_pem_x509_certificate((out / "ca-cert.pem").read_bytes()) == ca.cert


def test_write_certs_replaces_a_world_readable_key_with_0600(tmp_path, ca: KeyPair, serving: KeyPair) -> None:
    (tmp_path / "key.pem").write_bytes(b"old")
    os.chmod(tmp_path / "key.pem", 0o644)
    certs.write_certs(str(tmp_path), certs.cert_files(ca, serving))
    assert stat.S_IMODE((tmp_path / "key.pem").stat().st_mode) == 0o600


def test_write_certs_refuses_a_directory_target_and_writes_nothing(tmp_path, ca: KeyPair, serving: KeyPair) -> None:
    (tmp_path / "key.pem").mkdir()
    with pytest.raises(CertError, match="key.pem: it is a directory"):
        certs.write_certs(str(tmp_path), certs.cert_files(ca, serving))
    assert sorted(os.listdir(tmp_path)) == ["key.pem"]


def test_write_certs_out_dir_is_a_file(tmp_path, ca: KeyPair, serving: KeyPair) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(CertError, match="cannot create directory"):
        certs.write_certs(str(tmp_path / "f"), certs.cert_files(ca, serving))


def test_write_certs_rolls_back_when_a_rename_fails(tmp_path, monkeypatch, ca: KeyPair, serving: KeyPair) -> None:
    # Fail the third rename: the first two files must get their old contents
    # (and modes) back, and no temporary file may remain.
    old = {"ca-cert.pem": b"old ca", "cert.pem": b"old cert", "key.pem": b"old key"}
    for name, data in old.items():
        (tmp_path / name).write_bytes(data)
    os.chmod(tmp_path / "ca-cert.pem", 0o640)
    real_replace = os.replace
    calls = []

    def flaky_replace(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            raise PermissionError(13, "Permission denied", src)
        return real_replace(src, dst)

    monkeypatch.setattr(certs.os, "replace", flaky_replace)
    with pytest.raises(CertError, match="cannot write .*key.pem: Permission denied"):
        certs.write_certs(str(tmp_path), certs.cert_files(ca, serving))
    monkeypatch.undo()
    assert sorted(os.listdir(tmp_path)) == sorted(FILES)
    for name, data in old.items():
        assert (tmp_path / name).read_bytes() == data
    assert stat.S_IMODE((tmp_path / "ca-cert.pem").stat().st_mode) == 0o640


def test_write_certs_removes_a_directory_it_created_on_failure(tmp_path, monkeypatch, ca: KeyPair, serving: KeyPair) -> None:
    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(certs.os, "fsync", broken_fsync)
    with pytest.raises(CertError, match="No space left on device"):
        certs.write_certs(str(tmp_path / "out"), certs.cert_files(ca, serving))
    assert not (tmp_path / "out").exists()


def test_secret_manifest_decodes_to_the_files(tmp_path, ca: KeyPair, serving: KeyPair) -> None:
    files = certs.cert_files(ca, serving)
    certs.write_certs(str(tmp_path), files)
    text = certs.secret_manifest("sidecar-injector-certs", NAMESPACE, files)
    secret = yaml.safe_load(text)
    assert secret["apiVersion"] == "v1" and secret["kind"] == "Secret" and secret["type"] == "Opaque"
    assert secret["metadata"] == {"name": "sidecar-injector-certs", "namespace": NAMESPACE}
    # cert.pem and key.pem are the keys Istio 0.5's script stored; ca-cert.pem is ours.
    assert set(secret["data"]) == FILES
    for key, value in secret["data"].items():
        assert base64.b64decode(value, validate=True) == (tmp_path / key).read_bytes()
    assert text == certs.secret_manifest("sidecar-injector-certs", NAMESPACE, files)


@pytest.mark.parametrize("name", ["Sidecar", "a_b", "", "-x", "x" * 254])
def test_secret_manifest_rejects_bad_names(ca: KeyPair, serving: KeyPair, name: str) -> None:
    with pytest.raises(CertError, match="invalid Secret name"):
        certs.secret_manifest(name, NAMESPACE, certs.cert_files(ca, serving))


# --- bringing a CA -----------------------------------------------------------


def _write_ca(tmp_path, pair: KeyPair) -> tuple[str, str]:
    cert, key = tmp_path / "my-ca.pem", tmp_path / "my-ca-key.pem"
    cert.write_bytes(pair.cert_pem())
    key.write_bytes(pair.key_pem())
    return str(cert), str(key)


def test_load_ca_files_signs_like_a_new_ca(tmp_path, ca: KeyPair) -> None:
    loaded = certs.load_ca_files(*_write_ca(tmp_path, ca))
    assert loaded.cert == ca.cert
    leaf = certs.make_serving_cert(loaded, SERVICE, NAMESPACE)
    leaf.cert.verify_directly_issued_by(ca.cert)
    assert certs.cert_files(loaded, leaf)["ca-cert.pem"] == ca.cert_pem()


def test_load_ca_accepts_a_traditional_openssl_key(ca: KeyPair) -> None:
    traditional = ca.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    assert b"BEGIN EC PRIVATE KEY" in traditional
    assert certs.load_ca(ca.cert_pem(), traditional).cert == ca.cert


def test_load_ca_refuses_a_leaf_certificate(tmp_path, serving: KeyPair) -> None:
    cert, key = _write_ca(tmp_path, serving)
    with pytest.raises(CertError, match=f"^{cert}: not a CA certificate"):
        certs.load_ca_files(cert, key)


def test_load_ca_refuses_a_key_of_another_certificate(tmp_path, ca: KeyPair) -> None:
    cert, _ = _write_ca(tmp_path, ca)
    other = tmp_path / "other-key.pem"
    other.write_bytes(certs.make_ca().key_pem())
    with pytest.raises(CertError, match=f"^{other}: the private key does not belong to the certificate in {cert}"):
        certs.load_ca_files(cert, str(other))


def test_load_ca_refuses_garbage_encrypted_and_missing(tmp_path, ca: KeyPair) -> None:
    cert, key = _write_ca(tmp_path, ca)
    junk = tmp_path / "junk.pem"
    junk.write_text("not pem\n")
    with pytest.raises(CertError, match=f"^{junk}: not a PEM certificate"):
        certs.load_ca_files(str(junk), key)
    with pytest.raises(CertError, match=f"^{junk}: not a PEM private key"):
        certs.load_ca_files(cert, str(junk))
    encrypted = tmp_path / "enc.pem"
    encrypted.write_bytes(
        ca.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"pw")
        )
    )
    with pytest.raises(CertError, match=f"^{encrypted}: the private key is encrypted"):
        certs.load_ca_files(cert, str(encrypted))
    with pytest.raises(CertError, match=f"^cannot read CA key {tmp_path}/missing.pem: No such file"):
        certs.load_ca_files(cert, str(tmp_path / "missing.pem"))


def test_load_ca_refuses_an_expired_ca() -> None:
    old = certs.make_ca(days=1, now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(CertError, match="expired on 2020-01-02"):
        certs.load_ca(old.cert_pem(), old.key_pem())


# --- the CLI -------------------------------------------------------------------


def test_cli_certs_writes_files_and_one_line(tmp_path) -> None:
    out = tmp_path / "certs"
    result = run("certs", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1 and result.stdout.startswith("wrote ")
    assert str(out / "key.pem") in result.stdout and HOST in result.stdout
    assert sorted(os.listdir(out)) == sorted(FILES)
    ca = x509.load_pem_x509_certificate((out / "ca-cert.pem").read_bytes())
    leaf = x509.load_pem_x509_certificate((out / "cert.pem").read_bytes())
    leaf.verify_directly_issued_by(ca)
    assert stat.S_IMODE((out / "key.pem").stat().st_mode) == 0o600


def test_cli_certs_secret_on_stdout(tmp_path) -> None:
    out = tmp_path / "certs"
    result = run("certs", "--service", "web", "--namespace", "prod", "--out", str(out),
                 "--secret", "web-certs", "--days", "30")
    assert result.exit_code == 0, result.output
    secret = yaml.safe_load(result.stdout)  # stdout is the manifest alone, ready for kubectl apply -f -
    assert secret["metadata"] == {"name": "web-certs", "namespace": "prod"}
    for key in FILES:
        assert base64.b64decode(secret["data"][key]) == (out / key).read_bytes()
    assert "wrote " in result.stderr
    leaf = x509.load_pem_x509_certificate((out / "cert.pem").read_bytes())
    assert "web.prod.svc" in _ext(leaf, x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    lifetime = leaf.not_valid_after_utc - leaf.not_valid_before_utc
    assert dt.timedelta(days=30) <= lifetime <= dt.timedelta(days=30, minutes=6)


def test_cli_certs_with_a_given_ca(tmp_path, ca: KeyPair) -> None:
    cert, key = _write_ca(tmp_path, ca)
    out = tmp_path / "certs"
    result = run("certs", "--out", str(out), "--ca-cert", cert, "--ca-key", key)
    assert result.exit_code == 0, result.output
    assert (out / "ca-cert.pem").read_bytes() == ca.cert_pem()
    x509.load_pem_x509_certificate((out / "cert.pem").read_bytes()).verify_directly_issued_by(ca.cert)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--days", "0"], "invalid certificate validity 0 days"),
        (["--ca-days", "100000"], "invalid CA validity"),
        (["--namespace", "Istio"], "invalid namespace name 'Istio'"),
        (["--secret", "Bad_Name"], "invalid Secret name 'Bad_Name'"),
        (["--days", "400", "--ca-days", "100"], "outlive its CA"),
    ],
)
def test_cli_certs_errors_write_nothing(tmp_path, args: list[str], message: str) -> None:
    out = tmp_path / "certs"
    result = run("certs", "--out", str(out), *args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("injector: error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr
    assert not out.exists()


def test_cli_certs_bad_ca_names_the_file_and_writes_nothing(tmp_path, serving: KeyPair) -> None:
    cert, key = _write_ca(tmp_path, serving)
    out = tmp_path / "certs"
    result = run("certs", "--out", str(out), "--ca-cert", cert, "--ca-key", key)
    assert result.exit_code == 1
    assert result.stderr == f"injector: error: {cert}: not a CA certificate (it lacks basicConstraints CA:true)\n"
    assert not out.exists()
    result = run("certs", "--out", str(out), "--ca-cert", str(tmp_path / "nope.pem"), "--ca-key", key)
    assert result.exit_code == 1 and f"cannot read CA certificate {tmp_path}/nope.pem" in result.stderr
    assert not out.exists()


def test_cli_certs_keeps_existing_files_on_error(tmp_path) -> None:
    out = tmp_path / "certs"
    assert run("certs", "--out", str(out)).exit_code == 0
    before = {name: (out / name).read_bytes() for name in FILES}
    result = run("certs", "--out", str(out), "--secret", "UPPER")
    assert result.exit_code == 1
    assert {name: (out / name).read_bytes() for name in FILES} == before


def test_cli_certs_usage_errors(tmp_path) -> None:
    result = run("certs", "--out", str(tmp_path / "x"), "--ca-cert", "ca.pem")
    assert result.exit_code == 2 and "--ca-cert and --ca-key go together" in result.stderr
    assert run("certs").exit_code == 2  # --out is required
    assert not (tmp_path / "x").exists()
