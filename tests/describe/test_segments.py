"""Segments made from shopper profiles over a real SQLite events store, and ad copy written for them."""
import json
import time

import pytest

from channels.cli.main import main
from knowledge.catalog_io import write_jsonl
from knowledge.product import Product
from skills.ads.audiences import SegmentBook, derive_segments, profiles_from_events, store_source
from skills.ads.copy import AdWriter
from skills.ads.placements import PLACEMENTS
from skills.ads.safety import BrandSafety
from skills.ads.skill import AdsInput, AdsSkill
from skills.base import SkillContext
from skills.describe.grounding import GroundingChecker
from skills.recommend.events import EventStore, parse_event
from skills.recommend.items import ItemTable

DAY = 86_400.0


def shoe(n, colour, brand, price, kind="sneakers"):
    return Product(id=f"shoe-{n}", title=f"{brand} {colour.title()} Road {kind.title()} {n}", brand=brand,
                   category="shoes", product_type=kind, price=price, colour=colour, material="mesh", gender="women",
                   sizes=("6", "7", "8"), stock=50)


def tee(n, colour, price):
    return Product(id=f"tee-{n}", title=f"Coastline {colour.title()} Crew Tee {n}", brand="Coastline",
                   category="apparel", product_type="t-shirt", price=price, colour=colour, material="cotton",
                   gender="men", sizes=("S", "M", "L"), stock=80)


PRODUCTS = (
    [shoe(n, "red", "Stride", 70 + n) for n in range(1, 6)]
    + [shoe(6, "blue", "Stride", 82), shoe(7, "black", "Northpeak", 160, "boots"), shoe(8, "white", "Stride", 90)]
    + [tee(n, "white", 20 + n) for n in range(1, 6)] + [tee(6, "green", 26)]
    + [Product(id="mug-1", title="Panterra Stoneware Mug", brand="Panterra", category="kitchen", product_type="mug",
               price=18, colour="blue", material="stoneware")]
)


def planted_events(now):
    """Six shoppers who look at and buy red Stride sneakers, six at white tees, two at a mug."""
    events = []
    for shopper in range(6):
        for step, item in enumerate(["shoe-1", "shoe-2", "shoe-3", "shoe-4", "shoe-5", "shoe-2"][shopper % 3:]):
            events.append({"type": "view", "item": item})
        events.append({"type": "purchase", "item": f"shoe-{1 + shopper % 5}"})
        events += [{"type": "view", "item": "tee-1"}]
        yield from _stamped(f"runner-{shopper}", events, now)
        events = []
    for shopper in range(6):
        events = [{"type": "view", "item": f"tee-{1 + (shopper + k) % 5}"} for k in range(5)]
        events.append({"type": "add_to_cart", "item": "tee-2"})
        yield from _stamped(f"tee-fan-{shopper}", events, now)
    for shopper in range(2):
        yield from _stamped(f"cook-{shopper}", [{"type": "view", "item": "mug-1"}] * 3, now)


def _stamped(user, events, now):
    for n, event in enumerate(events):
        yield parse_event({**event, "id": f"{user}-{n}", "user": user, "ts": now - DAY + n * 60}, now=now)


@pytest.fixture
def events_db(tmp_path):
    now = time.time()
    store = EventStore.open(tmp_path / "events.db")
    store.add(planted_events(now))
    yield store
    store.close()


@pytest.fixture
def items():
    return ItemTable(tuple(PRODUCTS))


@pytest.fixture
def writer():
    checker = GroundingChecker(brands={p.brand for p in PRODUCTS} | {"Acme"})
    return AdWriter(BrandSafety(checker, competitors=("Acme",)))


def test_segments_come_from_the_stored_profiles(events_db, items):
    segments = {s.name: s for s in derive_segments(profiles_from_events(events_db.all_events(), items), items,
                                                   min_size=5)}
    shoes, apparel = segments["shoes"], segments["apparel"]
    assert (shoes.size, apparel.size) == (6, 6)
    assert shoes.colours[0] == "red" and shoes.brands[0] == "Stride" and shoes.kinds[0] == "sneakers"
    assert shoes.gender == "women" and shoes.returning and "6 shoppers who mostly look at shoes" in shoes.summary
    assert apparel.colours == ("white",) and apparel.brands == ("Coastline",) and not apparel.returning
    assert "kitchen" not in segments  # two shoppers are not a segment of five
    assert shoes.price_band is not None and 70 <= shoes.price_band[0] <= shoes.price_band[1] <= 76


def test_the_book_reads_the_store_again_when_events_change(events_db, items):
    book = SegmentBook(store_source(events_db, items), min_size=5, refresh_seconds=0)
    assert "kitchen" not in book.profile_segments()
    now = time.time()
    events_db.add(e for n in range(2, 5) for e in _stamped(f"cook-{n}", [{"type": "view", "item": "mug-1"}] * 2, now))
    assert book.get("kitchen").size == 5
    with pytest.raises(ValueError, match="unknown segment 'golfers': choose from everyone, .*shoes"):
        book.get("golfers")


