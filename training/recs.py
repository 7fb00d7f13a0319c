"""Train the sequential recommender: a SASRec-style transformer over shoppers' item sequences.

    aisle train recs                                   # the shop's own events (events.db)
    aisle train recs --data ../shared/data/amazon_beauty/Beauty.txt --out var/recs/beauty.pt

It reads top to bottom: the config, the data (leave-one-out: the second-to-last item of each user
validates, the last one tests), the loop (full-softmax cross-entropy over every item, or sampled
negatives with binary cross-entropy, to compare), evaluation against all items after every epoch,
early stopping on validation NDCG@10, the served blend's weights fitted on validation items
(`training.recs_blend`), a refit that also learns from the validation items (`refit_epochs` more
epochs over every item but each user's last: the newest transitions matter most, and the test items
stay unseen), and a checkpoint that carries its config, metrics and blend.
Items' attributes (brand, category: a `<name>_item2attributes.json` beside a sequence file, the
catalog's fields for the shop's own events) are side information when there are any.

Precision: the all-items product runs in bfloat16 only on CPUs that compute it natively (AVX-512
BF16 or AMX); elsewhere bfloat16 is emulated and several times slower than float32, so `auto`
picks float32 there.
"""
from __future__ import annotations

import copy
import os
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable

import torch
import torch.nn.functional as F
from tqdm import tqdm

from agent.config import AisleConfig
from knowledge.catalog_io import load_catalog
from knowledge.product import Product
from skills.recommend.blend_fit import BlendFit
from skills.recommend.demo_events import demo_events
from skills.recommend.events import EventStore, interest
from skills.recommend.items import ItemTable
from skills.recommend.sasrec import SASRec, SASRecConfig, save_checkpoint
from training.recs_data import (
    SequenceDataError, Sequences, attribute_matrix, leave_one_out, pad_left, read_item_attributes, read_sequence_file,
    sequences_from_events, training_batches,
)
from training.recs_blend import fit_served_blend
from training.recs_eval import rank_all

LOSSES = ("ce", "ss", "bce")
ATTRIBUTES_SUFFIX = "_item2attributes.json"  # beside a sequence file: {item id: [attribute, ...]} (S3-Rec)
PRECISIONS = ("auto", "fp32", "bf16")
NATIVE_BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})


def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags as Linux reports them (empty where /proc/cpuinfo is absent)."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    return frozenset(word for line in text.splitlines() if line.startswith("flags")
                     for word in line.split(":", 1)[1].split())


def choose_precision(requested: str = "auto", flags: frozenset[str] | None = None) -> str:
    """fp32 or bf16: `auto` is bf16 only where the CPU has native bfloat16 arithmetic."""
    if requested not in PRECISIONS:
        raise ValueError(f"precision {requested!r} is not one of {', '.join(PRECISIONS)}")
    if requested != "auto":
        return requested
    return "bf16" if (cpu_flags() if flags is None else flags) & NATIVE_BF16_FLAGS else "fp32"


