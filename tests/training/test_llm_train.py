"""Fine-tuning the dialog LLM on the tiny test model: the shared-prefix loss is exact, training resumes
where it stopped, and what it writes is served (an adapter by `llm.adapters`, a whole model by
`llm.model`), its tool calls running the shop's real skills."""
import asyncio
import json

import pytest

from agent.config import LLMConfig
from agent.llm.router import SYSTEM_PROMPT
from agent.llm.setup import llm_backend
from agent.llm.testkit import build_chat_model, build_tokenizer
from agent.llm.tool_prompt import read_tool_prompt, shown_tools
from agent.llm.types import ChatRequest
from agent.nlu.nlu_data import read_nlu_data
from skills.base import SkillContext
from tests.training.llm_kit import open_shop, subset
from training.chat_data import write_chat_jsonl
from training.llm import LLMTrainConfig, train
from training.llm_data import batch_loss, collate, render, tokenize_records
from training.llm_eval import greedy, stop_ids
from training.synthetic import SyntheticConfig, generate_dialogs

TOOLS = ("search", "smalltalk", "handoff", "order_status")
STEPS = 450


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Two threads on a busy two-core machine spin against each other; one is faster and steadier."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def shop(demo_catalog_path, minilm, tmp_path_factory):
    shop = open_shop(demo_catalog_path, minilm, tmp_path_factory.mktemp("shop"))
    yield shop
    asyncio.run(shop.orders.close())


@pytest.fixture(scope="module")
def tools(shop):
    return subset(shop.registry, TOOLS).tool_schemas()


@pytest.fixture(scope="module")
def dialogs(shop, tools):
    return generate_dialogs(shop.products, tools, read_nlu_data("agent/defaults/nlu.yml"),
                            SyntheticConfig(conversations=1200, max_turns=1, per_result=1, seed=0))


@pytest.fixture(scope="module")
def shop_model(dialogs, tmp_path_factory):
    """The tiny random model, its tokenizer also trained on the shop's prompts as fine-tuning shows them (as a
    real one would be)."""
    template = build_tokenizer()
    corpus = [render(template, r["messages"], shown_tools(r["tools"], "compact")) for r in dialogs[:200]]
    return build_chat_model(tmp_path_factory.mktemp("llm") / "shop-small", shape="small", corpus=corpus,
                            vocab_size=2048)


def test_the_shared_prefix_gives_the_same_loss_gradients_and_answers(shop_model, dialogs):
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(shop_model)
    torch.manual_seed(0)
    model = get_peft_model(AutoModelForCausalLM.from_pretrained(shop_model),
                           LoraConfig(r=8, lora_alpha=16, target_modules="all-linear", init_lora_weights=False))
    examples, _ = tokenize_records(tokenizer, dialogs[:3], max_length=4096)
    batch = collate(examples, tokenizer.pad_token_id)
    runs = []
    for share in (False, True):
        model.zero_grad()
        loss, learned = batch_loss(model, batch, share_prefix=share)
        (loss / learned).backward()
        runs.append((float(loss.detach()), learned, [p.grad.clone() for p in model.parameters() if p.requires_grad]))
    assert runs[0][1] == runs[1][1] and runs[0][0] == pytest.approx(runs[1][0], rel=1e-5)
    assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(runs[0][2], runs[1][2]))

    prompts = [tokenizer(render(tokenizer, r["messages"][:2], r["tools"], generation=True),
                         add_special_tokens=False)["input_ids"] for r in dialogs[:3]]
    model.eval()
    stops = stop_ids(tokenizer, model)
    together = greedy(model, prompts, set(stops), max_new_tokens=8)
    alone = [_until(model.generate(torch.tensor([p]), max_new_tokens=8, do_sample=False,
                                   eos_token_id=stops)[0, len(p):].tolist(), stops) for p in prompts]
    assert together == alone and any(together)


def _until(tokens, stops):
    return tokens[:next((i for i, t in enumerate(tokens) if t in stops), len(tokens))]


async def test_training_resumes_from_its_last_checkpoint_and_the_adapter_serves(shop, tools, shop_model, dialogs,
                                                                                  tmp_path):
    data = tmp_path / "dialogs.jsonl"
    write_chat_jsonl(data, dialogs[:60])
    settings = dict(base=str(shop_model), data=str(data), batch_size=4, grad_accum=2, learning_rate=1e-3,
                    eval_calls=2, max_new_tokens=8, save_every=1, progress=False, seed=1)
    stopped = train(LLMTrainConfig(out=str(tmp_path / "run"), max_steps=2, **settings))
    state = json.loads((tmp_path / "run/checkpoints/step-000002/state.json").read_text())
    assert state["step"] == 2 and state["config"]["max_steps"] == 2 and len(state["losses"]) == 2
    resumed = train(LLMTrainConfig(out=str(tmp_path / "run"), max_steps=4, **settings))
    straight = train(LLMTrainConfig(out=str(tmp_path / "straight"), max_steps=4, **settings))
    assert resumed["train"]["steps"] == 4 and resumed["loss_curve"][:2] == stopped["loss_curve"]
    assert resumed["loss_curve"] == pytest.approx(straight["loss_curve"], rel=1e-4)
    assert resumed["before"] == stopped["before"]  # measured once, carried by the checkpoint
    assert sorted(p.name for p in (tmp_path / "run/checkpoints").iterdir()) == ["step-000003", "step-000004"]
    assert (tmp_path / "run/loss.png").stat().st_size > 1000

    # the output folder is what llm.adapters names; the served model's calls drive the real skills
    served = LLMConfig(backend="local", model=str(shop_model), adapters=(f"shop={tmp_path / 'run'}",),
                       adapter="shop")
    registry = subset(shop.registry, TOOLS)
    async with llm_backend(served) as llm:
        assert llm.adapters == ["shop"]
        name, result = await _served_turn(llm, registry, tools, "show me red sneakers", {}, adapter="shop")
    assert name in TOOLS and result.text


