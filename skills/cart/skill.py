"""The `cart` skill: add what was shown (asking for a missing size), show, change, remove, empty, checkout.

    skill = CartSkill(SQLiteCartStore.open("var/carts.db"), catalog.by_id, max_quantity=10)
    result = await skill.run(CartInput(action="add", position=2, size="9"), ctx)
    result.data["cart"]["count"]
    # -> 1

Every check (the product exists, the size is one it comes in, stock, `max_quantity`) runs before
the store is called, and a store that refuses changes nothing, so a request is done whole or not
at all. The cart belongs to the signed-in customer when the shop named one (`customer` slot; the
conversation's cart is merged into theirs), else to the conversation. Each reply carries the cart
(`data["cart"]`) for the channels to show, and `listeners` hear `CartEvent`s (added, checkout).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from knowledge.product import Product
from skills.base import SkillContext, SkillResult
from skills.cart.checks import quantity_problem, size_in, size_problem, size_word, sizes_offered
from skills.cart.model import Cart, CartError, CartItem, CartStore, conversation_owner, customer_owner
from skills.cart.replies import CHECKOUT, EMPTY_CART, VIEW_CART, line_text, listing, next_steps, summary
from skills.cart.resolve import GROUPS, lines_meant, products_meant
from skills.shopping.common import Lookup, money, size_list

ACTIONS = ("add", "show", "update", "remove", "clear", "checkout")
_CANCEL = {"no", "nope", "cancel", "never mind", "nevermind", "forget it", "stop", "no thanks"}


def _described(text: str, **more: Any) -> dict:
    return {"description": text, **more}


@dataclass(frozen=True)
class CartInput:
    action: str = field(default="show", metadata=_described(
        "add: put products in the cart; show: list it; update: change a quantity; remove: take lines out; "
        "clear: empty it; checkout: hand over to the shop's checkout.", choices=ACTIONS))
    position: int | None = field(default=None, metadata=_described("1-based position in the products shown last."))
    positions: str | None = field(default=None, metadata=_described("Several positions, comma-separated: '1,3'."))
    group: str | None = field(default=None, metadata=_described("'both' or 'all' of the products shown.",
                                                                 choices=GROUPS))
    product_id: str | None = field(default=None, metadata=_described("Catalog id of the product."))
    product_ids: str | None = field(default=None, metadata=_described("Several catalog ids, comma-separated."))
    colour: str | None = field(default=None, metadata=_described("The colour of the product meant ('the red one')."))
    product_type: str | None = field(default=None, metadata=_described("The kind of product meant ('the mug')."))
    mention: str | None = field(default=None, metadata=_described("The shopper's words naming the product."))
    size: str | None = field(default=None, metadata=_described("The size, e.g. 9 or M."))
    quantity: int | None = field(default=None, metadata=_described("How many in all ('make it two')."))
    more: int | None = field(default=None, metadata=_described("How many more ('one more')."))
    factor: int | None = field(default=None, metadata=_described("Multiply the quantity by ('double it': 2)."))


@dataclass(frozen=True)
class CartEvent:
    """Something a shopper did with a cart: ``kind`` is "add_to_cart" or "checkout"."""

    kind: str
    user: str  # the conversation id, as shopper events name users
    product_id: str = ""
    size: str = ""
    quantity: int = 0


class CartSkill:
    name: ClassVar[str] = "cart"
    description: ClassVar[str] = ("The shopper's cart: add products shown (with size and quantity), show it, "
                                  "change a quantity, remove items, empty it, or go to checkout.")
    Input: ClassVar[type] = CartInput

    def __init__(self, store: CartStore, lookup: Lookup, max_quantity: int = 10):
        self.store = store
        self.lookup = lookup
        self.max_quantity = max_quantity
        self.listeners: list[Callable[[CartEvent], Awaitable[None]]] = []

    async def run(self, args: CartInput, ctx: SkillContext) -> SkillResult:
        try:
            owner, slots = await self._owner(ctx)
            result = await getattr(self, "_" + (args.action if args.action in ACTIONS else "show"))(args, ctx, owner)
        except CartError as exc:
            return await self._refused(exc, ctx)
        return SkillResult(result.text, result.products, result.quick_replies, {**slots, **result.slots},
                           result.data)

    async def _owner(self, ctx: SkillContext) -> tuple[str, dict[str, Any]]:
        """The cart's owner; a shopper the shop just signed in takes the conversation's cart along."""
        anonymous = conversation_owner(ctx.conversation_id)
        customer = ctx.slots.get("customer")
        if not customer:
            return anonymous, {}
        owner = customer_owner(str(customer))
        if ctx.slots.get("cart_owner") != owner:
            await self.store.merge(anonymous, owner)
        return owner, {"cart_owner": owner}

    async def _refused(self, exc: CartError, ctx: SkillContext) -> SkillResult:
        data: dict[str, Any] = {"failed": True}
        try:
            owner, _ = await self._owner(ctx)
            data["cart"] = (await self.store.get(owner)).to_dict()
        except CartError:
            pass  # the cart itself is unreachable: the reply says so
        lead = ("Sorry, I can't reach the cart right now" if exc.code == "unavailable"
                else "Sorry, that didn't work")
        return SkillResult(f"{lead}: {exc.message}. Nothing in your cart was changed.", data=data)

    # -- add ------------------------------------------------------------------------------------

    async def _add(self, args: CartInput, ctx: SkillContext, owner: str) -> SkillResult:
        found = products_meant(args, ctx.slots, self.lookup)
        if isinstance(found, str):
            return _failed(found)
        if args.size and args.size.strip().lower() in _CANCEL:
            return SkillResult("OK, I've left it out of your cart.")
        quantity = args.quantity or args.more or 1
        if quantity < 1:
            return _failed("How many would you like? Say “add two”, for example.")
        cart = await self.store.get(owner)
        planned = self._plan(found, args.size or size_word(args.mention) or _size_in_force(ctx.slots, found),
                             quantity, cart)
        if isinstance(planned, SkillResult):
            return planned
        cart = await self.store.add(owner, planned)
        for item in planned:
            await self._tell(CartEvent("add_to_cart", ctx.conversation_id, item.product_id, item.size, item.quantity))
        text = f"Added {' and '.join(_item_text(i) for i in planned)} to your cart. {summary(cart)}"
        if args.size and not any(p.sizes for p in found):  # a size asked for is honoured or named
            text += " " + " ".join(f"The {p.title} comes in one size." for p in found)
        last = planned[-1]
        return SkillResult(text, quick_replies=next_steps(cart),
                           slots={"cart_focus": [last.product_id, last.size.upper()], "selected": last.product_id},
                           data={"cart": cart.to_dict()})

    def _plan(self, products: list[Product], size_text: str | None, quantity: int,
              cart: Cart) -> list[CartItem] | SkillResult:
        """The items to add, or the reply that stops the whole request (a question, or what is wrong)."""
        missing = [p for p in products if p.sizes and not size_text]
        if missing:
            return self._ask_size(products, missing, quantity)
        items = []
        for product in products:
            size = size_in(size_text, product) or "" if product.sizes else ""
            problem = size_problem(product, size_text) if product.sizes else None
            if problem:
                return self._ask_size(products, [product], quantity, problem)
            have = sum(line.quantity for line in cart.lines if line.product_id == product.id)  # stock is per product
            problem = quantity_problem(product, have + quantity, self.max_quantity, have)
            if problem:
                return _failed(problem)
            items.append(CartItem(product.id, product.title, product.price, product.currency, size, quantity))
        return items

    def _ask_size(self, products: list[Product], missing: list[Product], quantity: int,
                  problem: str = "") -> SkillResult:
        out = next((p for p in products if p.stock <= 0), None)
        if out is not None:
            return _failed(quantity_problem(out, quantity, self.max_quantity) or "")
        asked = missing[0]
        question = (f"Which size would you like? The {asked.title} comes in {size_list(asked)}." if len(missing) == 1
                    else "Which size would you like? " + " ".join(f"The {p.title} comes in {size_list(p)}."
                                                                  for p in missing))
        awaiting = {"intent": "add_to_cart", "skill": self.name, "argument": "size",
                    "args": {"action": "add", "product_ids": ",".join(p.id for p in products), "quantity": quantity}}
        return SkillResult(f"{problem} {question}".strip(), quick_replies=sizes_offered(asked),
                           slots={"awaiting_answer": awaiting, "selected": asked.id}, data={"failed": bool(problem)})

    # -- show, change, remove, empty ------------------------------------------------------------

    async def _show(self, args: CartInput, ctx: SkillContext, owner: str) -> SkillResult:
        cart = await self.store.get(owner)
        shown = list(dict.fromkeys(line.product_id for line in cart.lines))
        quick = (CHECKOUT, EMPTY_CART) if cart.lines else ()
        return SkillResult(listing(cart), quick_replies=quick, slots={"last_results": shown} if shown else {},
                           data={"cart": cart.to_dict()})

    async def _update(self, args: CartInput, ctx: SkillContext, owner: str) -> SkillResult:
        cart = await self.store.get(owner)
        lines = lines_meant(args, cart, ctx.slots, self.lookup)
        if isinstance(lines, str):
            return _failed(lines, cart)
        if args.quantity is None and not args.more and not args.factor:
            return _failed(f"How many of the {lines[0].title} would you like? Say “make it two”, for example.", cart)
        for line in lines:
            wanted = _wanted(args, line.quantity)
            product = self.lookup(line.product_id)
            problem = quantity_problem(product, wanted, self.max_quantity) if product and wanted > line.quantity \
                else (None if product else f"The {line.title} is no longer sold; you can remove it.")
            if problem:
                return _failed(problem, cart)
        for line in lines:
            wanted = _wanted(args, line.quantity)
            cart = await self.store.set_quantity(owner, line.id, max(wanted, 0))
        changed = [cart.line_for(line.product_id, line.size) for line in lines]
        said = " and ".join(line_text(line) for line in changed if line) or "removed it"
        text = f"Done: {said}. {summary(cart)}" if any(changed) else f"Removed it. {summary(cart)}"
        return SkillResult(text, quick_replies=next_steps(cart), data={"cart": cart.to_dict()},
                           slots={"cart_focus": [lines[0].product_id, lines[0].size]})

    async def _remove(self, args: CartInput, ctx: SkillContext, owner: str) -> SkillResult:
        cart = await self.store.get(owner)
        lines = lines_meant(args, cart, ctx.slots, self.lookup)
        if isinstance(lines, str):
            return _failed(lines, cart)
        cart = await self.store.remove(owner, [line.id for line in lines])
        gone = " and ".join(f"the {line.title}" + (f" (size {line.size})" if line.size else "") for line in lines)
        return SkillResult(f"Removed {gone} from your cart. {summary(cart)}", quick_replies=next_steps(cart),
                           data={"cart": cart.to_dict()}, slots={"cart_focus": None})

    async def _clear(self, args: CartInput, ctx: SkillContext, owner: str) -> SkillResult:
        cart = await self.store.clear(owner)
        return SkillResult("Your cart is empty now.", data={"cart": cart.to_dict()}, slots={"cart_focus": None})

    async def _checkout(self, args: CartInput, ctx: SkillContext, owner: str) -> SkillResult:
        cart = await self.store.get(owner)
        if not cart.lines:
            return _failed("Your cart is empty, so there's nothing to check out yet. What are you looking for?", cart)
        for line in cart.lines:
            product = self.lookup(line.product_id)
            problem = (quantity_problem(product, line.quantity, 10**9) if product
                       else f"The {line.title} is no longer sold.")
            if problem:
                return _failed(f"{problem} Please change your cart before checkout.", cart)
        await self._tell(CartEvent("checkout", ctx.conversation_id, quantity=cart.count))
        items = "1 item" if cart.count == 1 else f"{cart.count} items"
        text = (f"Great! Your cart has {items} for {money(cart.total, cart.currency)}. "
                f"Check out securely on the shop's checkout: {cart.checkout_url}")
        return SkillResult(text, quick_replies=(VIEW_CART,), data={"cart": cart.to_dict(),
                                                                    "checkout_url": cart.checkout_url})

    async def _tell(self, event: CartEvent) -> None:
        for listener in self.listeners:
            await listener(event)


def _wanted(args: CartInput, current: int) -> int:
    """A line's new quantity: the one named, or the current one grown ("one more") or multiplied ("double it")."""
    if args.quantity is not None:
        return args.quantity
    return current * (args.factor or 1) + (args.more or 0)


def _item_text(item: CartItem) -> str:
    size = f" (size {item.size})" if item.size else ""
    return f"{item.quantity} × {item.title}{size}"


def _failed(text: str, cart: Cart | None = None) -> SkillResult:
    return SkillResult(text, data={"failed": True, **({"cart": cart.to_dict()} if cart is not None else {})})


def _size_in_force(slots: dict[str, Any], products: list[Product]) -> str | None:
    """The one size the shopper's request in force names ("running shoes, size 8"), where every product
    to add comes in it: a size already given is not asked again."""
    sizes = (slots.get("last_search") or {}).get("sizes") or ()
    if len(sizes) != 1 or not products or not all(size_in(sizes[0], p) for p in products if p.sizes):
        return None
    return sizes[0]
