"""Shopify's Storefront API, the cart part: the GraphQL documents Aisle sends and how answers are read.

One POST per call to ``https://<shop>.myshopify.com/api/<version>/graphql.json`` with the
``X-Shopify-Storefront-Access-Token`` header and ``{"query", "variables"}``. Failures come in three
shapes, each a `CartError`:

- an HTTP status other than 200 (401/403: a wrong token; 429/5xx: try later) -> "unavailable";
- top-level ``errors`` (a bad query, ``THROTTLED``) -> "unavailable";
- ``userErrors`` in a mutation's payload (``{code, field, message}``: a variant that does not exist,
  not enough stock, an unknown line) -> "rejected" ("unknown_line" for ``INVALID_MERCHANDISE_LINE``);
  Shopify applied nothing of that mutation.

    api = StorefrontClient(session, "https://shop.myshopify.com/api/2025-01/graphql.json", token)
    payload = await api.mutate("cartLinesAdd", LINES_ADD, {"cartId": cart_id, "lines": [...]})
"""
from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp

from skills.cart.model import CartError

CART_FIELDS = """
fragment CartFields on Cart {
  id
  checkoutUrl
  totalQuantity
  cost { totalAmount { amount currencyCode } }
  lines(first: 100) {
    edges {
      node {
        id
        quantity
        attributes { key value }
        cost { amountPerQuantity { amount currencyCode } totalAmount { amount currencyCode } }
        merchandise { ... on ProductVariant { id title product { title } } }
      }
    }
  }
}
"""
_PAYLOAD = "{ cart { ...CartFields } userErrors { code field message } }"
CART_CREATE = f"mutation cartCreate($input: CartInput) {{ cartCreate(input: $input) {_PAYLOAD} }}" + CART_FIELDS
LINES_ADD = (f"mutation cartLinesAdd($cartId: ID!, $lines: [CartLineInput!]!) "
             f"{{ cartLinesAdd(cartId: $cartId, lines: $lines) {_PAYLOAD} }}") + CART_FIELDS
LINES_UPDATE = (f"mutation cartLinesUpdate($cartId: ID!, $lines: [CartLineUpdateInput!]!) "
                f"{{ cartLinesUpdate(cartId: $cartId, lines: $lines) {_PAYLOAD} }}") + CART_FIELDS
LINES_REMOVE = (f"mutation cartLinesRemove($cartId: ID!, $lineIds: [ID!]!) "
                f"{{ cartLinesRemove(cartId: $cartId, lineIds: $lineIds) {_PAYLOAD} }}") + CART_FIELDS
CART_QUERY = "query cart($id: ID!) { cart(id: $id) { ...CartFields } }" + CART_FIELDS
MAX_RESPONSE_BYTES = 2 * 1024 * 1024


class StorefrontClient:
    """Posts GraphQL documents to one shop's Storefront API; the token never reaches a log or an error."""

    def __init__(self, session: aiohttp.ClientSession, endpoint: str, token: str, timeout_s: float = 10.0):
        self.session = session
        self.endpoint = endpoint
        self._token = token
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def query(self, document: str, variables: dict[str, Any]) -> dict[str, Any]:
        """The ``data`` of an answer, or `CartError` for a transport failure or top-level ``errors``."""
        headers = {"X-Shopify-Storefront-Access-Token": self._token, "Content-Type": "application/json",
                   "Accept": "application/json"}
        body = json.dumps({"query": document, "variables": variables})
        try:
            async with self.session.post(self.endpoint, data=body, headers=headers, timeout=self.timeout) as response:
                raw = await response.content.read(MAX_RESPONSE_BYTES + 1)
                status = response.status
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise CartError(f"the shop's cart could not be reached ({type(exc).__name__})", "unavailable") from exc
        if status != 200:
            why = "it refused Aisle's storefront access token" if status in (401, 403) else "it answered an error"
            raise CartError(f"the shop's cart is unavailable: {why} (HTTP {status})", "unavailable")
        return _data(raw)

    async def mutate(self, field: str, document: str, variables: dict[str, Any]) -> dict[str, Any]:
        """The mutation's payload (``{cart, userErrors}``); `CartError` when Shopify reported user errors."""
        data = await self.query(document, variables)
        payload = data.get(field)
        if not isinstance(payload, dict):
            raise CartError(f"the shop's cart answered {field} without a payload", "unavailable")
        errors = payload.get("userErrors") or []
        if errors:
            code = "unknown_line" if any(e.get("code") == "INVALID_MERCHANDISE_LINE" for e in errors) else "rejected"
            text = "; ".join(str(e.get("message") or e.get("code") or "refused") for e in errors[:3])
            raise CartError(f"the shop's cart refused it: {text}", code)
        return payload


def _data(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_RESPONSE_BYTES:
        raise CartError("the shop's cart answered more than Aisle reads", "unavailable")
    try:
        answer = json.loads(raw)
    except ValueError:
        raise CartError("the shop's cart answered something that is not JSON", "unavailable") from None
    if not isinstance(answer, dict):
        raise CartError("the shop's cart answered something that is not a GraphQL response", "unavailable")
    errors = answer.get("errors")
    if errors:
        messages = [str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in
                    (errors if isinstance(errors, list) else [errors])]
        raise CartError(f"the shop's cart answered an error: {'; '.join(messages[:3])}", "unavailable")
    data = answer.get("data")
    if not isinstance(data, dict):
        raise CartError("the shop's cart answered without data", "unavailable")
    return data
