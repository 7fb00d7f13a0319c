"""Shared pieces for the try-on tests: an HTTP session, a try-on request, a media store."""
from __future__ import annotations

import aiohttp
import pytest

from knowledge.media import MediaStore, UrlSigner
from skills.tryon.backend import TryOnRequest
from tests.tryon.kit import garment_picture, person_photo


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture(scope="session")
def person_jpeg() -> bytes:
    return person_photo()


@pytest.fixture
def request_for(person_jpeg):
    def make(category: str = "upper_body") -> TryOnRequest:
        return TryOnRequest(person=person_jpeg, garment=garment_picture((200, 40, 50)), category=category,
                            description="Everyday Cotton T-Shirt", steps=20, seed=7, colour="red")

    return make


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def media(tmp_path) -> MediaStore:
    return MediaStore(tmp_path / "media", UrlSigner(b"test-secret-0123456789abcdef"), ttl_s=600)


# -- the real agent with the try-on skill, over a four-product wardrobe ------------------------

@pytest.fixture(scope="session")
def wardrobe(tmp_path_factory, minilm):
    """(catalog index, catalog folder) of `kit.WARDROBE`, pictures included, indexed with the real MiniLM."""
    from knowledge.catalog_index import CatalogIndex
    from tests.tryon.kit import write_wardrobe

    folder = tmp_path_factory.mktemp("wardrobe")
    path = write_wardrobe(folder)
    return CatalogIndex.open(path, folder / "index", minilm, progress=False), folder


@pytest.fixture
def open_tryon_agent(wardrobe, tmp_path):
    """`async with open_tryon_agent(config) as agent`: the real turn loop, store, skills and try-on kit."""
    import contextlib

    from agent.core import Agent
    from agent.store import SQLiteStore
    from agent.tryon_setup import open_tryon
    from knowledge.retriever import Retriever
    from skills.registry import SkillRegistry
    from skills.search import SearchSkill
    from skills.smalltalk import SmalltalkSkill
    from tests.tryon.kit import KeywordRouter

    catalog, folder = wardrobe

    @contextlib.asynccontextmanager
    async def open_agent(config):
        store = SQLiteStore.open(tmp_path / "aisle.db")
        try:
            async with open_tryon(config) as kit:
                skills = SkillRegistry()
                skills.register(SearchSkill(Retriever(catalog), 4))
                skills.register(SmalltalkSkill())
                skills.register(kit.skill(catalog.by_id, folder))
                yield Agent(KeywordRouter(), skills, store, catalog, media_root=folder, media=kit.media,
                            tryon_inbox=kit.inbox)
        finally:
            await store.close()

    return open_agent


@pytest.fixture
def tryon_config(tmp_path):
    """Defaults under `tmp_path`; `tryon_config(tryon=TryOnConfig(...))` changes a section."""
    import dataclasses

    from agent.config import AisleConfig

    def make(**sections):
        return dataclasses.replace(AisleConfig(data_dir=str(tmp_path / "var")), **sections)

    return make
