"""`aisle train nlu`: a small model trains, carries its config and metrics, and the agent answers with it."""
import json

import numpy as np
import pytest

from agent.config import AisleConfig, CatalogConfig, NluConfig
from agent.errors import ConfigError
from agent.nlu.intent_model import TrainedIntentModel
from agent.runtime import open_agent
from agent.types import UserMessage
from channels.cli.main import main as aisle
from tests.training.conftest import INTENTS, UNSEEN, write_nlu
from training.nlu import NluTrainConfig, stratified_split, summary, train

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trained(tiny_nlu, tmp_path_factory):
    out = tmp_path_factory.mktemp("model") / "nlu"
    metrics = train(NluTrainConfig(data=str(tiny_nlu), out=str(out), steps=6, batch_size=5, save_every=3),
                    progress=False)
    return out, metrics


def test_the_model_folder_carries_its_config_metrics_and_tuned_threshold(trained):
    out, metrics = trained
    assert {"model.json", "head.npz", "encoder", "config.json", "metrics.json", "loss.png", "checkpoints"} <= \
        {p.name for p in out.iterdir()}
    assert (out / "loss.png").stat().st_size > 1000
    assert json.loads((out / "config.json").read_text())["steps"] == 6
    saved = json.loads((out / "metrics.json").read_text())
    assert saved == json.loads(json.dumps(metrics))
    assert saved["examples"] == {"train": 30, "held_out": 10, "intents": 5}
    assert 0 < saved["threshold"]["threshold"] < 1
    assert json.loads((out / "model.json").read_text())["threshold"] == saved["threshold"]["threshold"]


def test_the_held_out_split_is_measured_before_and_after_fine_tuning(trained):
    _, metrics = trained
    for when in ("before", "after"):
        scores = metrics[when]
        assert 0.2 < scores["accuracy"] <= 1 and 0 < scores["macro_f1"] <= 1, scores  # chance: 0.2
        assert 0 <= scores["oos_recall"] <= 1 and 0 < scores["threshold"] < 1
    assert metrics["after"]["accuracy"] == metrics["held_out"]["report"]["accuracy"]
    assert metrics["after"]["threshold"] == metrics["threshold"]["threshold"]
    text = summary(metrics, "var/models/nlu")
    assert "before" in text and "after" in text and f"{metrics['after']['macro_f1']:.3f}" in text
    assert "oos_recall" in text and "var/models/nlu/loss.png" in text


def test_the_last_checkpoint_carries_the_config_the_metrics_and_every_loss(trained):
    out, metrics = trained
    [checkpoint] = sorted((out / "checkpoints").iterdir())  # every 3 steps, the last one kept
    assert checkpoint.name == "step-000006"
    state = json.loads((checkpoint / "state.json").read_text())
    assert state["step"] == 6 and state["config"]["steps"] == 6 and len(state["losses"]) == 6
    assert state["before"]["accuracy"] == metrics["before"]["accuracy"]
    assert metrics["final_loss"] == pytest.approx(np.mean(state["losses"]))


def test_an_interrupted_run_resumes_from_its_checkpoint_and_ends_where_an_uninterrupted_one_does(
        trained, tiny_nlu, tmp_path):
    out, straight = trained
    config = NluTrainConfig(data=str(tiny_nlu), out=str(tmp_path / "nlu"), steps=6, batch_size=5, save_every=3)

    def stop_at_the_fifth_step(step: int, loss: float) -> None:
        if step == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train(config, progress=False, on_step=stop_at_the_fifth_step)
    assert [p.name for p in (tmp_path / "nlu/checkpoints").iterdir()] == ["step-000003"]
    done = []
    resumed = train(config, progress=False, on_step=lambda step, loss: done.append(step))
    assert done == [3, 4, 5]  # the first three steps came from the checkpoint
    losses = json.loads((tmp_path / "nlu/checkpoints/step-000006/state.json").read_text())["losses"]
    expected = json.loads((out / "checkpoints/step-000006/state.json").read_text())["losses"]
    assert losses == pytest.approx(expected, rel=1e-4)
    assert resumed["after"] == straight["after"] and resumed["before"] == straight["before"]


def test_a_checkpoint_of_other_data_is_not_resumed(trained, tmp_path):
    other = write_nlu(tmp_path / "other.yml", {k: v[:4] for k, v in INTENTS.items()})
    with pytest.raises(ConfigError, match="other data.*--fresh"):
        train(NluTrainConfig(data=str(other), out=str(trained[0]), steps=6, batch_size=5), progress=False)


