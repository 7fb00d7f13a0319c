"""Photos in, images out: the widget's photo upload, signed media links, try-on task callbacks.

- `POST /media/upload` (multipart: `session_id`, then `photo`; optional `caption`): the photo joins
  the widget conversation `session_id` as one turn; the answer is `{"messages": [widget message]}`
  (see `channels.rendering.widget_message`). Too large: 413 before the rest is read; more than
  `media.uploads_per_minute` from one client address (whatever session ids it names): 429 with
  `Retry-After`, before the photo is read. Whether the file is a usable photo
  the agent decides, and says so in the conversation.
- `GET /media/u/<token>`: an image behind a signed, expiring link; 403 when the token was altered,
  410 once it or the file expired.
- `POST /tryon/callback/<token>`: a try-on task service reporting its result (signed link too).

Other channels (Telegram, WhatsApp) hand photos to the agent the same way this route does:
`UserMessage(..., attachments=(Attachment(data, content_type),))`.
"""
from __future__ import annotations

import time
from collections import defaultdict, deque

from aiohttp import BodyPartReader, web

from agent.types import Attachment, UserMessage
from channels.context import AGENT, CONVERSATION_ID, ChannelHooks
from channels.errors import BadRequest, json_error
from channels.rendering import widget_messages
from channels.validation import is_session_id, parse_json_object
from knowledge.media import MediaLinkExpired, MediaLinkInvalid, MediaStore

CHANNEL = "media"
WIDGET_CHANNEL = "webchat"
MEDIA_CSP = "default-src 'none'; sandbox"
_FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the small text fields around the photo


class UploadTooLarge(Exception):
    """The photo part grew past the limit while it was read."""


class RateLimiter:
    """At most `limit` events per key in any `window_s` seconds (a sliding window)."""

    def __init__(self, window_s: float = 60.0, clock=time.monotonic) -> None:
        self.window_s = window_s
        self._clock = clock
        self._events: defaultdict[str, deque[float]] = defaultdict(deque)

    def retry_after(self, key: str, limit: int) -> float:
        """0 if an event is allowed now (and counts it), else the seconds until one is."""
        now = self._clock()
        events = self._events[key]
        while events and now - events[0] >= self.window_s:
            events.popleft()
        if len(events) >= limit:
            return self.window_s - (now - events[0])
        events.append(now)
        if len(self._events) > 10_000:
            self._forget_idle(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, e in self._events.items() if not e or now - e[-1] >= self.window_s]:
            del self._events[key]


def _store(request: web.Request) -> MediaStore:
    media = request.app[AGENT].media
    if media is None:
        raise web.HTTPNotFound(reason="photo uploads are not enabled on this server")
    return media


def setup(app: web.Application, hooks: ChannelHooks) -> None:
    limiter = RateLimiter()

    async def upload(request: web.Request) -> web.Response:
        media = _store(request)
        limit = media.max_upload_bytes
        if request.content_length is not None and request.content_length > limit + _FORM_OVERHEAD:
            return _too_large(limit)
        wait = limiter.retry_after(request.remote or "-", media.uploads_per_minute)
        if wait:
            return _rate_limited(wait)
        try:
            session_id, caption, photo = await _read_form(request, limit)
        except UploadTooLarge:
            return _too_large(limit)
        request[CONVERSATION_ID] = f"{WIDGET_CHANNEL}:{session_id}"
        message = UserMessage(sender_id=session_id, text=caption, channel=WIDGET_CHANNEL, attachments=(photo,))
        replies = await hooks.on_message(message)
        return web.json_response({"session_id": session_id, "messages": widget_messages(replies)})

    async def signed_media(request: web.Request) -> web.StreamResponse:
        try:
            path, content_type = _store(request).resolve(request.match_info["token"])
        except MediaLinkExpired:
            return json_error(410, "this image has expired and was deleted")
        except MediaLinkInvalid:
            return json_error(403, "this image link is not valid")
        headers = {"Content-Type": content_type, "Content-Security-Policy": MEDIA_CSP,
                   "Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}
        return web.FileResponse(path, headers=headers)

    async def task_callback(request: web.Request) -> web.Response:
        inbox = request.app[AGENT].tryon_inbox
        if inbox is None:
            raise web.HTTPNotFound(reason="try-on callbacks are not enabled on this server")
        body = parse_json_object(await request.read())
        try:
            accepted = inbox.deliver(request.match_info["token"], body)
        except MediaLinkInvalid:
            return json_error(403, "this callback link is not valid")
        return web.json_response({"accepted": accepted})

    app.router.add_post("/media/upload", upload)
    app.router.add_get("/media/u/{token}", signed_media)
    app.router.add_post("/tryon/callback/{token}", task_callback)


async def _read_form(request: web.Request, limit: int) -> tuple[str, str, Attachment]:
    """`session_id`, `caption` and the photo from the multipart body, reading at most `limit` photo bytes."""
    if not request.content_type.startswith("multipart/"):
        raise BadRequest("body", "send the photo as multipart/form-data with fields session_id and photo")
    reader = await request.multipart()
    session_id, caption, photo = "", "", None
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            raise BadRequest("body", "nested multipart bodies are not supported")
        if part.name == "session_id":
            session_id = await _read_text(part, "session_id", 64)
            _check_session(session_id)
        elif part.name == "caption":
            caption = await _read_text(part, "caption", 2000)
        elif part.name == "photo" and photo is None:
            photo = Attachment(await _read_limited(part, limit), part.headers.get("Content-Type", ""),
                               part.filename or "")
        else:
            raise BadRequest(part.name or "body", "send one photo with the fields session_id, photo and caption only")
    if not session_id:
        raise BadRequest("session_id", "'session_id' is missing: send it before the photo")
    if photo is None or not photo.data:
        raise BadRequest("photo", "'photo' is missing: attach the image file as the field 'photo'")
    return session_id, caption, photo


def _check_session(session_id: str) -> None:
    if not is_session_id(session_id):
        raise BadRequest("session_id", "'session_id' must be 8-64 letters, digits, '-' or '_'")


async def _read_text(part: BodyPartReader, name: str, max_chars: int) -> str:
    try:
        raw = await _read_limited(part, max_chars * 4)
    except UploadTooLarge:
        raise BadRequest(name, f"'{name}' is too long: the limit is {max_chars} characters") from None
    return raw.decode("utf-8", "replace").strip()


async def _read_limited(part: BodyPartReader, limit: int) -> bytes:
    chunks, size = [], 0
    while chunk := await part.read_chunk(65536):
        size += len(chunk)
        if size > limit:
            raise UploadTooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> web.Response:
    return json_error(413, f"That photo is larger than {limit / (1024 * 1024):g} MB. Please send a smaller one.")


def _rate_limited(retry_after: float) -> web.Response:
    response = json_error(429, "Too many photos at once. Please wait a moment before sending another.")
    response.headers["Retry-After"] = str(max(1, round(retry_after)))
    return response
