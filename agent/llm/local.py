"""A Hugging Face causal LM served in-process: dynamic batching, streaming, LoRA adapters, constraints.

    async with LocalBackend("path/or/hub-id", adapters={"shop": "adapters/shop"}, max_batch=32) as llm:
        completion = await llm.complete(ChatRequest(messages, tools=tools, tool_choice="required"))
        async for chunk in llm.stream(ChatRequest(messages, adapter="shop")):
            print(chunk.text, end="")

The device is CUDA when there is one, else the CPU (`device="auto"`); weights are bf16 on a GPU
that supports it, float32 on a CPU (`dtype="auto"`). Prompts are rendered with the model's own chat
template, tools included (shown the way the model or adapter was fine-tuned to see them,
`agent/llm/tool_prompt.py`), and left-padded for batching. One worker thread owns the model; requests
from all conversations queue for it and are decoded together (`agent/llm/batching.py`).
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from agent.llm.batching import Batcher, Finished, Job
from agent.llm.tool_prompt import read_tool_prompt, shown_tools
from agent.llm.toolcalls import StreamSplitter
from agent.llm.types import ChatRequest, Chunk, Completion, LLMError, LLMTimeout

log = logging.getLogger(__name__)

BASE = "__base__"  # peft's name for "no adapter" in a mixed batch


def pick_device(device: str = "auto") -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def pick_dtype(dtype: str, device: str) -> Any:
    import torch

    if dtype != "auto":
        return getattr(torch, dtype)
    if device.startswith("cuda"):
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.float32


class LocalBackend:
    """Serves one causal LM (and its adapters) to every conversation of the process."""

    name = "local"

    def __init__(self, model: str, adapters: Mapping[str, str] | None = None, *, device: str = "auto",
                 dtype: str = "auto", max_batch: int = 8, batch_wait_ms: float = 5.0, timeout_s: float = 30.0,
                 constrained: bool = True, cpu_threads: int = 0):
        self.model_name = model
        self.cpu_threads = cpu_threads
        self.adapter_paths = dict(adapters or {})
        self.device = pick_device(device)
        self.dtype_name = dtype
        self.timeout_s = timeout_s
        self.constrained = constrained
        self.batcher = Batcher(self._decode, max_batch=max_batch, wait_ms=batch_wait_ms)
        self._model_lock = threading.Lock()  # adapters change only between batches
        self.model: Any = None
        self.tokenizer: Any = None
        self.grammars: Any = None
        self.tool_prompts: dict[str, str] = {}  # model or adapter -> how its prompts show tools

    # lifecycle -----------------------------------------------------------------------------------
    async def __aenter__(self) -> LocalBackend:
        if self.model is None:
            await asyncio.to_thread(self.load)
        self.batcher.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.to_thread(self.batcher.stop)

    def load(self) -> None:
        """Load the tokenizer, the model on its device, and the configured adapters (blocking)."""
        from transformers import AutoModelForCausalLM, AutoTokenizer

        started = time.perf_counter()
        if self.cpu_threads and self.device == "cpu":
            import torch
            torch.set_num_threads(self.cpu_threads)
        try:
            tokenizer = AutoTokenizer.from_pretrained(self.model_name)
            model = AutoModelForCausalLM.from_pretrained(self.model_name, dtype=pick_dtype(self.dtype_name, self.device))
        except (OSError, ValueError) as exc:
            raise LLMError(f"cannot load the model {self.model_name!r}: {exc}") from exc
        tokenizer.padding_side = "left"
        if tokenizer.pad_token_id is None:
            tokenizer.pad_token = tokenizer.eos_token
        self.tokenizer, self.model = tokenizer, model.to(self.device).eval()
        self.eos_ids = _eos_ids(tokenizer, model)
        self.tool_prompts[BASE] = read_tool_prompt(self.model_name)
        for name, path in self.adapter_paths.items():
            self._load_adapter(name, path)
        if self.constrained:
            from agent.llm.constrain import Grammars
            self.grammars = Grammars(tokenizer, model.config.vocab_size, sorted(self.eos_ids))
        log.info("loaded %s on %s (%s) in %.1fs", self.model_name, self.device, model.dtype,
                 time.perf_counter() - started)

    def with_batching(self, max_batch: int, batch_wait_ms: float) -> LocalBackend:
        """Another front on the same loaded model, batching differently (benchmarks compare them).

        The fronts share the weights: load adapters before making fronts (peft changes the layers in place).
        """
        other = LocalBackend(self.model_name, device=self.device, dtype=self.dtype_name, max_batch=max_batch,
                             batch_wait_ms=batch_wait_ms, timeout_s=self.timeout_s, constrained=self.constrained)
        other.model, other.tokenizer, other.grammars, other.eos_ids = self.model, self.tokenizer, self.grammars, self.eos_ids
        other._model_lock = self._model_lock
        other.tool_prompts = self.tool_prompts
        return other

    # adapters --------------------------------------------------------------------------------------
    @property
    def adapters(self) -> list[str]:
        config = getattr(self.model, "peft_config", None)
        return sorted(config) if config else []

    async def load_adapter(self, name: str, path: str) -> None:
        await asyncio.to_thread(self._load_adapter, name, path)

    async def unload_adapter(self, name: str) -> None:
        await asyncio.to_thread(self._unload_adapter, name)

    def _load_adapter(self, name: str, path: str) -> None:
        from peft import PeftModel

        with self._model_lock:
            if name in self.adapters:
                raise LLMError(f"an adapter named {name!r} is already loaded")
            if self.adapters:
                self.model.load_adapter(path, adapter_name=name)
            else:
                self.model = PeftModel.from_pretrained(self.model, path, adapter_name=name).eval()
            self.adapter_paths[name] = path
            self.tool_prompts[name] = read_tool_prompt(path)

    def _unload_adapter(self, name: str) -> None:
        with self._model_lock:
            if name not in self.adapters:
                raise LLMError(f"no adapter named {name!r}; loaded: {', '.join(self.adapters) or 'none'}")
            if self.adapters == [name]:
                self.model = self.model.unload()  # back to the plain model, LoRA layers removed
            else:
                self.model.set_adapter(next(a for a in self.adapters if a != name))  # never delete the active one
                self.model.delete_adapter(name)
            self.adapter_paths.pop(name, None)
            self.tool_prompts.pop(name, None)

    # requests --------------------------------------------------------------------------------------
    async def complete(self, request: ChatRequest) -> Completion:
        async for chunk in self.stream(request):
            if chunk.completion is not None:
                return chunk.completion
        raise LLMError("generation ended without an answer")  # pragma: no cover - stream always ends so

    async def stream(self, request: ChatRequest) -> AsyncIterator[Chunk]:
        job = self._job(request)
        timeout = request.timeout_s or self.timeout_s
        deadline = time.monotonic() + timeout
        job.deadline = deadline
        names = [t["function"]["name"] for t in request.tools]
        splitter = StreamSplitter(bool(request.tools) and request.tool_choice != "none", names)
        self.batcher.submit(job)
        try:
            while True:
                try:
                    event = await asyncio.wait_for(job.events.get(), max(0.0, deadline - time.monotonic()))
                except TimeoutError:
                    raise LLMTimeout(f"no answer from {self.model_name} within {timeout:g}s") from None
                if isinstance(event, str):
                    if text := splitter.feed(event):
                        yield Chunk(text)
                    continue
                if isinstance(event, BaseException):
                    raise LLMError(f"generation failed: {event}") from event
                yield self._last_chunk(event, splitter)
                return
        finally:
            job.cancelled.set()  # a caller that stops listening frees its row in the batch

    def _last_chunk(self, finished: Finished, splitter: StreamSplitter) -> Chunk:
        if finished.reason == "timeout":
            raise LLMTimeout(f"no complete answer from {self.model_name} within the timeout")
        rest, parsed = splitter.finish()
        reason = "tool_calls" if parsed.calls else ("length" if finished.reason == "length" else "stop")
        completion = Completion(parsed.content, tuple(parsed.calls), reason, finished.prompt_tokens,
                                finished.completion_tokens, raw=splitter.raw)
        return Chunk(rest, completion.tool_calls, reason, completion)

    def _job(self, request: ChatRequest) -> Job:
        if self.model is None:
            raise LLMError("the local model is not loaded: use `async with LocalBackend(...)`")
        if request.adapter and request.adapter not in self.adapters:
            raise LLMError(f"no adapter named {request.adapter!r}; loaded: {', '.join(self.adapters) or 'none'}")
        prompt = self.prompt_ids(request.messages, request.tools if request.tool_choice != "none" else [],
                                 request.adapter)
        return Job(request, prompt, asyncio.get_running_loop(), matcher=self._matcher(request))

    def prompt_ids(self, messages: Sequence[dict], tools: Sequence[dict] = (), adapter: str | None = None) -> list[int]:
        """The prompt's tokens, its tools shown the way the model (or the adapter) was fine-tuned to see them
        (`agent/llm/tool_prompt.py`); the full schemas still constrain and validate the answer."""
        tools = shown_tools(tools, self.tool_prompts.get(adapter or BASE, "full"))
        text = self.tokenizer.apply_chat_template(list(messages), tools=list(tools) or None,
                                                  add_generation_prompt=True, tokenize=False)
        return self.tokenizer(text, add_special_tokens=False)["input_ids"]

    def _matcher(self, request: ChatRequest) -> Any:
        if not self.constrained:
            return None
        schema = request.json_schema
        choice = request.tool_choice
        if schema is None and (not request.tools or choice in ("auto", "none")):
            return None
        if schema is not None:
            return self.grammars.matcher(self.grammars.for_schema(schema))
        return self.grammars.matcher(self.grammars.for_tools(request.tools, None if choice == "required" else choice))

    def _decode(self, jobs: Sequence[Job]) -> None:
        from agent.llm.decoding import decode_batch

        with self._model_lock:
            adapter_names = [j.request.adapter or BASE for j in jobs] if self.adapters else None
            decode_batch(self.model, self.tokenizer, jobs, eos_ids=self.eos_ids, pad_id=self.tokenizer.pad_token_id,
                         generation_config=self.model.generation_config, adapter_names=adapter_names)


def _eos_ids(tokenizer: Any, model: Any) -> set[int]:
    ids = {tokenizer.eos_token_id}
    configured = getattr(model.generation_config, "eos_token_id", None)
    ids |= set(configured if isinstance(configured, list) else [configured])
    for token in ("<|im_end|>", "<|eot_id|>", "<|endoftext|>"):
        token_id = tokenizer.convert_tokens_to_ids(token)
        if isinstance(token_id, int) and token_id != tokenizer.unk_token_id:
            ids.add(token_id)
    return {i for i in ids if i is not None}
