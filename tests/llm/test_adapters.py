"""LoRA adapters on the local backend: they change answers, are chosen per request (mixed in one
batch), and unload back to the plain model."""
import asyncio

import pytest

from agent.llm.local import LocalBackend
from agent.llm.types import ChatRequest
from tests.llm.conftest import user

QUESTION = ChatRequest(user("show me red sneakers under 80"), max_tokens=12, ignore_eos=True)


def make_adapter(model_path, out, seed):
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(seed)
    base = AutoModelForCausalLM.from_pretrained(model_path)
    config = LoraConfig(r=8, lora_alpha=32, target_modules=["q_proj", "v_proj", "down_proj"], init_lora_weights=False)
    get_peft_model(base, config).save_pretrained(out)
    return str(out)


@pytest.fixture(scope="module")
def adapter_paths(tiny_model_path, tmp_path_factory):
    root = tmp_path_factory.mktemp("adapters")
    return {name: make_adapter(tiny_model_path, root / name, seed) for name, seed in (("shop", 1), ("formal", 2))}


def ask(llm, adapter=None):
    return llm.complete(ChatRequest(QUESTION.messages, max_tokens=12, ignore_eos=True, adapter=adapter))


async def test_adapters_change_answers_per_request_and_unload_cleanly(loaded_backend, tiny_model_path, adapter_paths):
    async with loaded_backend as plain:
        base = (await ask(plain)).raw
    backend = LocalBackend(str(tiny_model_path), adapters={"shop": adapter_paths["shop"]}, max_batch=8,
                           batch_wait_ms=50)
    async with backend as llm:
        await llm.load_adapter("formal", adapter_paths["formal"])
        assert llm.adapters == ["formal", "shop"]
        alone = {name: (await ask(llm, name)).raw for name in (None, "shop", "formal")}
        mixed = await asyncio.gather(*(ask(llm, name) for name in (None, "shop", "formal")))
        assert max(backend.batcher.batch_sizes) == 3  # one batch, three different adapters
        assert [c.raw for c in mixed] == [alone[None], alone["shop"], alone["formal"]]
        assert alone[None] == base
        assert len({alone["shop"], alone["formal"], base}) == 3

        await llm.unload_adapter("shop")
        await llm.unload_adapter("formal")
        assert llm.adapters == []
        assert not any("lora" in name for name, _ in llm.model.named_modules())
        assert (await ask(llm)).raw == base
