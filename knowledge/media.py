"""Shoppers' photos and generated images: kept briefly on disk, reachable only by signed, expiring URLs.

    store = MediaStore(Path("var/media"), UrlSigner(secret), ttl_s=3600)
    media_id = store.save(clean.data, "image/jpeg")
    store.url(media_id)                       # what a browser may fetch until the file expires
    # -> '/media/u/Zk3...'
    store.resolve(token)                       # the file a token names, or `MediaLinkInvalid`
    # -> PosixPath('var/media/Zk3....jpg')

Files live for `ttl_s` seconds after they were written; `sweep` deletes older ones and
`cleanup_task` runs it in the background while the server is up. A signed URL never outlives its
file. Nothing here knows about conversations: whoever saves a file keeps its id.
"""
from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import logging
import os
import re
import secrets
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.errors import AisleError

log = logging.getLogger(__name__)

URL_PREFIX = "/media/u/"
_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
_TYPES = {ext: kind for kind, ext in _EXTENSIONS.items()}
_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file a shopper sent, as a channel hands it over: the raw bytes and what the platform called it."""

    data: bytes = field(repr=False)
    content_type: str = ""
    filename: str = ""

    def __repr__(self) -> str:
        return f"Attachment({len(self.data)} bytes, {self.content_type!r})"


class MediaLinkInvalid(AisleError):
    """A media token was forged, altered or names nothing."""


class MediaLinkExpired(MediaLinkInvalid):
    """A media token was genuine but its time is up."""


class UrlSigner:
    """HMAC-SHA256 tokens `<payload>.<expiry>.<signature>` that can be checked without a database.

        signer = UrlSigner(b"secret")
        signer.verify(signer.sign("abc", expires_at=time.time() + 60))
        # -> 'abc'
    """

    def __init__(self, secret: bytes, clock: Callable[[], float] = time.time) -> None:
        if len(secret) < 16:
            raise ValueError("the signing secret must be at least 16 bytes")
        self._secret = secret
        self._clock = clock

    @classmethod
    def from_env(cls, variable: str, environ: dict[str, str] | None = None) -> "UrlSigner":
        """The secret from `variable`; without one, a random secret that lasts this process."""
        value = (os.environ if environ is None else environ).get(variable, "")
        if value:
            return cls(value.encode("utf-8"))
        log.warning("%s is not set: media links are signed with a random secret and stop working at restart", variable)
        return cls(secrets.token_bytes(32))

    def sign(self, payload: str, expires_at: float) -> str:
        if "." in payload:
            raise ValueError("a signed payload cannot contain '.'")
        body = f"{payload}.{int(expires_at)}"
        return f"{body}.{self._mac(body)}"

    def verify(self, token: str) -> str:
        """The payload of a genuine, unexpired token; `MediaLinkInvalid`/`MediaLinkExpired` otherwise."""
        payload, expiry, signature = _split(token)
        if not hmac.compare_digest(signature, self._mac(f"{payload}.{expiry}")):
            raise MediaLinkInvalid("this link is not valid")
        if int(expiry) < self._clock():
            raise MediaLinkExpired("this link has expired")
        return payload

    def _mac(self, body: str) -> str:
        digest = hmac.new(self._secret, body.encode("ascii", "replace"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _split(token: str) -> tuple[str, str, str]:
    parts = token.split(".")  # a forged token may hold any characters: only ASCII can be genuine
    if not token.isascii() or len(parts) != 3 or not parts[1].isdigit() or len(parts[1]) > 12:
        raise MediaLinkInvalid("this link is not valid")
    return parts[0], parts[1], parts[2]


class MediaStore:
    """A folder of short-lived images, each named by a random id.

    `max_upload_bytes` and `uploads_per_minute` are the limits the upload routes apply before a
    photo reaches the agent.
    """

    def __init__(self, root: Path, signer: UrlSigner, ttl_s: float = 3600,
                 clock: Callable[[], float] = time.time, max_upload_bytes: int = 10 * 1024 * 1024,
                 uploads_per_minute: int = 6) -> None:
        self.root = Path(root)
        self.signer = signer
        self.ttl_s = ttl_s
        self.max_upload_bytes = max_upload_bytes
        self.uploads_per_minute = uploads_per_minute
        self._clock = clock
        self.root.mkdir(parents=True, exist_ok=True)

    def save(self, data: bytes, content_type: str) -> str:
        """Write `data` (already validated) and return its new id."""
        extension = _EXTENSIONS.get(content_type)
        if extension is None:
            raise ValueError(f"cannot keep {content_type!r}: expected one of {', '.join(_EXTENSIONS)}")
        media_id = secrets.token_urlsafe(18)
        target = self.root / f"{media_id}{extension}"
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        os.replace(partial, target)
        return media_id

    def path(self, media_id: str) -> Path | None:
        """The file of `media_id` if it exists and has not expired."""
        if not isinstance(media_id, str) or not _ID.match(media_id):
            return None
        for extension in _TYPES:
            candidate = self.root / f"{media_id}{extension}"
            if candidate.is_file():
                return None if self._expired(candidate) else candidate
        return None

    def exists(self, media_id: str) -> bool:
        return self.path(media_id) is not None

    def read(self, media_id: str) -> bytes:
        found = self.path(media_id)
        if found is None:
            raise MediaLinkInvalid(f"no media {media_id!r}")
        return found.read_bytes()

    def delete(self, media_id: str) -> bool:
        found = self.path(media_id)
        if found is None:
            return False
        found.unlink(missing_ok=True)
        return True

    def expires_at(self, media_id: str) -> float | None:
        found = self.path(media_id)
        return None if found is None else found.stat().st_mtime + self.ttl_s

    def token(self, media_id: str, ttl_s: float | None = None) -> str:
        """A signed token for `media_id` that lasts `ttl_s` (default: as long as the file)."""
        file_end = self.expires_at(media_id)
        if file_end is None:
            raise MediaLinkInvalid(f"no media {media_id!r}")
        wanted = self._clock() + ttl_s if ttl_s is not None else file_end
        return self.signer.sign(media_id, min(wanted, file_end))

    def url(self, media_id: str, ttl_s: float | None = None) -> str:
        return URL_PREFIX + self.token(media_id, ttl_s)

    def resolve(self, token: str) -> tuple[Path, str]:
        """The file and content type a token names; raises if it is forged, expired or gone."""
        found = self.path(self.signer.verify(token))
        if found is None:
            raise MediaLinkExpired("this image is no longer available")
        return found, _TYPES[found.suffix]

    def sweep(self) -> int:
        """Delete every expired file (and leftovers of interrupted writes); returns how many."""
        removed = 0
        for entry in self.root.iterdir():
            if entry.is_file() and (entry.suffix == ".part" or entry.suffix in _TYPES) and self._expired(entry):
                entry.unlink(missing_ok=True)
                removed += 1
        return removed

    def _expired(self, path: Path) -> bool:
        try:
            return path.stat().st_mtime + self.ttl_s <= self._clock()
        except FileNotFoundError:
            return True


@contextlib.asynccontextmanager
async def cleanup_task(store: MediaStore, interval_s: float) -> AsyncIterator[asyncio.Task]:
    """Sweep `store` every `interval_s` seconds while the block runs; the task stops on exit."""

    async def sweep_forever() -> None:
        while True:
            try:
                removed = await asyncio.to_thread(store.sweep)
            except OSError:
                log.exception("could not sweep expired media in %s", store.root)
            else:
                if removed:
                    log.info("deleted %d expired media file(s)", removed)
            await asyncio.sleep(interval_s)

    task = asyncio.create_task(sweep_forever(), name="media-cleanup")
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
