"""Contrastive fine-tuning of a sentence encoder on labelled examples, SetFit-style.

Each step draws a batch of (anchor, positive) pairs, one pair per intent and no intent twice, so
every other pair in the batch is a true negative. sentence-transformers' MultipleNegativesRankingLoss
pulls an anchor towards its positive and away from the other intents' examples, in both directions.
Afterwards utterances of one intent sit close together and a linear head separates them easily::

    model = SentenceTransformer(path)
    losses = finetune_encoder(model, texts, labels, ContrastiveConfig(steps=300))
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch
    from sentence_transformers import SentenceTransformer

    from training.nlu_checkpoints import EncoderCheckpoints


@dataclass(frozen=True)
class ContrastiveConfig:
    steps: int = 300  # 0: keep the encoder frozen
    batch_size: int = 32  # pairs per step; at most one pair per intent
    learning_rate: float = 5e-5
    warmup: float = 0.1  # share of the steps with a rising learning rate
    max_seq_length: int = 64  # tokens; intents are short, longer inputs are cut
    train_layers: int = 0  # top transformer layers to train; 0: all of them
    scale: float = 20.0  # inverse temperature of the ranking loss
    chunk: int = 16  # sentences per forward pass, grouped by length so little padding is computed
    seed: int = 0

    def __post_init__(self) -> None:
        if self.steps < 0:
            raise ValueError(f"steps must be 0 or more, got {self.steps}")
        if self.batch_size < 2:
            raise ValueError(f"batch_size must be at least 2, got {self.batch_size}")
        if not 0 <= self.warmup < 1:
            raise ValueError(f"warmup must be in [0, 1), got {self.warmup}")


def pair_batches(labels: Sequence[str], batch_size: int, seed: int = 0) -> Iterator[list[tuple[int, int]]]:
    """Endless batches of (anchor, positive) index pairs, distinct intents within a batch.

    Intents are drawn in proportion to their size, and each intent's examples are used in turn (a
    fresh shuffle per pass), so every example serves as anchor about equally often.
    """
    rng = np.random.default_rng(seed)
    by_label: dict[str, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        by_label[label].append(index)
    names = [name for name, members in by_label.items() if len(members) >= 2]
    if len(names) < 2:
        raise ValueError("contrastive fine-tuning needs at least two intents with two examples each")
    sizes = np.array([len(by_label[name]) for name in names], dtype=float)
    queues: dict[str, list[int]] = {name: [] for name in names}
    width = min(batch_size, len(names))
    while True:
        chosen = rng.choice(len(names), size=width, replace=False, p=sizes / sizes.sum())
        yield [_next_pair(by_label[names[c]], queues[names[c]], rng) for c in chosen]


def _next_pair(members: list[int], queue: list[int], rng: np.random.Generator) -> tuple[int, int]:
    if len(queue) < 2:
        queue[:] = list(rng.permutation(members)) + queue
    return queue.pop(), queue.pop()


def freeze_lower_layers(model: "SentenceTransformer", train_layers: int) -> None:
    """Train only the top `train_layers` transformer layers (0: all); the rest stay as they are."""
    if train_layers <= 0:
        return
    backbone = model[0].auto_model
    layers = backbone.encoder.layer
    for module in [backbone.embeddings, *layers[:max(0, len(layers) - train_layers)]]:
        for parameter in module.parameters():
            parameter.requires_grad = False


def finetune_encoder(model: "SentenceTransformer", texts: Sequence[str], labels: Sequence[str],
                     config: ContrastiveConfig, progress: bool = True,
                     on_step: Callable[[int, float], None] | None = None,
                     checkpoints: EncoderCheckpoints | None = None) -> list[float]:
    """Fine-tune `model` in place; returns the loss of every step. With `checkpoints`, training resumes
    from the latest one and saves new ones as it goes."""
    import torch
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    from tqdm import tqdm

    if config.steps == 0:
        return []
    torch.manual_seed(config.seed)
    model.max_seq_length = config.max_seq_length
    freeze_lower_layers(model, config.train_layers)
    loss_fn = MultipleNegativesRankingLoss(model, scale=config.scale, directions=("query_to_doc", "doc_to_query"))
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=config.learning_rate, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, _warmup_then_linear(config))
    batches = pair_batches(labels, config.batch_size, config.seed)
    losses: list[float] = checkpoints.resume(model, optimizer, schedule) if checkpoints else []
    for _ in losses:  # the batches the resumed steps drew
        next(batches)
    model.train()
    bar = tqdm(range(len(losses), config.steps), initial=len(losses), total=config.steps,
               desc="fine-tuning the encoder", unit="step", disable=not progress)
    for step in bar:
        pairs = next(batches)
        embeddings = embed_by_length(model, [texts[i] for pair in zip(*pairs) for i in pair], config.chunk)
        loss = loss_fn.compute_loss_from_embeddings(list(embeddings.chunk(2)), torch.empty(0))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(loss.item())
        bar.set_postfix(loss=f"{np.mean(losses[-20:]):.3f}")
        if checkpoints:
            checkpoints.after_step(model, optimizer, schedule, losses, config.steps)
        if on_step:
            on_step(step, losses[-1])
    model.eval()
    return losses


def embed_by_length(model: "SentenceTransformer", texts: Sequence[str], chunk: int) -> "torch.Tensor":
    """Sentence embeddings with gradients, in the order given.

    Utterances vary from 3 to 60 tokens; padding a whole batch to its longest wastes most of the
    compute on a CPU, so similar lengths go through the encoder together.
    """
    import torch

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    parts = [model(model.preprocess([texts[i] for i in order[start:start + chunk]]))["sentence_embedding"]
             for start in range(0, len(order), chunk)]
    inverse = torch.empty(len(order), dtype=torch.long)
    inverse[torch.tensor(order)] = torch.arange(len(order))
    return torch.cat(parts)[inverse]


def _warmup_then_linear(config: ContrastiveConfig) -> Callable[[int], float]:
    warm = max(1, math.ceil(config.warmup * config.steps))

    def factor(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        return max(0.0, (config.steps - step) / max(1, config.steps - warm))

    return factor
