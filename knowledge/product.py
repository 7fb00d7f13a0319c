"""The product: the one catalog record every layer shares."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

LOW_STOCK = 5  # under this many left, cards and answers say "only N left"


@dataclass(frozen=True, slots=True)
class Product:
    """One sellable item.

        Product(id="sku-1", title="Trail Runner", category="shoes", price=79.0, colour="red")
    """

    id: str
    title: str
    description: str = ""
    brand: str = ""
    category: str = ""
    product_type: str = ""
    price: float = 0.0
    currency: str = "USD"
    colour: str = ""
    sizes: tuple[str, ...] = ()
    material: str = ""
    gender: str = ""
    image: str = ""
    url: str = ""
    stock: int = 0
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def availability(self) -> str:
        """"out of stock", "only 3 left" or "in stock": what every card and answer says about stock."""
        if self.stock <= 0:
            return "out of stock"
        return f"only {self.stock} left" if self.stock < LOW_STOCK else "in stock"

    def text_for_embedding(self) -> str:
        """The text the embedder sees: what a shopper would type to find this product."""
        parts = [self.title, self.colour, self.product_type, self.category, self.brand, self.material, self.gender]
        return " ".join(p for p in parts if p)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["sizes"] = list(self.sizes)
        return data
