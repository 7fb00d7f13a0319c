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


def test_a_target_in_scope_accuracy_picks_the_highest_threshold_that_keeps_it():
    # in scope: right at 0.95, 0.9, 0.7, wrong at 0.8, right at 0.4; out of scope at 0.6 and 0.3
    confidences = [0.95, 0.9, 0.8, 0.7, 0.4, 0.6, 0.3]
    predicted = ["a", "b", "a", "b", "a", "a", "b"]
    truth = ["a", "b", "b", "b", "a", "out_of_scope", "out_of_scope"]
    choice = tune_threshold(confidences, predicted, truth, target=0.6)  # 3 of 5 in-scope right: accept down to 0.7
    assert choice.target_met and choice.in_scope_accuracy == 0.6 and choice.oos_recall == 1.0
    assert choice.threshold == 0.65  # the middle of the gap between 0.7 and the next confidence, 0.6
    strict = tune_threshold(confidences, predicted, truth, target=0.8)  # all four right ones: down to 0.4
    assert strict.in_scope_accuracy == 0.8 and strict.oos_recall == 0.5 and strict.threshold == 0.35


def test_a_target_needs_no_out_of_scope_examples():
    choice = tune_threshold([0.9, 0.8, 0.5, 0.2], ["a", "a", "b", "b"], ["a", "a", "b", "a"], target=0.5)
    assert choice.target_met and choice.threshold == 0.65 and choice.in_scope_accuracy == 0.5


def test_an_unreachable_target_falls_back_to_the_balanced_choice_and_says_so():
    confidences, predicted = [0.9, 0.8, 0.3, 0.2], ["a", "b", "a", "b"]
    truth = ["a", "a", "out_of_scope", "out_of_scope"]  # the head gets one of two in-scope right
    choice = tune_threshold(confidences, predicted, truth, target=0.9)
    assert choice.target_met is False and choice.target == 0.9
    assert choice.threshold == tune_threshold(confidences, predicted, truth).threshold


def test_the_tuned_threshold_hits_its_target_on_a_held_out_split_of_real_embeddings(minilm):
    from training.nlu import absolute_target, stratified_split

    texts = [text for texts in INTENTS.values() for text in texts]
    labels = [intent for intent, texts in INTENTS.items() for _ in texts]
    train, held = stratified_split(labels, 0.4, seed=1)
    vectors = minilm.embed(texts)
    head = IntentModel.train(vectors[train], [labels[i] for i in train], balanced=True)
    scores = head.predict(vectors[held])
    confidences, predicted = [s.confidence for s in scores], [s.intent for s in scores]
    truth = [labels[i] for i in held]
    target = absolute_target(predicted, truth, 0.9)
    choice = tune_threshold(confidences, predicted, truth, target=target)
    assert choice.target_met and choice.in_scope_accuracy >= target
    # the highest such threshold: accepting one in-scope message fewer drops below the target
    accepted = sorted(c for c, t in zip(confidences, truth) if t != "out_of_scope" and c >= choice.threshold)
    stricter = decide(confidences, predicted, accepted[0] + 1e-9)
    in_scope = [(d, t) for d, t in zip(stricter, truth) if t != "out_of_scope"]
    assert sum(d == t for d, t in in_scope) / len(in_scope) < target
