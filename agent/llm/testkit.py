"""A chat model that tests, benchmarks and demos build themselves: no download, real loading code.

    path = build_chat_model(tmp_path / "tiny")            # a few million parameters, about a second
    # -> $ python -m agent.llm.testkit var/tiny-llm                # the same from a shell
    backend = LocalBackend(str(path))

The model is a randomly initialised Qwen2-shaped causal LM; the tokenizer is a byte-level BPE trained
on the fly on a small shopping corpus; the chat template is Hermes/Qwen-style markup with tools
(`agent/llm/chat_template.jinja`), each tool on one line as `name(arguments): description`, an argument's
description below it where the schema has one: a small model that learns from nothing must find the
shopper's words in that prompt, and a tool list written as JSON schemas is several times longer.
Weights are random, so what it says is noise, but every path a real model takes (chat template, left
padding, KV cache, adapters, constrained decoding) is exercised.
`shape="small"` is cheaper still, for tests that train it; `shape="qwen2-0.5b"` gives a model with the layer sizes of Qwen2-0.5B, whose compute per token equals
the real one's, for GPU throughput measurements.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

SPECIAL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")
MARKUP_TOKENS = ("<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>")
TEMPLATE_PATH = Path(__file__).with_name("chat_template.jinja")

SHAPES = {
    # "small": half the width and layers of "tiny", a third of its cost per step: fine-tuning tests
    "small": dict(hidden_size=128, intermediate_size=384, num_hidden_layers=2, num_attention_heads=4,
                  num_key_value_heads=2, max_position_embeddings=4096, tie_word_embeddings=True),
    "tiny": dict(hidden_size=256, intermediate_size=640, num_hidden_layers=4, num_attention_heads=4,
                 num_key_value_heads=2, max_position_embeddings=4096, tie_word_embeddings=True),
    "qwen2-0.5b": dict(hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14,
                       num_key_value_heads=2, max_position_embeddings=32768, tie_word_embeddings=True,
                       vocab_size=151936, rope_theta=1_000_000.0),
}

_CORPUS = [
    "show me red sneakers under 80 dollars", "a leather jacket for men", "wireless earbuds with noise cancelling",
    "Here are 6 red sneakers I found:", "I found no blue jeans. The closest are:", "Hi! I'm the shop assistant.",
    "What are you looking for?", "Thanks, goodbye!", "in stock", "out of stock", "price", "USD 79.99",
    '{"name": "search", "arguments": {"query": "sneakers", "colour": "red", "max_price": 80}}',
    '{"name": "smalltalk", "arguments": {"intent": "greet"}}', '{"type": "function", "function": {}}',
    "You are a helpful shop assistant.", "Call a function with its arguments.", "0123456789 .,:;!?-_/()[]{}\"'",
]


def build_tokenizer(vocab_size: int = 1024, corpus: Sequence[str] = ()):
    """A byte-level BPE tokenizer trained on a small corpus (plus `corpus`), with chat and tool markup
    tokens. Text the tokenizer was trained on takes a realistic number of tokens (a tool list, a shop's
    phrases), where otherwise it would be spelt out almost byte by byte."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=list(SPECIAL_TOKENS),
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(_CORPUS * 4 + list(corpus), trainer=trainer)
    wrapped = PreTrainedTokenizerFast(tokenizer_object=tokenizer, eos_token="<|im_end|>",
                                      pad_token="<|endoftext|>", padding_side="left")
    wrapped.add_tokens(list(MARKUP_TOKENS))
    wrapped.chat_template = TEMPLATE_PATH.read_text(encoding="utf-8")
    return wrapped


def build_chat_model(path: str | Path, shape: str = "tiny", seed: int = 0, dtype: str = "float32",
                     corpus: Sequence[str] = (), vocab_size: int = 1024) -> Path:
    """Write a random-init Qwen2-shaped model, its tokenizer and chat template to `path`; return it."""
    import torch
    from transformers import GenerationConfig, Qwen2Config, Qwen2ForCausalLM

    path = Path(path)
    tokenizer = build_tokenizer(vocab_size, corpus)
    sizes = dict(SHAPES[shape])
    vocab = sizes.pop("vocab_size", _round_up(len(tokenizer), 64))
    config = Qwen2Config(vocab_size=vocab, bos_token_id=None, eos_token_id=tokenizer.eos_token_id,
                         pad_token_id=tokenizer.pad_token_id, **sizes)
    torch.manual_seed(seed)
    model = Qwen2ForCausalLM(config).to(getattr(torch, dtype))
    model.generation_config = GenerationConfig(eos_token_id=tokenizer.eos_token_id,
                                               pad_token_id=tokenizer.pad_token_id, do_sample=False)
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    (path / "aisle-testkit.json").write_text(json.dumps({"shape": shape, "seed": seed}), encoding="utf-8")
    return path


def _round_up(n: int, multiple: int) -> int:
    return (n + multiple - 1) // multiple * multiple


def main(argv: list[str] | None = None) -> int:
    """`python -m agent.llm.testkit DIR [--shape tiny|qwen2-0.5b]`: write a test model to DIR."""
    import argparse

    parser = argparse.ArgumentParser(description="Write a random-init chat model with a trained tokenizer.")
    parser.add_argument("path")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="tiny")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(build_chat_model(args.path, args.shape, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


class ScriptedBackend:
    """An LLM backend that answers from a script, for tests of what uses an LLM (not of the LLM).

        llm = ScriptedBackend(["Two red picks for you.", ToolCall("search", {"colour": "red"})])
        (await llm.complete(request)).text
        # -> 'Two red picks for you.'

    Each request takes the next entry (the last one repeats): a string is the answer's text, a
    `ToolCall` a call, an exception is raised. `requests` keeps what was asked.
    """

    name = "scripted"

    def __init__(self, script: list):
        self.script = list(script)
        self.requests: list = []

    async def __aenter__(self) -> ScriptedBackend:
        return self

    async def __aexit__(self, *exc: object) -> None:
        pass

    async def complete(self, request):
        from agent.llm.types import Completion, ToolCall

        self.requests.append(request)
        entry = self.script[min(len(self.requests), len(self.script)) - 1]
        if isinstance(entry, BaseException):
            raise entry
        if isinstance(entry, ToolCall):
            return Completion(tool_calls=(entry,), finish_reason="tool_calls")
        return Completion(text=entry, raw=entry)

    async def stream(self, request):
        from agent.llm.types import Chunk

        completion = await self.complete(request)
        for word in completion.text.split(" "):
            yield Chunk(word + " ")
        yield Chunk("", completion.tool_calls, completion.finish_reason, completion)
