"""Scoring a model's answers to held-out tool calls: each of the three figures measures one thing."""
from training.llm_eval import CallCase, score_answers

TOOLS = [{"type": "function", "function": {"name": name, "parameters": {"type": "object"}}}
         for name in ("search", "smalltalk")]


def _answer(body: str) -> str:
    return f"<tool_call>\n{body}\n</tool_call>"


def test_a_right_name_with_unreadable_arguments_counts_for_the_name_only():
    case = CallCase([{"role": "user", "content": "red boots"}], TOOLS, "search", {"query": "boots", "colour": "red"})
    answers = [_answer('{"name": "search", "arguments": {"colour": "red", "query": "boots"}}'),  # all right
               _answer('{"name": "search", "arguments": {"query": "boots"}}'),  # a readable call, one argument short
               '<tool_call>\n{"name": "search", "arguments": {"query": "product_type": "boots',  # cut off mid-way
               _answer('{"name": "smalltalk", "arguments": {"intent": "greet"}}'),  # the wrong tool
               "Here are some boots."]  # no call at all
    scores = score_answers([case] * len(answers), answers)
    assert scores == {"calls": 5, "tool_name_accuracy": 0.6, "argument_exact_match": 0.2, "json_validity": 0.6}
