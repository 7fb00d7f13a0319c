"""Opening what virtual try-on needs: the media store and its cleanup, an HTTP session, the backend.

    async with open_tryon(config) as kit:                 # inside `open_agent`
        skills.register(kit.skill(catalog.by_id, config.catalog_path.parent))
"""
from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import aiohttp

from agent.config import AisleConfig, MediaConfig, TryOnConfig
from knowledge.media import MediaStore, UrlSigner, cleanup_task
from knowledge.photo_intake import PhotoLimits
from knowledge.product import Product
from skills.tryon.backend import TryOnBackend
from skills.tryon.garments import GarmentImages
from skills.tryon.gradio_api import PRESETS, GradioBackend
from skills.tryon.http_api import HttpJsonBackend
from skills.tryon.preview import PreviewBackend
from skills.tryon.resilience import Guarded, Policy
from skills.tryon.skill import TryOnSettings, TryOnSkill
from skills.tryon.task_api import TaskApiBackend, TaskInbox

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TryOnKit:
    """The open parts; `media` and `inbox` are what the web server's media routes reach."""

    media: MediaStore
    backend: Guarded
    settings: TryOnSettings
    session: aiohttp.ClientSession
    inbox: TaskInbox | None = None

    def skill(self, products: Callable[[str], Product | None], catalog_dir: Path | None) -> TryOnSkill:
        garments = GarmentImages(catalog_dir, self.session, self.settings.photo_limits.max_bytes)
        return TryOnSkill(self.backend, self.media, products, garments, self.settings)


def media_store(config: AisleConfig, environ: dict[str, str] | None = None) -> MediaStore:
    root = Path(config.media.dir) if config.media.dir else config.data_path / "media"
    return MediaStore(root, UrlSigner.from_env(config.media.secret_env, environ), ttl_s=config.media.ttl_s,
                      max_upload_bytes=config.media.max_bytes, uploads_per_minute=config.media.uploads_per_minute)


def photo_limits(media: MediaConfig) -> PhotoLimits:
    return PhotoLimits(max_bytes=media.max_bytes, min_side=media.min_side, max_pixels=media.max_pixels)


def tryon_settings(config: AisleConfig) -> TryOnSettings:
    t = config.tryon
    return TryOnSettings(steps=t.steps, seed=t.seed, eta_s=t.eta_s, public_base_url=t.public_base_url,
                         remote=t.backend != "preview", photo_limits=photo_limits(config.media))


def build_backend(t: TryOnConfig, session: aiohttp.ClientSession, signer: UrlSigner) -> tuple[TryOnBackend, TaskInbox | None]:
    """The configured backend (unguarded) and, for task callbacks, the inbox they land in."""
    key = _api_key(t.api_key_env)
    if t.backend == "http":
        return HttpJsonBackend(session, t.base_url, t.http_path, key, t.inputs), None
    if t.backend == "task":
        inbox = TaskInbox(signer, t.public_base_url) if t.callbacks else None
        return TaskApiBackend(session, t.base_url, t.task_path, key, t.inputs, t.poll_interval_s, inbox), inbox
    if t.backend == "gradio":
        preset = PRESETS[t.gradio_preset]
        preset = replace(preset, api_name=t.gradio_api_name or preset.api_name,
                         inputs=t.gradio_inputs or preset.inputs)
        return GradioBackend(session, t.base_url, preset, key, t.gradio_api_prefix), None
    return PreviewBackend(), None


def _api_key(variable: str) -> str:
    if not variable:
        return ""
    key = os.environ.get(variable, "")
    if not key:
        log.warning("tryon.api_key_env names %s, but it is not set: calling the service without a key", variable)
    return key


@asynccontextmanager
async def open_tryon(config: AisleConfig) -> AsyncIterator[TryOnKit]:
    """The media store with its background cleanup, and the backend with its HTTP session, until exit."""
    media = media_store(config)
    t = config.tryon
    policy = Policy(timeout_s=t.timeout_s, retries=t.retries, backoff_s=t.backoff_s,
                    max_concurrency=t.max_concurrency, breaker_failures=t.breaker_failures,
                    breaker_reset_s=t.breaker_reset_s)
    async with cleanup_task(media, config.media.cleanup_interval_s), aiohttp.ClientSession() as session:
        backend, inbox = build_backend(t, session, media.signer)
        log.info("virtual try-on: %s backend%s", t.backend, f" at {t.base_url}" if t.base_url else " (preview)")
        yield TryOnKit(media, Guarded(backend, policy), tryon_settings(config), session, inbox)
