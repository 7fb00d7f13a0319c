"""Virtual try-on: the shopper's photo in the garment they picked.

The conversation, kept in the `tryon` slot (`photo`, `consent`, `pending`):

- a photo arrives (`ctx.attachments`): it is validated and cleaned (`knowledge.photo_intake`), kept in
  the media store, and, unless the shopper already agreed in this conversation, consent is asked;
- "try the second one on me" (`position`/`product_id`, or an ordinal in the text, or the `selected`
  product): without a photo the skill asks for one, without consent it asks for that, and then it
  calls the backend, telling the shopper it is working ("about 10 s") while it waits;
- the yes/no answer to a question comes back as `consent` (the agent routes it here while the
  `awaiting_answer` slot says a question is open).

A failing service never ends the conversation: the shopper gets an apology and the product.

    skill = TryOnSkill(Guarded(PreviewBackend()), media_store, catalog.by_id, GarmentImages(catalog_dir))
"""
from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from knowledge.media import MediaStore
from knowledge.photo_intake import PhotoLimits, PhotoRejected, clean_photo
from knowledge.product import Product
from skills.base import SkillContext, SkillResult
from skills.tryon import replies
from skills.tryon.backend import TryOnBackend, TryOnFailed, TryOnRequest
from skills.tryon.garments import GarmentImages, garment_category, pick_product, position_in_text

log = logging.getLogger(__name__)

SLOT = "tryon"
AWAITING = "awaiting_answer"
QUESTION = {"skill": "tryon", "argument": "consent", "intent": "try_on"}
_ANYWAY = re.compile(r"\banyway\b|\beven (?:if|though)\b|\bregardless\b|\bout of stock\b|\bsold out\b", re.IGNORECASE)


def _described(text: str) -> dict:
    return {"description": text}


@dataclass(frozen=True)
class TryOnInput:
    position: int | None = field(default=None, metadata=_described(
        "Which of the products just shown to try on, counting from 1; -1 for the last one."))
    product_id: str | None = field(default=None, metadata=_described("The id of the product to try on."))
    consent: bool | None = field(default=None, metadata=_described(
        "The shopper's yes or no to the question just asked: may their photo be used / shall I go ahead."))


@dataclass(frozen=True)
class TryOnSettings:
    steps: int = 30
    seed: int = 42
    eta_s: int = 10
    public_base_url: str = ""  # where services can fetch Aisle's signed media links; empty: nowhere
    remote: bool = False  # whether the photo leaves this server (the consent question says so)
    photo_limits: PhotoLimits = PhotoLimits()
    result_limits: PhotoLimits = PhotoLimits(max_bytes=25 * 1024 * 1024, min_side=64)


