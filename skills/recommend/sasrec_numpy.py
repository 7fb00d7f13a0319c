"""The SASRec forward pass in NumPy, for serving one shopper at a time.

A request scores one short sequence: a handful of small matrix products. In torch those go
through its thread pool, and on a busy machine waiting for that pool costs far more than the
arithmetic; here they run on the calling thread. The weights are the trained model's; a test
checks the scores match torch's::

    fast = NumpySASRec.from_torch(model)
    fast.score_next([17, 4, 9])        # (n_items + 1,), column 0 (padding) is -inf
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import erf

from skills.recommend.sasrec import SASRec


@dataclass(frozen=True)
class _Layer:
    norm1: tuple[np.ndarray, np.ndarray]
    qkv: tuple[np.ndarray, np.ndarray]
    proj: tuple[np.ndarray, np.ndarray]
    norm2: tuple[np.ndarray, np.ndarray]
    ff1: tuple[np.ndarray, np.ndarray]
    ff2: tuple[np.ndarray, np.ndarray]


class NumpySASRec:
    def __init__(self, items: np.ndarray, positions: np.ndarray, layers: list[_Layer],
                 norm: tuple[np.ndarray, np.ndarray], heads: int) -> None:
        self.items, self.positions, self.layers, self.norm, self.heads = items, positions, layers, norm, heads
        self.max_len, self.dim = positions.shape[0], items.shape[1]

    @classmethod
    def from_torch(cls, model: SASRec) -> NumpySASRec:
        state = {name: value.detach().float().numpy().copy() for name, value in model.state_dict().items()}

        def pair(prefix: str) -> tuple[np.ndarray, np.ndarray]:
            return state[f"{prefix}.weight"], state[f"{prefix}.bias"]

        layers = [_Layer(pair(f"blocks.{i}.norm1"), pair(f"blocks.{i}.qkv"), pair(f"blocks.{i}.proj"),
                         pair(f"blocks.{i}.norm2"), pair(f"blocks.{i}.ff.0"), pair(f"blocks.{i}.ff.3"))
                  for i in range(model.config.layers)]
        items = model.item_table().detach().float().numpy().copy()
        return cls(items, state["positions.weight"], layers, pair("norm"), model.config.heads)

    def hidden(self, seq: Sequence[int]) -> np.ndarray:
        """The last position's hidden state (dim,) for one sequence of item numbers, oldest first."""
        ids = np.asarray([i for i in seq if i > 0][-self.max_len:], dtype=np.int64)
        length = len(ids)
        x = self.items[ids] * math.sqrt(self.dim) + self.positions[self.max_len - length:]
        causal = np.triu(np.full((length, length), -np.inf, dtype=np.float32), k=1)
        for layer in self.layers:
            x = x + _linear(self._attend(_layer_norm(x, layer.norm1), layer, causal), layer.proj)
            x = x + _linear(_gelu(_linear(_layer_norm(x, layer.norm2), layer.ff1)), layer.ff2)
        return _layer_norm(x[-1:], self.norm)[0]

    def score_next(self, seq: Sequence[int]) -> np.ndarray:
        """Scores of every item as the next one; column 0 (padding) is -inf."""
        if not any(i > 0 for i in seq):
            raise ValueError("the sequence holds no item")
        scores = self.items @ self.hidden(seq)
        scores[0] = -np.inf
        return scores

    def _attend(self, x: np.ndarray, layer: _Layer, causal: np.ndarray) -> np.ndarray:
        length = x.shape[0]
        size = self.dim // self.heads
        q, k, v = np.split(_linear(x, layer.qkv), 3, axis=1)
        q, k, v = (t.reshape(length, self.heads, size).transpose(1, 0, 2) for t in (q, k, v))
        weights = q @ k.transpose(0, 2, 1) / math.sqrt(size) + causal
        weights = np.exp(weights - weights.max(axis=-1, keepdims=True))
        weights /= weights.sum(axis=-1, keepdims=True)
        return (weights @ v).transpose(1, 0, 2).reshape(length, self.dim)


def _linear(x: np.ndarray, params: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    weight, bias = params
    return x @ weight.T + bias


def _layer_norm(x: np.ndarray, params: tuple[np.ndarray, np.ndarray], eps: float = 1e-5) -> np.ndarray:
    weight, bias = params
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """The exact (erf) GELU that torch's nn.GELU computes."""
    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))
