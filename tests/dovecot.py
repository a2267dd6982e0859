"""A real IMAP server for the tests and the IMAP benchmark: Debian's Dovecot, started from a
minimal configuration in a folder of its own and stopped afterwards.

    with DovecotServer() as server:       # imap on server.port (STARTTLS offered),
        server.append([raw, raw])         # imaps on server.ssl_port (self-signed cert)

Users are in a passwd-file with plaintext passwords; mail is in Maildir folders under the
server's folder. Running as root, Dovecot's own `dovecot`/`dovenull` users run its internal
and login processes and mail is accessed as `dovecot`; running as another
user, every process runs as that user (Dovecot supports that for unprivileged tests).
"""

import datetime
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from imapclient import IMAPClient

USER = "anna@ladoga.test"
PASSWORD = "s3cret-Пароль"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1/localhost that no trust store knows."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    import ipaddress

    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


CONFIG = """
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {uid}
first_valid_gid = {gid}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:{base}/mail/%n
mail_uid = {uid}
mail_gid = {gid}
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
ssl_min_protocol = TLSv1.2
login_trusted_networks =
mail_max_userip_connections = 100
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
    ssl = yes
  }}
  {login_chroot}
}}
service anvil {{
  {anvil_chroot}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/home/%n
}}
"""


class DovecotServer:
    """Dovecot on two free loopback ports, in a temporary folder removed by stop()."""

    def __init__(self, users: dict[str, str] | None = None):
        self.users = users or {USER: PASSWORD}
        self.base = Path(tempfile.mkdtemp(prefix="ladoga-dovecot-"))
        self.base.chmod(0o755)
        self.port = free_port()
        self.ssl_port = free_port()
        self.process: subprocess.Popen | None = None
        self._password_changes = 0
        self.cert, self.key = self_signed_certificate(self.base)
        self._configure()

    def _configure(self) -> None:
        root = os.geteuid() == 0
        me = pwd.getpwuid(os.geteuid()).pw_name
        # Dovecot never accesses mail as root: then it runs as its own `dovecot` user
        owner = pwd.getpwnam("dovecot") if root else pwd.getpwuid(os.geteuid())
        for name in ("run", "state", "mail", "home"):
            (self.base / name).mkdir(exist_ok=True)
        for name in ("mail", "home"):
            os.chown(self.base / name, owner.pw_uid, owner.pw_gid)
        (self.base / "passwd").write_text(
            "".join(f"{user}:{{PLAIN}}{password}::::::\n" for user, password in self.users.items())
        )
        self.config = self.base / "dovecot.conf"
        self.config.write_text(
            CONFIG.format(
                base=self.base,
                port=self.port,
                ssl_port=self.ssl_port,
                cert=self.cert,
                key=self.key,
                uid=owner.pw_uid,
                gid=owner.pw_gid,
                internal_user="dovecot" if root else me,
                internal_group="dovecot" if root else me,
                login_user="dovenull" if root else me,
                login_chroot="" if root else "chroot =",
                anvil_chroot="" if root else "chroot =",
            )
        )

    def password_set(self, user: str, password: str) -> None:
        """Change a password on the server (as its administrator would). Dovecot re-reads
        the passwd-file when its modification time changes, looking at most once a second:
        move the time on visibly and let that second pass."""
        self.users[user] = password
        path = self.base / "passwd"
        path.write_text(
            "".join(f"{name}:{{PLAIN}}{secret}::::::\n" for name, secret in self.users.items())
        )
        stamp = time.time() + 5 * (self._password_changes + 1)
        self._password_changes += 1
        os.utime(path, (stamp, stamp))
        time.sleep(1.1)

    def start(self) -> "DovecotServer":
        binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
        self.process = subprocess.Popen(
            [binary, "-F", "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"dovecot did not start: {self.process.stderr.read().decode()}\n{self.log()}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    if probe.recv(64).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"dovecot did not answer on port {self.port}\n{self.log()}")

    def stop(self, *, keep_files: bool = True) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process is not None and self.process.stderr:
            self.process.stderr.close()
        self.process = None
        if not keep_files:
            shutil.rmtree(self.base, ignore_errors=True)

    def log(self) -> str:
        path = self.base / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def __enter__(self) -> "DovecotServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop(keep_files=False)

    # -- putting mail in, as a mail program would -------------------------------------------

    def client(self, user: str = USER) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=30)
        client.plain_login(user, self.users[user])
        return client

    def append(self, messages: list[bytes], folder: str = "INBOX", user: str = USER) -> None:
        with self.client(user) as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            for raw in messages:
                client.append(folder, raw)

    def folder_messages(self, folder: str, user: str = USER) -> list[tuple[bytes, list]]:
        """(RFC822 bytes, flags) of every message in `folder`, oldest first."""
        with self.client(user) as client:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            uids = client.search("ALL")
            found = client.fetch(uids, ["RFC822", "FLAGS"]) if uids else {}
            return [(found[uid][b"RFC822"], list(found[uid][b"FLAGS"])) for uid in sorted(found)]

    def uidvalidity_reset(self, folder: str = "INBOX", user: str = USER) -> None:
        """Give `folder` a new UIDVALIDITY, as a server does after its index is rebuilt:
        the messages are moved out and back, so they keep their content but get new UIDs."""
        with self.client(user) as client:
            client.select_folder(folder)
            uids = client.search("ALL")
            found = client.fetch(uids, ["RFC822"]) if uids else {}
            client.close_folder()
            client.delete_folder(folder) if folder != "INBOX" else None
        # INBOX cannot be deleted: remove its Maildir index files so Dovecot starts it afresh
        name = user.split("@")[0]
        maildir = self.base / "mail" / name
        if folder == "INBOX":
            self.stop()
            for path in maildir.glob("dovecot-uidlist"):
                path.unlink()
            for path in maildir.glob("dovecot.index*"):
                path.unlink()
            for sub in ("cur", "new"):
                for path in (maildir / sub).glob("*"):
                    path.unlink()
            self.start()
        self.append([found[uid][b"RFC822"] for uid in sorted(found)], folder, user)
