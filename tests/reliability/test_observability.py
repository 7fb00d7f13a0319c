"""/metrics as Prometheus scrapes it, and log lines with the conversation named and personal data hidden."""
from __future__ import annotations

import json
import logging

from prometheus_client.parser import text_string_to_metric_families

from channels.observability import JsonFormatter, RedactingFormatter, redact

WEBHOOK = "/webhooks/rest/webhook"


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def test_metrics_count_turns_per_skill_intents_and_fallbacks(real_client):
    for text in ("red sneakers", "in blue", "qwzx vbnm plok"):
        response = await real_client.post(WEBHOOK, json={"sender": "m1", "message": text})
        assert response.status == 200
    response = await real_client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    values = samples(await response.text())
    turns = sum(v for (name, _), v in values.items() if name == "aisle_turn_seconds_count")
    assert turns == 3
    assert values[("aisle_turn_seconds_count", (("skill", "search"),))] >= 1
    assert values[("aisle_intents_total", (("intent", "out_of_scope"),))] == 1
    assert values[("aisle_fallbacks_total", ())] == 1
    assert values[("aisle_handoffs_total", ())] == 0
    assert values[("aisle_turns_in_flight", ())] == 0
    assert values[("aisle_handoff_queue_length", ())] == 0


async def test_asking_for_a_person_counts_a_handoff_and_the_waiting_queue(real_client):
    for text in ("I want to talk to a human", "Talk to a person"):  # offered, then accepted
        response = await real_client.post(WEBHOOK, json={"sender": "m2", "message": text})
        assert response.status == 200
    values = samples(await (await real_client.get("/metrics")).text())
    assert values[("aisle_handoffs_total", ())] == 1
    assert values[("aisle_handoff_queue_length", ())] == 1


def test_redaction_hides_emails_phones_and_card_numbers_but_keeps_prices_and_order_numbers():
    text = ("mail jane.doe+shop@example.co.uk or call +44 20 7946 0958, card 4111 1111 1111 1111; "
            "order ORD-123456 for 49.99 dollars, size 42")
    shown = redact(text)
    assert "jane" not in shown and "7946" not in shown and "4111" not in shown
    assert shown.count("[email]") == 1 and shown.count("[phone]") == 1 and shown.count("[card]") == 1
    assert "ORD-123456" in shown and "49.99" in shown and "size 42" in shown
    assert redact("delivered 2026-11-24 09:33:35") == "delivered 2026-11-24 09:33:35"


def test_text_log_lines_keep_their_timestamp_and_hide_personal_data():
    record = logging.LogRecord("aisle", logging.INFO, __file__, 1, "reply to %s", ("ann@example.org",), None)
    line = RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s").format(record)
    assert line.endswith("INFO aisle: reply to [email]") and line[:4].isdigit() and "[phone]" not in line


def test_json_log_lines_name_the_conversation_and_redact(real_agent):
    logger = logging.getLogger("aisle.test")
    written: list[str] = []

    class Keep(logging.Handler):  # formats as it is written, like a stream handler
        def emit(self, rec: logging.LogRecord) -> None:
            written.extend([JsonFormatter().format(rec), RedactingFormatter("%(message)s").format(rec)])

    logger.addHandler(Keep())
    try:
        with real_agent.metrics.turn("webchat:abc123"):
            try:
                raise ValueError("lookup failed for bob@example.com")
            except ValueError:
                logger.exception("could not answer bob@example.com at 555-867-5309")
    finally:
        logger.handlers.clear()
    line = json.loads(written[0])
    assert line["conversation"] == "webchat:abc123"
    assert line["level"] == "ERROR" and line["logger"] == "aisle.test"
    assert line["message"] == "could not answer [email] at [phone]"
    assert "ValueError: lookup failed for [email]" in line["exc"]
    assert "bob@" not in written[1] and "[email]" in written[1]
