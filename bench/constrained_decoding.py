"""Schema-constrained decoding libraries side by side: setup time, overhead per token, validity.

    python -m bench.constrained_decoding [--quick] --out docs/results/constrained_decoding.json

Every library constrains the same tiny random-init model (agent.llm.testkit) to emit a tool call for
the project's real skills (`<tool_call>{"name": ..., "arguments": {...}}</tool_call>`), sampling at
temperature 1 so that the weights push against the constraint as hard as noise can. A run is valid
when its output parses and its arguments validate against the skill's JSON schema. Libraries that
are not installed are reported as absent. Needs no data set.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from pathlib import Path

import torch

from agent.llm.constrain import bounded_schema, tool_call_schema
from agent.llm.testkit import build_chat_model
from bench.llm_common import machine, write_result
from skills.schema import tool_schema

PREFIX, SUFFIX = "<tool_call>\n", "\n</tool_call>"


def skill_tools() -> list[dict]:
    from skills.search import SearchSkill
    from skills.smalltalk import OutOfScopeSkill, SmalltalkSkill
    return [tool_schema(skill) for skill in (SearchSkill, SmalltalkSkill, OutOfScopeSkill)]


class XGrammarConstraint:
    name = "xgrammar"

    def __init__(self, tokenizer, vocab_size: int, schema: dict):
        import xgrammar as xgr
        self.xgr = xgr
        info = xgr.TokenizerInfo.from_huggingface(tokenizer, vocab_size=vocab_size,
                                                  stop_token_ids=[tokenizer.eos_token_id])
        grammar = xgr.Grammar.concat(xgr.Grammar.from_ebnf(f"root ::= {json.dumps(PREFIX)}"),
                                     xgr.Grammar.from_json_schema(schema, any_whitespace=False),
                                     xgr.Grammar.from_ebnf(f"root ::= {json.dumps(SUFFIX)}"))
        self.compiled = xgr.GrammarCompiler(info, max_threads=1).compile_grammar(grammar)
        self.bitmask = xgr.allocate_token_bitmask(1, vocab_size)

    def start(self) -> None:
        self.matcher = self.xgr.GrammarMatcher(self.compiled)

    def mask(self, logits: torch.Tensor) -> None:
        self.matcher.fill_next_token_bitmask(self.bitmask)
        self.xgr.apply_token_bitmask_inplace(logits, self.bitmask)

    def advance(self, token: int) -> bool:
        self.matcher.accept_token(token)
        return self.matcher.is_terminated()


class LMFormatEnforcerConstraint:
    """lm-format-enforcer's transformers integration does not import under transformers 5, so the
    tokenizer data is built here the way that integration builds it."""

    name = "lm-format-enforcer"

    def __init__(self, tokenizer, vocab_size: int, schema: dict):
        from lmformatenforcer import JsonSchemaParser, SequenceParser, StringParser, TokenEnforcer
        from lmformatenforcer.tokenenforcer import TokenEnforcerTokenizerData
        zero = tokenizer.encode("0")[-1]
        special = set(tokenizer.all_special_ids)
        regular = [(i, tokenizer.decode([zero, i])[1:], False) for i in range(len(tokenizer)) if i not in special]
        data = TokenEnforcerTokenizerData(regular, lambda ids: tokenizer.decode(ids).rstrip("\ufffd"),
                                          tokenizer.eos_token_id, False, vocab_size)
        self._make = lambda: TokenEnforcer(data, SequenceParser(
            [StringParser(PREFIX), JsonSchemaParser(schema), StringParser(SUFFIX)]))
        self.eos = tokenizer.eos_token_id

    def start(self) -> None:
        self.enforcer, self.tokens = self._make(), []

    def mask(self, logits: torch.Tensor) -> None:
        allowed = self.enforcer.get_allowed_tokens(self.tokens).allowed_tokens
        keep = torch.full_like(logits, float("-inf"))
        keep[0, allowed] = 0
        logits += keep

    def advance(self, token: int) -> bool:
        self.tokens.append(token)
        return token == self.eos


class OutlinesConstraint:
    name = "outlines"

    def __init__(self, tokenizer, vocab_size: int, schema: dict):
        from outlines.backends.outlines_core import OutlinesCoreBackend
        from outlines.models.transformers import TransformerTokenizer
        from outlines_core import Guide, Index
        from outlines_core.json_schema import build_regex_from_schema
        helper = TransformerTokenizer(tokenizer)
        vocabulary = OutlinesCoreBackend.create_outlines_core_vocabulary(
            tokenizer.get_vocab(), tokenizer.eos_token_id, tokenizer.eos_token, helper.convert_token_to_string)
        regex = re.escape(PREFIX) + build_regex_from_schema(json.dumps(schema), r"[ ]?") + re.escape(SUFFIX)
        self.index, self.Guide, self.vocab_size = Index(regex, vocabulary), Guide, vocab_size
        self.eos = tokenizer.eos_token_id

    def start(self) -> None:
        self.guide = self.Guide(self.index)

    def mask(self, logits: torch.Tensor) -> None:
        keep = torch.full_like(logits, float("-inf"))
        keep[0, self.guide.get_tokens()] = 0
        logits += keep

    def advance(self, token: int) -> bool:
        if token == self.eos:
            return True
        self.guide.advance(token_id=token, return_tokens=False)
        return False


LIBRARIES = (XGrammarConstraint, LMFormatEnforcerConstraint, OutlinesConstraint)


def run_once(model, tokenizer, prompt_ids, constraint, seed: int, max_tokens: int) -> tuple[str, list[float], bool]:
    torch.manual_seed(seed)
    constraint.start()
    past, current, out, costs, finished = None, prompt_ids, [], [], False
    for _ in range(max_tokens):
        with torch.no_grad():
            result = model(current, past_key_values=past, use_cache=True)
        past, logits = result.past_key_values, result.logits[:, -1, :].float()
        started = time.perf_counter()
        constraint.mask(logits)
        token = int(torch.multinomial(torch.softmax(logits, -1), 1))
        finished = constraint.advance(token)
        costs.append(time.perf_counter() - started)
        if finished:
            break
        out.append(token)
        current = torch.tensor([[token]])
    return tokenizer.decode(out), costs, finished


def valid(text: str, tools: list[dict]) -> bool:
    import jsonschema
    if not (text.startswith(PREFIX) and text.endswith(SUFFIX)):
        return False
    try:
        call = json.loads(text[len(PREFIX):-len(SUFFIX)])
        params = next(t["function"]["parameters"] for t in tools if t["function"]["name"] == call["name"])
        jsonschema.validate(call["arguments"], params)
        return True
    except (ValueError, KeyError, StopIteration, jsonschema.ValidationError):
        return False


def measure(library, model, tokenizer, tools: list[dict], runs: int, max_tokens: int) -> dict:
    schema = tool_call_schema([bounded_schema_tool(t) for t in tools])
    started = time.perf_counter()
    try:
        constraint = library(tokenizer, model.config.vocab_size, schema)
    except ImportError as exc:
        return {"library": library.name, "absent": f"not installed ({exc.name or exc})"}
    setup_ms = (time.perf_counter() - started) * 1000
    prompt = tokenizer.apply_chat_template([{"role": "user", "content": "red sneakers under 80"}], tools=tools,
                                           add_generation_prompt=True, tokenize=False)
    prompt_ids = torch.tensor([tokenizer(prompt)["input_ids"]])
    outcomes = [run_once(model, tokenizer, prompt_ids, constraint, seed, max_tokens) for seed in range(runs)]
    costs = [c for _, run_costs, _ in outcomes for c in run_costs]
    return {"library": library.name, "setup_ms": round(setup_ms, 1),
            "mask_ms_per_token_p50": round(statistics.median(costs) * 1000, 3),
            "mask_ms_per_token_mean": round(statistics.fmean(costs) * 1000, 3),
            "finished_rate": sum(done for *_, done in outcomes) / runs,
            "valid_rate": sum(valid(text, tools) for text, _, _ in outcomes) / runs, "runs": runs}


def bounded_schema_tool(tool: dict) -> dict:
    fn = tool["function"]
    return {"type": "function", "function": {**fn, "parameters": bounded_schema(fn["parameters"])}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--data", help="unused: this benchmark needs no data set")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    from transformers import AutoModelForCausalLM, AutoTokenizer
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        path = build_chat_model(Path(tmp) / "tiny")
        model, tokenizer = AutoModelForCausalLM.from_pretrained(path).eval(), AutoTokenizer.from_pretrained(path)
    tools, runs = skill_tools(), 8 if args.quick else 40
    rows = [measure(library, model, tokenizer, tools, runs, max_tokens=200) for library in LIBRARIES]
    print(f"{'library':20} {'setup ms':>9} {'mask ms/tok p50':>16} {'mean':>8} {'finished':>9} {'valid':>6}")
    for row in rows:
        if "absent" in row:
            print(f"{row['library']:20} absent: {row['absent']}")
            continue
        print(f"{row['library']:20} {row['setup_ms']:9.1f} {row['mask_ms_per_token_p50']:16.3f} "
              f"{row['mask_ms_per_token_mean']:8.3f} {row['finished_rate']:9.2f} {row['valid_rate']:6.2f}")
    write_result(args.out, {"libraries": rows, "machine": machine(), "quick": args.quick})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
