"""A SASRec-style sequential recommender: a small causal transformer over a shopper's item history.

Items are numbered 1..n_items (0 pads). Sequences are left-padded, so the last column is always the
most recent item, and positions count back from it: position embeddings mean "how long ago".
With `attributes` (each item's attribute ids, such as its brand and categories) an item's vector is
its own embedding plus the mean of its attributes' embeddings, in the input and in the output layer
alike: a rarely seen item borrows what its brand and category learned.

>>> model = SASRec(SASRecConfig(n_items=500))
>>> scores = model.score_next(torch.tensor([[0, 0, 17, 4, 9]]))   # (1, 501); column 0 is padding
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class SASRecConfig:
    n_items: int
    max_len: int = 50
    dim: int = 64
    layers: int = 2
    heads: int = 1
    dropout: float = 0.3
    n_attributes: int = 0  # attribute ids are 1..n_attributes; 0: items only
    attributes_per_item: int = 0  # the most attributes one item has

    def __post_init__(self) -> None:
        for name in ("n_items", "max_len", "dim", "layers", "heads"):
            if getattr(self, name) < 1:
                raise ValueError(f"SASRecConfig.{name} must be at least 1, got {getattr(self, name)}")
        if self.dim % self.heads:
            raise ValueError(f"SASRecConfig.dim ({self.dim}) must be divisible by heads ({self.heads})")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"SASRecConfig.dropout must be in [0, 1), got {self.dropout}")

    def to_dict(self) -> dict:
        return asdict(self)


class _Block(nn.Module):
    """Pre-norm self-attention and a position-wise feed-forward layer, each with a residual."""

    def __init__(self, config: SASRecConfig) -> None:
        super().__init__()
        self.heads = config.heads
        self.dropout = config.dropout
        self.norm1 = nn.LayerNorm(config.dim)
        self.qkv = nn.Linear(config.dim, 3 * config.dim)
        self.proj = nn.Linear(config.dim, config.dim)
        self.norm2 = nn.LayerNorm(config.dim)
        self.ff = nn.Sequential(nn.Linear(config.dim, config.dim), nn.GELU(), nn.Dropout(config.dropout),
                                nn.Linear(config.dim, config.dim))
        self.drop = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        batch, length, dim = x.shape
        q, k, v = self.qkv(self.norm1(x)).split(dim, dim=2)
        q, k, v = (t.view(batch, length, self.heads, dim // self.heads).transpose(1, 2) for t in (q, k, v))
        p = self.dropout if self.training else 0.0
        attended = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p)
        x = x + self.drop(self.proj(attended.transpose(1, 2).reshape(batch, length, dim)))
        return x + self.drop(self.ff(self.norm2(x)))


class SASRec(nn.Module):
    """Item embeddings (shared with the output layer), recency positions and causal blocks.

    `attributes` is (n_items + 1, attributes_per_item) attribute ids per item, 0 padding.
    """

    def __init__(self, config: SASRecConfig, attributes: torch.Tensor | None = None) -> None:
        super().__init__()
        self.config = config
        self.items = nn.Embedding(config.n_items + 1, config.dim, padding_idx=0)
        self.attrs = nn.Embedding(config.n_attributes + 1, config.dim, padding_idx=0) if config.n_attributes else None
        shape = (config.n_items + 1, config.attributes_per_item)
        self.register_buffer("item_attributes", torch.zeros(shape, dtype=torch.long) if attributes is None
                             else attributes.to(torch.long).reshape(shape))
        self.positions = nn.Embedding(config.max_len, config.dim)
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(_Block(config) for _ in range(config.layers))
        self.norm = nn.LayerNorm(config.dim)
        nn.init.normal_(self.items.weight, std=config.dim ** -0.5)
        nn.init.normal_(self.positions.weight, std=0.02)
        with torch.no_grad():
            self.items.weight[0].zero_()
            if self.attrs is not None:
                nn.init.normal_(self.attrs.weight, std=config.dim ** -0.5)
                self.attrs.weight[0].zero_()

    def item_table(self) -> torch.Tensor:
        """(n_items + 1, dim): every item's vector, its attributes' mean added; row 0 pads."""
        if self.attrs is None:
            return self.items.weight
        ids = self.item_attributes
        count = (ids > 0).sum(1, keepdim=True).clamp_min(1)
        return self.items.weight + self.attrs(ids).sum(1) / count

    def forward(self, seqs: torch.Tensor, table: torch.Tensor | None = None) -> torch.Tensor:
        """Hidden states (batch, length, dim) for left-padded item ids (batch, length).

        `table` is `item_table()` when the caller already computed it for this step.
        """
        table = self.item_table() if table is None else table
        length = seqs.shape[1]
        if length > self.config.max_len:
            seqs, length = seqs[:, -self.config.max_len:], self.config.max_len
        positions = torch.arange(self.config.max_len - length, self.config.max_len, device=seqs.device)
        real = seqs > 0
        x = F.embedding(seqs, table) * math.sqrt(self.config.dim) + self.positions(positions)
        x = self.drop(x) * real.unsqueeze(-1)
        mask = _attention_mask(real)
        for block in self.blocks:
            x = block(x, mask)
        return self.norm(x)

    def logits(self, hidden: torch.Tensor) -> torch.Tensor:
        """Scores of every item (…, n_items + 1) for hidden states (…, dim); column 0 is padding."""
        return hidden @ self.item_table().T

    @torch.no_grad()
    def score_next(self, seqs: torch.Tensor) -> torch.Tensor:
        """Scores of every item as the next one after each left-padded sequence (batch, n_items + 1)."""
        table = self.item_table()
        scores = self(seqs, table)[:, -1] @ table.T
        scores[:, 0] = float("-inf")
        return scores


def _attention_mask(real: torch.Tensor) -> torch.Tensor:
    """(batch, 1, length, length): a position sees itself and the real items before it."""
    length = real.shape[1]
    causal = torch.ones(length, length, dtype=torch.bool, device=real.device).tril()
    eye = torch.eye(length, dtype=torch.bool, device=real.device)
    return (causal & (real.unsqueeze(1) | eye)).unsqueeze(1)


def save_checkpoint(path, model: SASRec, item_ids: list[str], metrics: dict, train_config: dict,
                    blend: dict | None = None) -> None:
    """The weights with everything needed to use them again: config, item vocabulary, metrics, and the
    blend weights fitted with this model (`blend_fit.BlendFit.to_dict()`), when there are any."""
    torch.save({"model": model.state_dict(), "config": model.config.to_dict(), "item_ids": list(item_ids),
                "metrics": metrics, "train_config": train_config, "blend": blend}, path)


def load_checkpoint(path) -> tuple[SASRec, list[str], dict]:
    """The model (in eval mode), its item ids (row i + 1 is item_ids[i]) and the whole checkpoint."""
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    model = SASRec(SASRecConfig(**checkpoint["config"]))  # item_attributes come with the weights
    state = dict(checkpoint["model"])
    state.setdefault("item_attributes", model.item_attributes)  # checkpoints from before attributes
    model.load_state_dict(state)
    model.eval()
    return model, list(checkpoint["item_ids"]), checkpoint
