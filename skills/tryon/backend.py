"""What every try-on backend takes and gives back, and how it may fail.

A backend turns a person photo and a garment image into one image of the person wearing it:

    image = await backend.render(TryOnRequest(person=jpeg, garment=png, category="upper_body"))
    image.content_type, image.preview
    # -> ('image/png', False)

Failures are `TryOnFailed`; `ServiceUnavailable` marks the ones worth retrying (timeouts, refused
connections, 5xx and 429 answers), `BadServiceReply` an answer that does not follow the protocol.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Protocol

from knowledge.errors import AisleError
from knowledge.photo_intake import sniff_format

CATEGORIES = ("upper_body", "lower_body", "dress")
_CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


class TryOnFailed(AisleError):
    """The try-on could not be made. `retryable` failures may succeed on another attempt."""

    retryable = False

    def __init__(self, message: str, backend: str = "") -> None:
        super().__init__(f"{backend}: {message}" if backend else message)
        self.backend = backend


class ServiceUnavailable(TryOnFailed):
    """The service did not answer in time, refused the connection, or said it is busy or broken."""

    retryable = True


class BadServiceReply(TryOnFailed):
    """The service answered, but not with what its protocol promises."""


class TaskFailed(TryOnFailed):
    """The service ran the job and reported that it failed."""


class CircuitOpen(TryOnFailed):
    """Too many failures in a row: calls are refused for a while so the service can recover."""


@dataclass(frozen=True, slots=True)
class TryOnRequest:
    """One try-on: the person's cleaned JPEG, the garment image and how to dress it.

    `person_url`/`garment_url` are public links to the same images, for services that fetch inputs
    themselves; they are empty when no public address is configured.
    """

    person: bytes
    garment: bytes
    category: str
    description: str = ""
    steps: int = 30
    seed: int = 42
    garment_type: str = "image/png"
    person_url: str = ""
    garment_url: str = ""
    colour: str = ""

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"category {self.category!r} is not one of {', '.join(CATEGORIES)}")


@dataclass(frozen=True, slots=True)
class TryOnImage:
    data: bytes
    content_type: str
    preview: bool = False
    notes: dict[str, str] = field(default_factory=dict)


class TryOnBackend(Protocol):
    """`name` appears in logs and errors; `render` makes one image."""

    name: str

    async def render(self, request: TryOnRequest) -> TryOnImage: ...


def image_from_bytes(data: bytes, backend: str) -> TryOnImage:
    """Accept `data` only if it starts like a JPEG, PNG or WebP image."""
    kind = sniff_format(data)
    if kind is None:
        raise BadServiceReply(f"the answer is not a JPEG, PNG or WebP image ({len(data)} bytes)", backend)
    return TryOnImage(data, _CONTENT_TYPES[kind])


def image_from_base64(text: str, backend: str) -> TryOnImage:
    """Decode a base64 image, with or without a `data:image/...;base64,` prefix."""
    if text.startswith("data:"):
        _, _, text = text.partition(",")
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise BadServiceReply("the image in the answer is not valid base64", backend) from None
    return image_from_bytes(data, backend)


def status_failure(status: int, backend: str, what: str) -> TryOnFailed:
    """The error an HTTP status means: 5xx, 408 and 429 are worth retrying; other 4xx are not."""
    message = f"{what} answered HTTP {status}"
    if status >= 500 or status in (408, 429):
        return ServiceUnavailable(message, backend)
    return BadServiceReply(message, backend)
