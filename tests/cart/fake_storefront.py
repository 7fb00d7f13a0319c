"""A small fake of Shopify's Storefront API cart, on localhost, speaking its documented shapes.

It answers ``POST /api/<version>/graphql.json`` for ``cartCreate``, ``cartLinesAdd``,
``cartLinesUpdate``, ``cartLinesRemove`` and the ``cart`` query, with Shopify's payloads
(``{cart, userErrors: [{code, field, message}]}``), top-level ``errors`` for a throttled request, and
401 for a wrong ``X-Shopify-Storefront-Access-Token``. A mutation with a user error applies nothing.

>>> fake = FakeStorefront(token="t0ken")
>>> fake.variant("gid://shopify/ProductVariant/1", "Trail Runner", "9", price=79.0, stock=3)
>>> server = await aiohttp_server(fake.app())
"""
from __future__ import annotations

import hmac
import itertools
import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

VERSION = "2025-01"
_ROOT = re.compile(r"\{\s*(cartCreate|cartLinesAdd|cartLinesUpdate|cartLinesRemove|cart)\s*\(")


@dataclass
class Variant:
    id: str
    product_title: str
    title: str
    price: float
    stock: int
    currency: str = "USD"


@dataclass
class Line:
    id: str
    variant: Variant
    quantity: int
    attributes: list[dict[str, str]] = field(default_factory=list)


