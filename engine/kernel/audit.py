"""The audit keys that seal the event log's chains.

Each event's hash is an HMAC-SHA256 under an audit key kept outside the
database (`MOTCUA_AUDIT_KEY`, or a key file in the data folder), so whoever
can write to the database still cannot recompute a chain. A keyring maps key
ids to keys, the last one current; each event names the key that sealed it, so
a rotation keeps older events verifiable. The keyring comes from the settings
(`keyring(ctx.settings)`): `audit_key` when set, else the key file
`audit_key_file`, one `KeyFile` per path, read again when it changes, so a
rotation by another process is seen at the next event.
"""
import fcntl
import functools
import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
MIN_KEY_LENGTH = 32
BARE_KEY_ID = "default"  # the id of a key given without one


class KeyringError(ValueError):
    """The keyring's text is not acceptable."""


@dataclass(frozen=True)
class Keyring:
    entries: tuple  # ((key_id, key), ...); the last is current

    @property
    def current(self) -> str:
        return self.entries[-1][0]

    def seal(self, text: str) -> tuple[str, str]:
        """(key id, HMAC-SHA256 hex) of `text` under the current key."""
        return self.current, self.digest(self.current, text)

    def digest(self, key_id: str | None, text: str) -> str | None:
        """The hash of `text` under `key_id`: plain SHA-256 for rows written before
        keyed hashing (no key id); None for a key this keyring does not hold."""
        if key_id is None:
            return hashlib.sha256(text.encode()).hexdigest()
        key = dict(self.entries).get(key_id)
        if key is None:
            return None
        return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()


def parse(text: str) -> Keyring:
    """`id:key` entries, one a line or comma-separated, the last current; a lone
    key without an id is `default:key`. Blank lines and `#` comments are skipped."""
    entries = []
    for item in re.split(r"[,\n]", text or ""):
        item = item.strip()
        if not item or item.startswith("#"):
            continue
        key_id, _, key = item.partition(":") if ":" in item else (BARE_KEY_ID, "", item)
        key_id, key = key_id.strip(), key.strip()
        if not KEY_ID.match(key_id):
            raise KeyringError(f"{key_id!r} is not a key id (letters, digits, _ . -)")
        if len(key) < MIN_KEY_LENGTH:
            raise KeyringError(f"the key {key_id} is shorter than {MIN_KEY_LENGTH} characters")
        if key_id in dict(entries):
            raise KeyringError(f"the key id {key_id} appears twice")
        entries.append((key_id, key))
    if not entries:
        raise KeyringError("no key")
    return Keyring(tuple(entries))


def new_entry(ring: Keyring | None = None) -> str:
    """A fresh `id:key` entry whose id the keyring does not hold yet."""
    taken = dict(ring.entries) if ring else {}
    key_id = f"k{secrets.token_hex(4)}"
    while key_id in taken:
        key_id = f"k{secrets.token_hex(4)}"
    return f"{key_id}:{secrets.token_hex(32)}"


class KeyFile:
    """A keyring kept in a file, one `id:key` a line, the last current."""

    def __init__(self, path):
        self.path = Path(path)
        self._seen, self._ring = None, None

    def __call__(self) -> Keyring:
        self.ensure()
        stat = self.path.stat()
        seen = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if seen != self._seen:  # created, or rotated by another process
            self._ring, self._seen = parse(self.path.read_text()), seen
        return self._ring

    def ensure(self):
        """Create the file with one key when absent. Processes starting together
        converge on one file: each links its own, all but the first fail."""
        if self.path.exists():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self._write_temporary(new_entry() + "\n")
        try:
            os.link(temporary, self.path)
        except FileExistsError:
            pass  # another process linked its file first: that one is the keyring
        finally:
            temporary.unlink(missing_ok=True)

    def rotate(self) -> str:
        """Add a new key and make it current; returns its id. Readers see the old
        file or the new one, never half of it."""
        self.ensure()
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one rotation at a time
            text = self.path.read_text()
            entry = new_entry(parse(text))
            temporary = self._write_temporary(text.rstrip("\n") + "\n" + entry + "\n")
            os.replace(temporary, self.path)
        return entry.partition(":")[0]

    def _write_temporary(self, text: str) -> Path:
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        return temporary


def keyring(settings) -> Keyring:
    """The keyring of `settings`: `audit_key` when set, else its key file's."""
    if settings.audit_key:
        return _parsed(settings.audit_key)
    if settings.audit_key_file:
        return key_file(settings.audit_key_file)()
    raise RuntimeError("no audit keyring: set MOTCUA_AUDIT_KEY or MOTCUA_AUDIT_KEY_FILE")


@functools.lru_cache(maxsize=8)
def _parsed(text: str) -> Keyring:
    return parse(text)


def key_file(path) -> KeyFile:
    """The one `KeyFile` of this path in this process (it remembers what it read)."""
    return _key_file(Path(path))


@functools.lru_cache(maxsize=32)
def _key_file(path: Path) -> KeyFile:
    return KeyFile(path)
