"""Tiny training data for the intent-model tests: five intents a shop assistant knows."""
from pathlib import Path

import pytest

INTENTS = {
    "greet": ["hi", "hello", "hey there", "good morning", "hiya", "hello, anyone there?", "howdy", "hi there"],
    "goodbye": ["bye", "goodbye", "see you later", "bye for now", "have a nice day", "catch you later",
                "talk to you later", "that's all, bye"],
    "order_status": ["where is my order?", "has my parcel shipped?", "track my package", "when will my order arrive",
                     "status of order 12345", "my delivery hasn't come", "is my order on its way?",
                     "where's my package"],
    "search_products": ["show me red sneakers", "I need a winter jacket", "do you have leather boots?",
                        "looking for a blue dress", "wireless earbuds under 50", "black jeans for men",
                        "a warm scarf", "running shoes size 9"],
    "out_of_scope": ["tell me a joke", "what's the weather tomorrow?", "who won the football game",
                     "what is the capital of France", "can you do my homework", "sing me a song",
                     "what's the meaning of life", "how tall is mount everest"],
}
# Unseen phrasings, to check a trained model generalises beyond its examples.
UNSEEN = [("hello again", "greet"), ("see ya", "goodbye"), ("where is my shipment", "order_status"),
          ("I want some green trainers", "search_products"), ("good night, bye", "goodbye"),
          ("track the parcel I ordered", "order_status"), ("hey!", "greet"), ("got any wool sweaters?", "search_products")]


def write_nlu(path: Path, intents: dict[str, list[str]]) -> Path:
    lines = ['version: "3.1"', "nlu:"]
    for intent, examples in intents.items():
        lines += [f"- intent: {intent}", "  examples: |"] + [f"    - {text}" for text in examples]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_nlu(tmp_path_factory) -> Path:
    return write_nlu(tmp_path_factory.mktemp("nlu") / "nlu.yml", INTENTS)


@pytest.fixture(scope="session")
def training_var(tmp_path_factory) -> Path:
    """One data_dir for every agent these tests open, so the catalog index and intent cache are built once."""
    return tmp_path_factory.mktemp("var")