def test_copy_speaks_to_what_the_segment_likes_and_only_when_it_is_true(events_db, items, writer):
    book = SegmentBook(store_source(events_db, items), min_size=5)
    runners = book.get("shoes")
    red = writer.write(items.products[items.row("shoe-1")], "social", count=3, segment=runners)
    texts = [t for v in red.variants for t in v.fields.values()]
    assert red.variants[0].fields["headline"].startswith("Red")  # the colour they like comes first
    assert any("For Stride fans:" in t for t in texts) and "right in your usual range" in texts[0]
    blue = writer.write(items.products[items.row("shoe-6")], "social", count=3, segment=runners)
    boots = writer.write(items.products[items.row("shoe-7")], "social", count=3, segment=runners)
    for batch in (blue, boots):
        product = items.products[items.row(batch.product_id)]
        for variant in batch.variants:
            for text in variant.fields.values():
                assert "red" not in text.lower()  # the segment's taste is never put on the product
                assert writer.safety.problems(text, product) == [], text
    assert not any("Stride" in t for v in boots.variants for t in v.fields.values())


@pytest.mark.parametrize("placement", sorted(PLACEMENTS))
def test_segment_copy_stays_within_every_placement_limit(events_db, items, writer, placement):
    book = SegmentBook(store_source(events_db, items), min_size=5)
    for segment in book.profile_segments().values():
        for product in PRODUCTS:
            for variant in writer.write(product, placement, count=4, segment=segment).variants:
                for name, text in variant.fields.items():
                    assert 0 < len(text) <= PLACEMENTS[placement].limits[name], (name, text)


async def test_a_merchant_asks_for_ads_for_a_profile_segment(events_db, items, writer):
    skill = AdsSkill(writer, {p.id: p for p in PRODUCTS}.get, segments=SegmentBook(store_source(events_db, items)))
    merchant = SkillContext(conversation_id="shop", text="which segments are there?", role="merchant")
    listed = await skill.run(AdsInput(), merchant)
    assert "shoes: 6 shoppers who mostly look at shoes" in listed.text
    ask = SkillContext(conversation_id="shop", text="write 3 search ads for product shoe-1 for segment shoes", role="merchant")
    result = await skill.run(AdsInput(), ask)
    assert result.data["segment"] == "shoes" and result.data["audience"]["colours"][0] == "red"
    assert "Written for shoes: 6 shoppers" in result.text and len(result.data["variants"]) == 3
    unknown = await skill.run(AdsInput(), SkillContext(conversation_id="shop", text="write ads for shoe-1 for segment golfers", role="merchant"))
    assert "unknown segment 'golfers'" in unknown.text
    shopper = await skill.run(AdsInput(segment="shoes"), SkillContext(conversation_id="shop", text="write ads for shoe-1", role="shopper"))
    assert "shop's team" in shopper.text


def test_the_command_line_lists_segments_and_writes_ads_for_one(events_db, tmp_path, capsys):
    catalog = write_jsonl(PRODUCTS, tmp_path / "catalog.jsonl")
    config = ["--config", str(tmp_path / "none.yml")]
    events = ["--events", str(events_db.path)]
    out = tmp_path / "segments.json"
    assert main(config + ["generate", "segments", str(catalog), *events, "--out", str(out)]) == 0
    assert {s["name"] for s in json.loads(out.read_text())} >= {"shoes", "apparel"}
    ads = tmp_path / "ads.jsonl"
    args = config + ["generate", "ads", str(catalog), *events, "--product", "shoe-1,shoe-6", "--placement", "search",
                     "--segment", "shoes", "--out", str(ads)]
    assert main(args) == 0
    assert "segment shoes: 6 shoppers" in capsys.readouterr().out
    records = [json.loads(line) for line in ads.read_text().splitlines()]
    assert [r["id"] for r in records] == ["shoe-1", "shoe-6"] and {r["segment"] for r in records} == {"shoes"}
    assert all(v["lengths"]["headline"] <= 30 and v["lengths"]["description"] <= 90
               for r in records for v in r["variants"])
    assert main(args) == 0 and "0 products written, 2 already" in capsys.readouterr().out
    assert main(config + ["generate", "ads", str(catalog), *events, "--product", "shoe-1", "--segment", "golfers"]) != 0


def test_erased_shoppers_leave_their_segment(events_db, items):
    book = SegmentBook(store_source(events_db, items), min_size=5, refresh_seconds=0)
    assert book.get("shoes").size == 6
    events_db.erase("runner-0")
    assert book.get("shoes").size == 5
    events_db.erase("runner-1")
    assert "shoes" not in book.profile_segments()  # four shoppers are no longer a segment