def test_training_shows_a_progress_bar(tiny_nlu, tmp_path, capsys):
    train(NluTrainConfig(data=str(tiny_nlu), out=str(tmp_path / "nlu"), steps=2, batch_size=5), progress=True)
    err = capsys.readouterr().err
    assert "fine-tuning the encoder" in err and "2/2" in err


def test_a_model_trained_on_a_small_subset_beats_chance_on_unseen_phrasings(trained):
    model = TrainedIntentModel.load(trained[0])
    predicted = [score.intent for score in model.predict([text for text, _ in UNSEEN])]
    accuracy = np.mean([p == intent for p, (_, intent) in zip(predicted, UNSEEN)])
    assert accuracy >= 0.6, list(zip(predicted, UNSEEN))  # chance is 0.2 with five intents: three times that


async def test_the_agent_answers_with_the_trained_model(trained, demo_catalog_path, training_var):
    config = AisleConfig(data_dir=str(training_var), catalog=CatalogConfig(path=str(demo_catalog_path)),
                         nlu=NluConfig(model=str(trained[0])))
    async with open_agent(config, progress=False) as agent:
        assert agent.router.model.classes == tuple(sorted(INTENTS))  # the tiny model, not the default one
        await agent.handle(UserMessage("ann", "hello there"))
        state = await agent.store.load_state("rest:ann")
    assert state["last_intent"] == "greet"


def test_a_wrong_model_folder_says_how_to_make_one(tmp_path):
    with pytest.raises(Exception, match="aisle train nlu"):
        TrainedIntentModel.load(tmp_path)


def test_a_bad_data_file_stops_training_with_a_message_naming_it(tmp_path, capsys):
    bad = tmp_path / "nlu.yml"
    bad.write_text("nlu:\n- intent: greet\n  examples: |\n    - hi\n    - hello\n", encoding="utf-8")
    assert aisle(["train", "nlu", "--data", str(bad), "--out", str(tmp_path / "m")]) == 2
    assert "at least two intents" in capsys.readouterr().err
    bad.write_text("nlu: [oops", encoding="utf-8")
    assert aisle(["train", "nlu", "--data", str(bad)]) == 2
    assert f"{bad}: not valid YAML" in capsys.readouterr().err


def test_the_held_out_split_keeps_every_intent_on_both_sides():
    labels = ["a"] * 10 + ["b"] * 5 + ["c"] * 2
    train_idx, held = stratified_split(labels, 0.2, seed=0)
    assert sorted(train_idx + held) == list(range(len(labels)))
    assert sorted(labels[i] for i in held) == ["a", "a", "b", "c"]


def test_the_shipped_head_and_threshold_come_from_the_same_fit(trained, tiny_nlu):
    """Reloaded, the model answers its held-out split exactly as the metrics it was tuned on say."""
    from agent.nlu.nlu_data import read_nlu_yaml
    from training.threshold import decide

    out, metrics = trained
    examples = read_nlu_yaml(tiny_nlu).examples
    labels = [e.intent for e in examples]
    _, held = stratified_split(labels, NluTrainConfig().holdout, seed=0)
    model = TrainedIntentModel.load(out)
    scores = model.predict([examples[i].text for i in held])
    final = decide([s.confidence for s in scores], [s.intent for s in scores], model.threshold)
    truth = [labels[i] for i in held]
    in_scope = [f == t for f, t in zip(final, truth) if t != "out_of_scope"]
    assert sum(in_scope) / len(in_scope) == pytest.approx(metrics["after"]["in_scope_accuracy"])
    assert metrics["threshold"]["target"] is not None and "in-scope accuracy" in summary(metrics, str(out))


def test_aisle_train_nlu_takes_the_held_out_share_and_the_target(tiny_nlu, tmp_path, capsys):
    out = tmp_path / "m"
    assert aisle(["train", "nlu", "--data", str(tiny_nlu), "--out", str(out), "--steps", "0",
                  "--holdout", "0.4", "--in-scope-target", "0.9"]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["examples"]["held_out"] == 15 and json.loads((out / "config.json").read_text())["holdout"] == 0.4
    assert metrics["threshold"]["target"] is not None
    assert aisle(["train", "nlu", "--data", str(tiny_nlu), "--out", str(out), "--holdout", "1.5"]) == 2
    assert "holdout = 1.5" in capsys.readouterr().err