@dataclass(frozen=True)
class TrainRecsConfig:
    max_len: int = 50  # most recent items a prediction looks at
    dim: int = 64
    layers: int = 2
    heads: int = 1
    dropout: float = 0.3
    loss: str = field(default="ce", metadata={"choices": LOSSES})  # ce: softmax over ALL items; ss: sampled
    negatives: int = 1  # bce only: random negative items per positive
    shared_negatives: int = 2048  # ss only: random items per step that every position is scored against
    batch_size: int = 128  # sequences per step at most: small data gets smaller steps, 8 or more per epoch
    lr: float = 3e-3
    weight_decay: float = 0.0
    max_epochs: int = 200
    max_seconds: float = 1080.0  # the whole training, refit included, stops here even if validation still improves
    patience: int = 4  # evaluations without a better validation NDCG@10 before stopping
    eval_every: int = 1  # epochs between evaluations on the validation targets
    precision: str = field(default="auto", metadata={"choices": PRECISIONS})  # auto: bf16 only where native
    attributes: bool = True  # use the items' attributes as side information when the data has them
    blend_cases: int = 3000  # validation items the served blend's weights are fitted on; 0: keep the defaults
    refit_epochs: int = 2  # after early stopping, epochs that also learn from the validation items; 0: none
    threads: int = field(default_factory=lambda: os.cpu_count() or 1)
    seed: int = 0

    def __post_init__(self) -> None:
        if self.loss not in LOSSES:
            raise ValueError(f"loss {self.loss!r} is not one of {', '.join(LOSSES)}")
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision {self.precision!r} is not one of {', '.join(PRECISIONS)}")
        for name in ("max_len", "batch_size", "max_epochs", "negatives", "shared_negatives", "threads", "patience",
                     "eval_every"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("blend_cases", "refit_epochs"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 or more, got {getattr(self, name)}")

    def model_config(self, n_items: int, n_attributes: int = 0, per_item: int = 0) -> SASRecConfig:
        return SASRecConfig(n_items=n_items, max_len=self.max_len, dim=self.dim, layers=self.layers,
                            heads=self.heads, dropout=self.dropout, n_attributes=n_attributes,
                            attributes_per_item=per_item)


@dataclass
class TrainResult:
    model: SASRec
    metrics: dict
    seconds: float
    epochs: int
    blend: BlendFit | None = None  # the served blend's weights fitted with this model
    early_stopped: dict | None = None  # the weights before the refit (validation items unseen), when refitted


def train(config: TrainRecsConfig, data: Sequences, out: Path | None = None, progress: bool = True,
          log: Callable[[str], None] = print, items: ItemTable | None = None) -> TrainResult:
    """Train, stop early, fit the blend, refit; `items` is the catalog the blend is fitted over
    (default: one made from the items' attributes)."""
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    rng = random.Random(config.seed)
    split = leave_one_out(data.seqs)
    model = new_model(config, data)
    config = replace(config, precision=choose_precision(config.precision))
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    batch_size = min(config.batch_size, max(8, len(split.train) // 8))
    started, cpu_started = time.perf_counter(), time.process_time()
    best, best_state, stale, epoch = None, copy.deepcopy(model.state_dict()), 0, 0
    for epoch in range(1, config.max_epochs + 1):
        model.train()
        batches = tqdm(training_batches(split.train, batch_size, config.max_len, rng),
                       desc=f"epoch {epoch}", unit="batch", disable=not progress, leave=False)
        losses = _epoch(model, optimizer, batches, config, data.n_items, deadline=started + config.max_seconds)
        elapsed = time.perf_counter() - started
        out_of_time = elapsed * (1 + config.refit_epochs / epoch) >= config.max_seconds  # the refit's time kept
        if epoch % config.eval_every and not out_of_time and epoch < config.max_epochs:
            continue
        valid = evaluate(model, split.valid_history, split.valid_target, data.n_items)
        log(f"epoch {epoch}: loss {sum(losses) / max(len(losses), 1):.4f}, valid HR@10 {valid['hr10']:.4f} "
            f"NDCG@10 {valid['ndcg10']:.4f} ({elapsed:.0f} s)")
        if best is None or valid["ndcg10"] > best["ndcg10"]:
            best, best_state, stale = {**valid, "epoch": epoch}, copy.deepcopy(model.state_dict()), 0
        else:
            stale += 1
        if stale >= config.patience or out_of_time:
            break
    model.load_state_dict(best_state)
    test = evaluate(model, split.test_history, split.test_target, data.n_items)
    metrics = {"valid": best, "test": test, "epochs": epoch, "users": len(data.users), "items": data.n_items,
               "interactions": data.interactions, "precision": config.precision,
               "attributes": model.config.n_attributes}
    blend = _fitted_blend(model.eval(), data, split, config, items, log) if config.blend_cases else None
    early_stopped = None
    if config.refit_epochs:
        early_stopped = copy.deepcopy(model.state_dict())
        done = refit(model, data, config, rng, deadline=started + config.max_seconds)
        if done:
            metrics |= {"test_early_stopped": test, "refit_epochs": done,
                        "test": evaluate(model, split.test_history, split.test_target, data.n_items)}
            log(f"refit {_epochs(done)} with the validation items: test HR@10 {metrics['test']['hr10']:.4f} "
                f"(early-stopped model {test['hr10']:.4f})")
        else:
            early_stopped = None
            log("no time was left to refit with the validation items")
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    metrics |= {"train_seconds": round(seconds, 1), "cpu_seconds": round(cpu_seconds, 1)}
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        save_checkpoint(out, model, data.item_ids, metrics, asdict(config), blend.to_dict() if blend else None)
    return TrainResult(model.eval(), metrics, seconds, epoch, blend, early_stopped)


def _fitted_blend(model: SASRec, data: Sequences, split, config: TrainRecsConfig, items: ItemTable | None,
                  log: Callable[[str], None]) -> BlendFit | None:
    """The served blend's weights fitted on validation items; None (the defaults serve) if it cannot be."""
    try:
        blend = fit_served_blend(model, data, split, config.blend_cases, items, config.seed)
    except ValueError as exc:
        log(f"the blend keeps its default weights: {exc}")
        return None
    log(f"blend fitted on {blend.cases} validation items: {_weights_line(blend)}; validation NDCG@10 "
        f"{blend.valid['ndcg10']:.4f} (default weights {blend.default['ndcg10']:.4f})")
    return blend


def refit(model: SASRec, data: Sequences, config: TrainRecsConfig, rng: random.Random, deadline: float) -> int:
    """`config.refit_epochs` more epochs over every item but each user's last, with a fresh optimizer
    (the early-stopped weights are the start); returns the epochs run."""
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    every_but_last = [seq[:-1] if len(seq) >= 3 else list(seq) for seq in data.seqs]
    batch_size = min(config.batch_size, max(8, len(every_but_last) // 8))
    model.train()
    done = 0
    while done < config.refit_epochs and time.perf_counter() < deadline:
        _epoch(model, optimizer, training_batches(every_but_last, batch_size, config.max_len, rng), config,
               data.n_items, deadline)
        done += 1
    model.eval()
    return done


def _epochs(count: int) -> str:
    return f"{count} epoch" if count == 1 else f"{count} epochs"


def _weights_line(fit: BlendFit) -> str:
    return ", ".join(f"{name} {value:g}" for name, value in asdict(fit.weights).items())


def new_model(config: TrainRecsConfig, data: Sequences) -> SASRec:
    """A fresh model for `data`: with its items' attributes when it has any and `config.attributes`."""
    if not (config.attributes and data.attributes and any(data.attributes)):
        return SASRec(config.model_config(data.n_items))
    matrix, n_attributes = attribute_matrix(data.attributes)
    return SASRec(config.model_config(data.n_items, n_attributes, matrix.shape[1]), matrix)


def _epoch(model: SASRec, optimizer: torch.optim.Optimizer, batches, config: TrainRecsConfig, n_items: int,
           deadline: float) -> list[float]:
    """One pass over the batches, cut short when the time budget runs out."""
    losses = []
    for inputs, targets in batches:
        losses.append(_step(model, optimizer, inputs, targets, config, n_items))
        if time.perf_counter() >= deadline:
            break
    return losses


def _step(model: SASRec, optimizer: torch.optim.Optimizer, inputs: torch.Tensor, targets: torch.Tensor,
          config: TrainRecsConfig, n_items: int) -> float:
    table = model.item_table()
    hidden = model(inputs, table)[targets > 0]
    wanted = targets[targets > 0]
    if config.loss == "ce":
        loss = F.cross_entropy(_all_item_logits(table, hidden, config.precision == "bf16"), wanted - 1)
    elif config.loss == "ss":
        loss = _sampled_softmax(table, hidden, wanted, config.shared_negatives, n_items)
    else:
        loss = _sampled_bce(table, hidden, wanted, config.negatives, n_items)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss.item()


def _all_item_logits(table: torch.Tensor, hidden: torch.Tensor, bf16: bool) -> torch.Tensor:
    """(positions, n_items) scores of every real item: the full softmax's input."""
    weights = table[1:]
    if not bf16:
        return hidden @ weights.T
    return (hidden.to(torch.bfloat16) @ weights.to(torch.bfloat16).T).float()


def _sampled_softmax(table: torch.Tensor, hidden: torch.Tensor, wanted: torch.Tensor, negatives: int,
                     n_items: int) -> torch.Tensor:
    """Softmax over the next item and `negatives` items drawn uniformly, shared by every position.

    Uniform draws need no sampling correction; a drawn item that is the position's own next item
    is masked out rather than counted as a negative.
    """
    if negatives >= n_items:
        return F.cross_entropy(hidden @ table[1:].T, wanted - 1)
    drawn = torch.randint(1, n_items + 1, (negatives,))
    positive = (hidden * table[wanted]).sum(-1, keepdim=True)
    negative = (hidden @ table[drawn].T).masked_fill(wanted[:, None] == drawn[None, :], float("-inf"))
    logits = torch.cat([positive, negative], dim=1)
    return F.cross_entropy(logits, torch.zeros(len(wanted), dtype=torch.long))


def _sampled_bce(table: torch.Tensor, hidden: torch.Tensor, wanted: torch.Tensor, negatives: int,
                 n_items: int) -> torch.Tensor:
    """SASRec's original objective: the next item against `negatives` uniformly drawn items."""
    drawn = torch.randint(1, n_items + 1, (len(wanted), negatives))
    positive = (hidden * table[wanted]).sum(-1)
    negative = (hidden.unsqueeze(1) * table[drawn]).sum(-1)
    return (F.softplus(-positive).mean() + F.softplus(negative).sum(1).mean())


def evaluate(model: SASRec, histories: list[list[int]], targets: list[int], n_items: int) -> dict[str, float]:
    model.eval()
    def scorer(chunk: list[list[int]]) -> torch.Tensor:
        return model.score_next(pad_left(chunk, min(model.config.max_len, max(map(len, chunk)))))

    metrics = rank_all(scorer, histories, targets, n_items)
    model.train()
    return metrics


def shop_sequences(events_path: Path, products: Sequence[Product], demo_shoppers: int = 0) -> Sequences:
    """Item sequences from the shop's stored events (views, clicks, carts, purchases, good ratings).

    With `demo_shoppers` the demo catalog's invented shoppers are included, as the server counts them.
    Each product's brand, category and kind are its attributes. Impressions (cards merely shown) are
    not interest and are left out.
    """
    seeded = demo_events(products, shoppers=demo_shoppers, now=time.time()) if demo_shoppers else []
    store = EventStore.open(events_path)
    try:
        events = sorted([*seeded, *store.all_events()], key=lambda e: e.ts)
    finally:
        store.close()
    known = {p.id for p in products} or None
    data = sequences_from_events(((e.user, e.item) for e in events if e.item and interest(e) > 0), known)
    by_id = {p.id: p for p in products}
    return replace(data, attributes=[_catalog_attributes(by_id.get(item)) for item in data.item_ids])


def _catalog_attributes(product: Product | None) -> tuple[str, ...]:
    if product is None:
        return ()
    values = (("brand", product.brand), ("category", product.category), ("kind", product.product_type))
    return tuple(f"{name}:{value.lower()}" for name, value in values if value)


def read_data_file(path: Path) -> Sequences:
    """A `user item item ...` file, with `<name>_item2attributes.json` beside it when there is one."""
    data = read_sequence_file(path)
    attributes = path.with_name(path.stem + ATTRIBUTES_SUFFIX)
    return read_item_attributes(attributes, data) if attributes.is_file() else data


def train_shop_model(config: AisleConfig, data_file: str | None = None, out: str | None = None,
                     max_minutes: float | None = None, loss: str | None = None,
                     precision: str | None = None) -> str:
    """`aisle train recs`: train on a sequence file, or on the shop's events; returns the summary."""
    items = None  # a sequence file: the blend is fitted over a catalog made from its attributes
    if data_file:
        data = read_data_file(Path(data_file))
    else:
        if not config.catalog_path.exists():
            raise SequenceDataError(f"no catalog at {config.catalog_path}: run `aisle index` (or `aisle serve`) first")
        products = load_catalog(config.catalog_path, config.catalog.format, config.catalog.columns).products
        demo = 0 if config.catalog.path else config.recommend.demo_shoppers
        data = shop_sequences(config.events_path, products, demo)
        items = ItemTable(tuple(products))  # the shop's catalog; content is the search index's, not fitted here
    if sum(len(seq) >= 3 for seq in data.seqs) < 2:
        raise SequenceDataError("too little history to train on: fewer than 2 shoppers with 3 or more products")
    overrides = {"max_seconds": max_minutes * 60} if max_minutes else {}
    overrides |= {"loss": loss} if loss else {}
    overrides |= {"precision": precision} if precision else {}
    train_config = replace(TrainRecsConfig(), **overrides)
    target = Path(out) if out else config.recs_model_path
    return summary(train(train_config, data, target, items=items), target)


def summary(result: TrainResult, out: Path | None) -> str:
    m = result.metrics
    lines = [f"trained on {m['users']} shoppers, {m['items']} products, {m['interactions']} interactions "
             f"in {m['train_seconds']:.0f} s ({_epochs(m['epochs'])})",
             f"validation HR@10 {m['valid']['hr10']:.4f} NDCG@10 {m['valid']['ndcg10']:.4f}; "
             f"test HR@10 {m['test']['hr10']:.4f} NDCG@10 {m['test']['ndcg10']:.4f} (ranked against all items)"]
    if "test_early_stopped" in m:
        lines.append(f"refitted {_epochs(m['refit_epochs'])} with the validation products as targets too "
                     f"(test HR@10 before the refit {m['test_early_stopped']['hr10']:.4f})")
    if result.blend is not None:
        lines.append(f"served blend fitted on {result.blend.cases} validation products: {_weights_line(result.blend)}")
    if out is not None:
        lines.append(f"wrote {out}; the server uses it (and its blend) from its next start")
    return "\n".join(lines)
