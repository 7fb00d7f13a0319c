"""Thompson sampling moves traffic to the better variant; counts survive a restart; the report says so."""
import numpy as np

from skills.ads.abreport import experiment_report, write_report_files
from skills.ads.abstore import ABStore
from skills.ads.bandit import ThompsonSampler, posterior

VARIANTS = [{"variant_id": name, "angle": name, "fields": {"headline": name.title(), "text": f"{name} copy"}}
            for name in ("price", "benefit", "occasion")]
TRUE_CTR = {"price": 0.02, "benefit": 0.06, "occasion": 0.03}


def test_the_bandit_converges_to_the_better_arm_on_a_simulated_click_stream():
    sampler, clicks = ThompsonSampler(seed=7), np.random.default_rng(11)
    counts = {name: [0, 0] for name in TRUE_CTR}
    chosen = []
    for _ in range(6000):
        arm = sampler.choose({k: tuple(v) for k, v in counts.items()})
        counts[arm][0] += 1
        counts[arm][1] += int(clicks.random() < TRUE_CTR[arm])
        chosen.append(arm)
    late = chosen[-2000:]
    assert late.count("benefit") / len(late) > 0.8
    assert all(counts[name][0] >= 30 for name in TRUE_CTR)  # the others were still tried


def test_impressions_and_clicks_are_durable_and_counted_once_per_visitor(tmp_path):
    store = ABStore(tmp_path / "ab.db")
    experiment_id = store.create("sku-1", "onsite", "everyone", VARIANTS)
    assert store.record(experiment_id, "price", "visitor-1", "impression")
    assert not store.record(experiment_id, "price", "visitor-1", "impression")
    store.record(experiment_id, "price", "visitor-1", "click")
    store.record(experiment_id, "benefit", "visitor-2", "impression")
    reopened = ABStore(tmp_path / "ab.db")
    assert reopened.counts(experiment_id) == {"price": (1, 1), "benefit": (1, 0), "occasion": (0, 0)}
    assert reopened.running("onsite").id == experiment_id


def test_the_report_has_ctr_credible_intervals_and_a_plot(tmp_path):
    store = ABStore(tmp_path / "ab.db")
    experiment_id = store.create("sku-1", "onsite", "everyone", VARIANTS)
    events = {"price": (400, 8), "benefit": (400, 30), "occasion": (200, 5)}
    for name, (shown, clicked) in events.items():
        for n in range(shown):
            store.record(experiment_id, name, f"v{n}", "impression")
            if n < clicked:
                store.record(experiment_id, name, f"v{n}", "click")
    report = experiment_report(store, experiment_id)
    rows = {r["variant_id"]: r for r in report["variants"]}
    assert rows["benefit"]["ctr"] == 0.075 and report["leader"] == "benefit"
    assert rows["benefit"]["prob_best"] > 0.95
    for row in rows.values():
        assert row["ci_low"] < row["ctr"] < row["ci_high"]
    assert rows["occasion"]["ci_high"] - rows["occasion"]["ci_low"] > rows["price"]["ci_high"] - rows["price"]["ci_low"]
    paths = write_report_files(report, tmp_path / "report")
    assert [p.name for p in paths] == ["report.json", "report.csv", "report.png"]
    assert paths[2].read_bytes().startswith(b"\x89PNG") and paths[2].stat().st_size > 5000
    assert "benefit" in paths[1].read_text()


def test_posterior_of_no_data_is_the_uniform_prior():
    nothing = posterior(0, 0)
    assert nothing.ctr == 0.0 and abs(nothing.mean - 0.5) < 1e-9
    assert abs(nothing.low - 0.025) < 1e-6 and abs(nothing.high - 0.975) < 1e-6