async def _served_turn(llm, registry, tools, text: str, slots: dict, adapter: str | None = None):
    """One turn as the LLM router asks it: the model's call, run by the real skill; (None, None) when the
    model wrote no call it could parse (a miss, like a wrong tool)."""
    request = ChatRequest([{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": text}],
                          tools=tools, tool_choice="required", max_tokens=64, adapter=adapter, timeout_s=120)
    calls = (await llm.complete(request)).tool_calls
    if not calls:
        return None, None
    call = calls[0]
    result = await registry[call.name].run(registry.build_input(call.name, call.arguments),
                                           SkillContext("web:shopper", text, slots))
    slots.update(result.slots)
    return call.name, result


@pytest.mark.slow
async def test_a_model_fine_tuned_on_synthetic_dialogs_picks_the_right_tool_and_its_calls_drive_real_skills(
        shop, tools, dialogs, shop_model, tmp_path):
    """Four tools: chance is 0.25, always naming the most frequent one about 0.35. From random weights the
    model learns the call format in about 50 steps, which tool a message needs only later, and only with
    batches of 48 and a warm-up over a tenth of the steps: 40 steps of 16 never got past naming one tool
    for everything (0.20 to 0.56 between draws). At a learning rate of 3e-3 the outcome swung with the
    draw (data and weights seeded 0, 1, 2: 0.77 to 0.98 after 240 steps, 0.53 to 0.98 after 300); at
    2e-3, 300 steps passed on every draw measured (seeds 0 to 3) until a change to 29 of the 1,200 dialogs'
    arguments (function words no longer read as an occasion) turned seed 0 into 0.67, and seeds 1 and 2
    reached 0.82 and 0.83 tool names but only 0.25 and 0.28 exact arguments: 300 steps sat at the edge.
    At 450 steps seeds 0 to 3 give 1.0, 0.95, 0.85, 0.97 tool names and 0.63, 0.58, 0.35, 0.63 exact
    arguments. A served turn the model cannot write a call for counts as a miss, like a wrong tool (seed 0
    at 450 steps wrote a broken call for "show me red sneakers" and got the other three right).

    The prompts show the tools compact (`agent/llm/tool_prompt.py`), as `aisle train llm` does by default and
    the local backend then serves, in the test model's one-line-per-tool template: 291 tokens of system prompt;
    this draw then reaches 0.98 tool-name accuracy, 1.0 JSON validity, 0.52 exact arguments
    (seed 1: 0.98, 0.97, 0.43). Once the search
    tool carried the whole shopping request, its schema written in full as JSON made that prompt 1,265 tokens
    (703 before), and the model, which has to find the shopper's few words in it, reached only 0.53 (300
    steps) and 0.62 (450 steps); compact JSON (734 tokens) fixed the tool names (0.97, 0.82) but not the JSON
    validity (0.85, 0.73). Nothing else had changed: no prompt was cut, the loss is on the answer alone, a
    shopper's message took 6.4 tokens (6.3). 64 new tokens: 6% of the calls are longer than 48."""
    data = tmp_path / "dialogs.jsonl"
    write_chat_jsonl(data, [{**r, "messages": r["messages"][:3]} for r in dialogs])  # each ends on its call
    out = tmp_path / "model"
    metrics = train(LLMTrainConfig(base=str(shop_model), data=str(data), out=str(out), method="full",
                                   tool_prompt="compact", learning_rate=2e-3, warmup_share=0.1, max_steps=STEPS,
                                   batch_size=48, grad_accum=1, validation_share=0.05, eval_calls=60, max_new_tokens=64,
                                   save_every=STEPS, progress=False))
    before, after = metrics["before"], metrics["after"]
    assert before["tool_name_accuracy"] == 0 and before["json_validity"] == 0  # random weights: no readable call
    assert after["calls"] == 60 and after["tool_name_accuracy"] >= 0.8, after  # held-out conversations
    assert after["json_validity"] >= 0.9 and after["argument_exact_match"] > 0.3, after
    assert after["perplexity"] < before["perplexity"] / 20, (before, after)
    assert metrics["train"]["tokens_per_s"] > 0 and len(metrics["loss_curve"]) == STEPS

    assert read_tool_prompt(out) == "compact"  # served the way it was trained
    registry = subset(shop.registry, TOOLS)
    async with llm_backend(LLMConfig(backend="local", model=str(out))) as llm:
        slots: dict = {}
        turns = [await _served_turn(llm, registry, tools, text, slots)
                 for text in ("hello", "show me red sneakers", "where is my last order?", "talk to a person")]
    names = [name for name, _ in turns]
    expected = ["smalltalk", "search", "order_status", "handoff"]
    assert sum(a == b for a, b in zip(names, expected)) >= 3 and len(set(names)) >= 3, turns  # as accurate as measured
    assert all(result.text for _, result in turns if result is not None)  # every call ran a real skill
    name, result = turns[1]
    assert name != "search" or (result.products and slots)  # red sneakers from the catalog, remembered