class TryOnSkill:
    name: ClassVar[str] = "tryon"
    description: ClassVar[str] = (
        "Show the shopper wearing a product (a top, bottom or dress), made from a photo they send.")
    Input: ClassVar[type] = TryOnInput

    def __init__(self, backend: TryOnBackend, media: MediaStore, products: Callable[[str], Product | None],
                 garments: GarmentImages, settings: TryOnSettings = TryOnSettings()) -> None:
        self.backend = backend
        self.media = media
        self.products = products
        self.garments = garments
        self.settings = settings

    async def run(self, args: TryOnInput, ctx: SkillContext) -> SkillResult:
        state = _state(ctx.slots)
        if ctx.attachments:
            return await self._photo(ctx, state)
        if args.consent is not None:
            return await self._answer(args.consent, ctx, state)
        position = args.position if args.position is not None else position_in_text(ctx.text)
        product_id = pick_product(ctx.slots, position, args.product_id)
        if product_id is None:
            text = replies.WHICH_ONE if ctx.slots.get("last_results") else replies.NOTHING_SHOWN
            return SkillResult(text, slots={SLOT: state})
        product = self.products(product_id)
        if product is not None and not product.in_stock and not _ANYWAY.search(ctx.text):
            return SkillResult(replies.OUT_OF_STOCK.format(title=product.title), products=(product,),
                               quick_replies=replies.AFTER_OUT_OF_STOCK, slots={SLOT: state, "selected": product.id})
        return await self._try(product_id, ctx, state)

    # -- the photo ------------------------------------------------------------------------------

    async def _photo(self, ctx: SkillContext, state: dict[str, Any]) -> SkillResult:
        try:
            clean = await asyncio.to_thread(clean_photo, ctx.attachments[0].data, self.settings.photo_limits)
        except PhotoRejected as exc:
            return SkillResult(str(exc), slots={SLOT: state}, data={"rejected": True})
        if state["photo"]:
            self.media.delete(state["photo"])
        state["photo"] = await asyncio.to_thread(self.media.save, clean.data, clean.content_type)
        if state["consent"] is not True:
            return self._ask_consent(state)
        pending = self.products(state["pending"]) if state["pending"] else None
        if pending is None:
            return SkillResult(replies.PHOTO_READY, slots={SLOT: state})
        return SkillResult(replies.PHOTO_READY_PENDING.format(title=pending.title), products=(pending,),
                           quick_replies=(replies.GO_AHEAD, replies.NOT_NOW), slots={SLOT: state, AWAITING: QUESTION})

    def _ask_consent(self, state: dict[str, Any]) -> SkillResult:
        service = " (it is sent to our try-on service to make the picture)" if self.settings.remote else ""
        text = replies.ASK_CONSENT.format(service=service, keep=replies.duration(self.media.ttl_s))
        return SkillResult(text, quick_replies=(replies.CONSENT_YES, replies.CONSENT_NO),
                           slots={SLOT: state, AWAITING: QUESTION})

    async def _answer(self, yes: bool, ctx: SkillContext, state: dict[str, Any]) -> SkillResult:
        if not yes and state["consent"] is True:  # "not now" to "shall I try it on now?"
            state["pending"] = None
            return SkillResult(replies.LATER, slots={SLOT: state})
        if not yes:
            if state["photo"]:
                self.media.delete(state["photo"])
            state.update(photo=None, pending=None, consent=False)
            return SkillResult(replies.DECLINED, slots={SLOT: state})
        state["consent"] = True
        if state["photo"] and state["pending"]:
            return await self._try(state["pending"], ctx, state)
        text = replies.CONSENT_THANKS if state["photo"] else replies.CONSENT_THANKS_NO_PHOTO
        return SkillResult(text, slots={SLOT: state})

    # -- the try-on -----------------------------------------------------------------------------

    async def _try(self, product_id: str, ctx: SkillContext, state: dict[str, Any]) -> SkillResult:
        product = self.products(product_id)
        if product is None:
            return SkillResult(replies.UNKNOWN_PRODUCT, slots={SLOT: state})
        category = garment_category(product)
        if category is None:
            return SkillResult(replies.NOT_WEARABLE.format(title=product.title), products=(product,),
                               quick_replies=(replies.AFTER_RESULT[0],), slots={SLOT: state})
        supports = getattr(self.backend, "supports", None)
        if supports is not None and not supports(category):
            return SkillResult(self._unsupported(product), products=(product,), slots={SLOT: state})
        if not (state["photo"] and self.media.exists(state["photo"])):
            expired = bool(state["photo"])
            state.update(photo=None, pending=product.id)
            text = replies.PHOTO_EXPIRED.format(keep=replies.duration(self.media.ttl_s)) if expired else ""
            return SkillResult((text + " " if text else "") + replies.ASK_PHOTO.format(title=product.title),
                               products=(product,), slots={SLOT: state})
        if state["consent"] is not True:
            state["pending"] = product.id
            return self._ask_consent(state)
        state["pending"] = None
        return await self._render(product, category, ctx, state)

    def _unsupported(self, product: Product) -> str:
        supported = [replies.CATEGORY_NAMES[c] for c in ("upper_body", "lower_body", "dress")
                     if self.backend.supports(c)]  # type: ignore[attr-defined]
        return replies.NOT_SUPPORTED.format(supported=" and ".join(supported) or "nothing", title=product.title)

    async def _render(self, product: Product, category: str, ctx: SkillContext,
                      state: dict[str, Any]) -> SkillResult:
        garment, garment_type = await self.garments.load(product)
        if not garment and self.backend.name != "preview":
            return SkillResult(replies.NO_PICTURE.format(title=product.title), products=(product,),
                               slots={SLOT: state})
        await ctx.progress(replies.WORKING.format(eta=self.settings.eta_s))
        request = self._request(product, category, state["photo"], garment, garment_type)
        try:
            image = await self.backend.render(request)
            clean = await asyncio.to_thread(clean_photo, image.data, self.settings.result_limits)
        except TryOnFailed as exc:
            log.warning("try-on failed in conversation %s: %s", ctx.conversation_id, exc)
            return self._failed(product, state, replies.FAILED.format(title=product.title))
        except PhotoRejected as exc:
            log.warning("try-on result unusable in conversation %s: %s", ctx.conversation_id, exc)
            return self._failed(product, state, replies.BAD_RESULT)
        result_id = await asyncio.to_thread(self.media.save, clean.data, clean.content_type)
        template = replies.PREVIEW_RESULT if image.preview else replies.RESULT
        return SkillResult(template.format(title=product.title), products=(product,),
                           image=self.media.url(result_id), quick_replies=replies.AFTER_RESULT,
                           slots={SLOT: state, "selected": product.id},
                           data={"preview": image.preview, "backend": self.backend.name})

    def _request(self, product: Product, category: str, photo_id: str, garment: bytes,
                 garment_type: str) -> TryOnRequest:
        public = self.settings.public_base_url.rstrip("/")
        person_url = public + self.media.url(photo_id, ttl_s=900) if public else ""
        garment_url = product.image if product.image.startswith(("http://", "https://")) else ""
        if public and not garment_url and product.image:
            garment_url = f"{public}/media/{product.image.removeprefix('./')}"
        return TryOnRequest(
            person=self.media.read(photo_id), garment=garment, category=category,
            description=product.title, steps=self.settings.steps, seed=self.settings.seed,
            garment_type=garment_type or "image/png", person_url=person_url, garment_url=garment_url,
            colour=product.colour,
        )

    def _failed(self, product: Product, state: dict[str, Any], text: str) -> SkillResult:
        state["pending"] = product.id
        return SkillResult(text, products=(product,), quick_replies=replies.AFTER_FAILURE,
                           slots={SLOT: state, "selected": product.id}, data={"failed": True})


def _state(slots: dict[str, Any]) -> dict[str, Any]:
    """A copy of the conversation's try-on slot with every key present."""
    stored = slots.get(SLOT)
    stored = stored if isinstance(stored, dict) else {}
    photo, pending, consent = stored.get("photo"), stored.get("pending"), stored.get("consent")
    return {
        "photo": photo if isinstance(photo, str) else None,
        "pending": pending if isinstance(pending, str) else None,
        "consent": consent if isinstance(consent, bool) else None,
    }