class FakeStorefront:
    def __init__(self, token: str = "storefront-test-token", base_url: str = "https://shop.example"):
        self.token = token
        self.base_url = base_url
        self.variants: dict[str, Variant] = {}
        self.carts: dict[str, list[Line]] = {}
        self.received: list[dict[str, Any]] = []  # {"field", "variables", "token"}
        self.throttle_next = 0  # answer that many requests with top-level THROTTLED errors
        self._ids = itertools.count(1)

    def variant(self, variant_id: str, product_title: str, title: str, price: float, stock: int) -> Variant:
        self.variants[variant_id] = Variant(variant_id, product_title, title, price, stock)
        return self.variants[variant_id]

    def app(self) -> web.Application:
        app = web.Application(client_max_size=256 * 1024)
        app.router.add_post(f"/api/{VERSION}/graphql.json", self.graphql)
        return app

    def endpoint(self, server: Any) -> str:
        return str(server.make_url(f"/api/{VERSION}/graphql.json"))

    async def graphql(self, request: web.Request) -> web.Response:
        given = request.headers.get("X-Shopify-Storefront-Access-Token", "")
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            return web.json_response({"errors": "[API] Invalid API key or access token (unrecognized login or "
                                                "wrong password)"}, status=401)
        try:
            body = json.loads(await request.read())
            document, variables = body["query"], body.get("variables") or {}
        except (ValueError, KeyError, TypeError):
            return web.json_response({"errors": [{"message": "Parse error: the body is not a GraphQL request"}]},
                                     status=400)
        root = _ROOT.search(document)
        self.received.append({"field": root.group(1) if root else None, "variables": variables, "token": given})
        if self.throttle_next:
            self.throttle_next -= 1
            return web.json_response({"errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]})
        if root is None:
            return web.json_response({"errors": [{"message": "Field 'unknown' doesn't exist on type 'Mutation'",
                                                  "extensions": {"code": "undefinedField"}}]})
        return web.json_response({"data": {root.group(1): getattr(self, "_" + root.group(1))(variables)}})

    # -- the operations -------------------------------------------------------------------------

    def _cart(self, variables: dict[str, Any]) -> dict[str, Any] | None:
        cart_id = variables.get("id")
        return self._cart_object(cart_id) if cart_id in self.carts else None

    def _cartCreate(self, variables: dict[str, Any]) -> dict[str, Any]:
        cart_id = f"gid://shopify/Cart/{secrets.token_hex(8)}"
        lines = ((variables.get("input") or {}).get("lines")) or []
        errors = self._check_new_lines([], lines)
        if errors:
            return {"cart": None, "userErrors": errors}
        self.carts[cart_id] = []
        self._apply_new_lines(cart_id, lines)
        return {"cart": self._cart_object(cart_id), "userErrors": []}

    def _cartLinesAdd(self, variables: dict[str, Any]) -> dict[str, Any]:
        cart_id = variables.get("cartId")
        if cart_id not in self.carts:
            return _no_cart()
        errors = self._check_new_lines(self.carts[cart_id], variables.get("lines") or [])
        if errors:
            return {"cart": None, "userErrors": errors}
        self._apply_new_lines(cart_id, variables.get("lines") or [])
        return {"cart": self._cart_object(cart_id), "userErrors": []}

    def _cartLinesUpdate(self, variables: dict[str, Any]) -> dict[str, Any]:
        cart_id = variables.get("cartId")
        if cart_id not in self.carts:
            return _no_cart()
        by_id = {line.id: line for line in self.carts[cart_id]}
        updates = variables.get("lines") or []
        for n, update in enumerate(updates):
            line = by_id.get(update.get("id"))
            if line is None:
                return _user_error("INVALID_MERCHANDISE_LINE", ["lines", str(n), "id"],
                                   f"The merchandise line with id {update.get('id')} does not exist.")
            if int(update.get("quantity", line.quantity)) > line.variant.stock:
                return _not_enough(n, line.variant)
        for update in updates:
            by_id[update["id"]].quantity = int(update.get("quantity", by_id[update["id"]].quantity))
        self.carts[cart_id] = [line for line in self.carts[cart_id] if line.quantity > 0]
        return {"cart": self._cart_object(cart_id), "userErrors": []}

    def _cartLinesRemove(self, variables: dict[str, Any]) -> dict[str, Any]:
        cart_id = variables.get("cartId")
        if cart_id not in self.carts:
            return _no_cart()
        known = {line.id for line in self.carts[cart_id]}
        for n, line_id in enumerate(variables.get("lineIds") or []):
            if line_id not in known:
                return _user_error("INVALID_MERCHANDISE_LINE", ["lineIds", str(n)],
                                   f"The merchandise line with id {line_id} does not exist.")
        gone = set(variables.get("lineIds") or [])
        self.carts[cart_id] = [line for line in self.carts[cart_id] if line.id not in gone]
        return {"cart": self._cart_object(cart_id), "userErrors": []}

    # -- helpers --------------------------------------------------------------------------------

    def _check_new_lines(self, existing: list[Line], lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for n, new in enumerate(lines):
            variant = self.variants.get(new.get("merchandiseId"))
            if variant is None:
                return _user_error("INVALID", ["lines", str(n), "merchandiseId"],
                                   f"The merchandise with id {new.get('merchandiseId')} does not exist.")["userErrors"]
            already = sum(line.quantity for line in existing if line.variant is variant)
            if already + int(new.get("quantity", 1)) > variant.stock:
                return _not_enough(n, variant)["userErrors"]
        return []

    def _apply_new_lines(self, cart_id: str, lines: list[dict[str, Any]]) -> None:
        for new in lines:
            variant, attributes = self.variants[new["merchandiseId"]], new.get("attributes") or []
            same = next((line for line in self.carts[cart_id]
                         if line.variant is variant and line.attributes == attributes), None)
            if same is not None:
                same.quantity += int(new.get("quantity", 1))
            else:
                line_id = f"gid://shopify/CartLine/{next(self._ids)}?cart={cart_id.rsplit('/', 1)[-1]}"
                self.carts[cart_id].append(Line(line_id, variant, int(new.get("quantity", 1)), attributes))

    def _cart_object(self, cart_id: str) -> dict[str, Any]:
        lines = self.carts[cart_id]
        total = sum(line.variant.price * line.quantity for line in lines)
        return {
            "id": cart_id,
            "checkoutUrl": f"{self.base_url}/cart/c/{cart_id.rsplit('/', 1)[-1]}?key={cart_id[-6:]}",
            "totalQuantity": sum(line.quantity for line in lines),
            "cost": {"totalAmount": _money(total)},
            "lines": {"edges": [{"node": _line_object(line)} for line in lines]},
        }


def _line_object(line: Line) -> dict[str, Any]:
    return {
        "id": line.id, "quantity": line.quantity, "attributes": line.attributes,
        "cost": {"amountPerQuantity": _money(line.variant.price),
                 "totalAmount": _money(line.variant.price * line.quantity)},
        "merchandise": {"id": line.variant.id, "title": line.variant.title,
                        "product": {"title": line.variant.product_title}},
    }


def _money(amount: float) -> dict[str, str]:
    return {"amount": f"{amount:.2f}", "currencyCode": "USD"}


def _user_error(code: str, where: list[str], message: str) -> dict[str, Any]:
    return {"cart": None, "userErrors": [{"code": code, "field": where, "message": message}]}


def _not_enough(n: int, variant: Variant) -> dict[str, Any]:
    return _user_error("MERCHANDISE_NOT_APPLICABLE", ["lines", str(n), "quantity"],
                       f"Only {variant.stock} of {variant.product_title} can be added to the cart.")


def _no_cart() -> dict[str, Any]:
    return _user_error("INVALID", ["cartId"], "The specified cart does not exist.")
