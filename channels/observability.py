"""`GET /metrics` for Prometheus, and log lines as JSON with personal data taken out.

`aisle --log-format json serve` (or `AISLE_LOG_FORMAT=json`) writes one JSON object per line:
`{"ts", "level", "logger", "message", "conversation"?, "exc"?}`. Whatever the format, e-mail addresses,
phone numbers and card numbers in a message or a traceback are replaced by `[email]`, `[phone]`,
`[card]` before the line is written.

Besides the agent's own metrics, `/metrics` reports each outbound backend's concurrency limit
(`aisle_backend_slots`), the calls it has in flight (`aisle_backend_in_flight`) and the calls waiting
for a slot (`aisle_backend_waiting`), labelled `backend="telegram"`, `"llm"`, `"tryon"`, ...
"""
from __future__ import annotations

import json
import logging
import re
import time

from aiohttp import web

from agent.observe import CONTENT_TYPE, CONVERSATION
from channels.context import AGENT, SERVICES
from channels.limits import TURN_GATE
from skills.tryon.resilience import Slots

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}\b")  # a date or timestamp is not a phone number
PHONE = re.compile(r"(?<![\w])(?:\+|00)?\(?\d{1,4}\)?(?:[ .-]?\(?\d{2,4}\)?){2,5}(?![\w])")


def _luhn(digits: str) -> bool:
    total = 0
    for n, char in enumerate(reversed(digits)):
        value = int(char) * (2 if n % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group())
    return "[card]" if _luhn(digits) else match.group()


def _phone(match: re.Match[str]) -> str:
    text = match.group()
    if DATE.match(text) or not 7 <= len(re.sub(r"\D", "", text)) <= 15:
        return text
    return "[phone]"


def redact(text: str) -> str:
    """`text` without e-mail addresses, card numbers (Luhn-valid, 13-19 digits) or phone numbers."""
    return PHONE.sub(_phone, CARD.sub(_card, EMAIL.sub("[email]", text)))


class RedactingFormatter(logging.Formatter):
    """The usual text format, with personal data redacted from the message and the traceback."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = redact(record.message)
        return super().formatMessage(record)

    def formatException(self, ei) -> str:  # noqa: N802 (logging's name)
        return redact(super().formatException(ei))


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the conversation being handled and personal data redacted."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
                "level": record.levelname, "logger": record.name, "message": redact(record.getMessage())}
        conversation = CONVERSATION.get()
        if conversation != "-":
            line["conversation"] = conversation
        if record.exc_info:
            line["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


def configure_logging(level: int, fmt: str) -> None:
    """Root logging as `fmt` ("text" or "json"), redacted either way."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else
                         RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)


async def metrics(request: web.Request) -> web.Response:
    """The agent's counters and histograms in Prometheus' text format."""
    agent_metrics = request.app[AGENT].metrics
    if agent_metrics is None:
        raise web.HTTPNotFound(reason="this agent keeps no metrics")
    queue = request.app[SERVICES].queue
    agent_metrics.queue_source = lambda: sum(1 for t in queue.tickets.values() if t.status == "waiting")
    gate = request.app.get(TURN_GATE)
    agent_metrics.waiting_source = (lambda: gate.waiting) if gate is not None else None
    body = agent_metrics.exposition() + backend_exposition(backend_slots(request.app))
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})


def backend_slots(app: web.Application) -> dict[str, Slots]:
    """Every outbound backend's slots: each platform the server called, the LLM server, the try-on service."""
    found = dict(app[SERVICES].outbound.slots)
    agent = app[AGENT]
    llm = agent.llm
    if isinstance(getattr(llm, "slots", None), Slots):  # a backend that limits its calls
        found["llm"] = llm.slots
    for skill in agent.skills:
        slots = getattr(getattr(skill, "backend", None), "slots", None)
        if isinstance(slots, Slots):
            found[skill.name] = slots
    return found


def backend_exposition(slots: dict[str, Slots]) -> bytes:
    """The three backend gauges in Prometheus' text format (empty when no backend was set up)."""
    if not slots:
        return b""
    lines = []
    for name, what, value in (("aisle_backend_slots", "Calls each backend may have in flight at once.", "limit"),
                              ("aisle_backend_in_flight", "Calls in flight to each backend.", "in_flight"),
                              ("aisle_backend_waiting", "Calls waiting for a free slot of each backend.", "waiting")):
        lines += [f"# HELP {name} {what}", f"# TYPE {name} gauge"]
        lines += [f'{name}{{backend="{_label(backend)}"}} {getattr(s, value)}' for backend, s in sorted(slots.items())]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def setup(app: web.Application) -> None:
    app.router.add_get("/metrics", metrics)
