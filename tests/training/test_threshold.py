"""The out-of-scope threshold: tuned on held-out data, it rejects an intent the model never saw."""
import numpy as np

from agent.nlu.intent_model import IntentModel
from tests.training.conftest import INTENTS
from training.threshold import decide, threshold_at_accuracy, tune_threshold

WEATHER = ["will it rain tomorrow", "how hot is it today", "is it going to snow this weekend",
           "what's the forecast for Sunday", "do I need an umbrella today", "how windy is it outside"]


def test_the_tuned_threshold_separates_an_intent_held_out_of_training(minilm):
    in_scope = {k: v for k, v in INTENTS.items() if k != "out_of_scope"}
    train = [(text, intent) for intent, texts in in_scope.items() for text in texts[:6]]
    held = [(text, intent) for intent, texts in in_scope.items() for text in texts[6:]]
    held += [(text, "out_of_scope") for text in INTENTS["out_of_scope"][:4] + WEATHER[:3]]
    head = IntentModel.train(minilm.embed([t for t, _ in train]), [i for _, i in train])
    scores = head.predict(minilm.embed([t for t, _ in held]))
    choice = tune_threshold([s.confidence for s in scores], [s.intent for s in scores], [i for _, i in held])
    assert choice.in_scope_accuracy >= 0.75 and choice.oos_recall >= 0.7, choice
    # the threshold carries over to out-of-scope messages it was not tuned on
    unseen = head.predict(minilm.embed(WEATHER[3:] + INTENTS["out_of_scope"][4:]))
    rejected = decide([s.confidence for s in unseen], [s.intent for s in unseen], choice.threshold)
    assert rejected.count("out_of_scope") >= 4, rejected


def test_the_threshold_sits_in_the_middle_of_the_best_gap():
    # in-scope confidences 0.9 and 0.8, out-of-scope 0.3 and 0.2: any cut in (0.3, 0.8] is perfect
    choice = tune_threshold([0.9, 0.8, 0.3, 0.2], ["a", "b", "a", "b"], ["a", "b", "out_of_scope", "out_of_scope"])
    assert choice.threshold == 0.55 and choice.in_scope_accuracy == 1.0 and choice.oos_recall == 1.0


def test_without_out_of_scope_examples_the_default_is_kept():
    assert tune_threshold([0.9, 0.4], ["a", "b"], ["a", "b"], default=0.35).threshold == 0.35


def test_threshold_at_accuracy_keeps_the_requested_in_scope_accuracy():
    confidences = np.array([0.95, 0.9, 0.8, 0.7, 0.6, 0.5])
    correct = np.array([True, True, True, False, True, False])
    threshold = threshold_at_accuracy(confidences, correct, 0.5)
    assert threshold == 0.8 and np.mean(correct & (confidences >= threshold)) >= 0.5
    assert threshold_at_accuracy(confidences, correct, 0.99) == 0.0  # unreachable: accept everything
