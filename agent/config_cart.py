"""Typed configuration of the cart (section `cart:` in aisle.yml).

    config.cart.backend, config.cart.max_quantity
    # -> ('sqlite', 10)

The embedded default keeps carts in SQLite (`path`, empty: data_dir/carts.db) and hands over to
the shop's checkout through `checkout_url` (``{cart_id}``, ``{items}``). With `backend: shopify`
the shop's own Storefront API cart keeps them; its token is read from the environment variable
that `shopify.token_env` names, never from this file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.errors import ConfigError

CART_BACKENDS = ("sqlite", "shopify")
_SHOP_DOMAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,}")
_API_VERSION = re.compile(r"\d{4}-\d{2}|unstable")


@dataclass(frozen=True)
class ShopifyCartConfig:
    shop_domain: str = ""  # your-shop.myshopify.com
    api_version: str = "2025-01"
    token_env: str = "AISLE_SHOPIFY_STOREFRONT_TOKEN"  # the Storefront API's public access token
    endpoint: str = ""  # empty: https://<shop_domain>/api/<api_version>/graphql.json (a proxy or a test's fake)
    variants_path: str = ""  # JSON: product id -> variant id, or -> {size: variant id}; else the catalog's variant_ids
    timeout_s: float = field(default=10.0, metadata={"range": (0.5, 120.0)})

    def __post_init__(self) -> None:
        if self.shop_domain and not _SHOP_DOMAIN.fullmatch(self.shop_domain):
            raise ConfigError(f"cart.shopify.shop_domain {self.shop_domain!r} is not a host name: "
                              "expected e.g. your-shop.myshopify.com, without https://")
        if not _API_VERSION.fullmatch(self.api_version):
            raise ConfigError(f"cart.shopify.api_version {self.api_version!r} is not a Storefront API version: "
                              "expected YYYY-MM (e.g. 2025-01) or unstable")
        if self.endpoint and not self.endpoint.startswith(("https://", "http://")):
            raise ConfigError(f"cart.shopify.endpoint {self.endpoint!r} must be an http(s) URL")

    @property
    def url(self) -> str:
        return self.endpoint or f"https://{self.shop_domain}/api/{self.api_version}/graphql.json"


@dataclass(frozen=True)
class CartConfig:
    enabled: bool = True
    backend: str = field(default="sqlite", metadata={"choices": CART_BACKENDS})
    path: str = ""  # SQLite file of carts (sqlite), or of which Shopify cart is whose (shopify); empty: data_dir/carts.db
    checkout_url: str = "/checkout?cart={cart_id}&items={items}"  # sqlite: the shop's checkout; {cart_id}, {items}
    max_quantity: int = field(default=10, metadata={"range": (1, 10_000)})  # of one item in one cart
    shopify: ShopifyCartConfig = ShopifyCartConfig()

    def __post_init__(self) -> None:
        if self.backend == "shopify" and not (self.shopify.shop_domain or self.shopify.endpoint):
            raise ConfigError("cart.backend 'shopify' needs cart.shopify.shop_domain (or cart.shopify.endpoint)")
