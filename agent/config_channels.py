"""Typed configuration of the messaging channels, the handoff queue and the agent console.

Part of `AisleConfig` (section `channels:` in aisle.yml). Secrets are never stored here: each
platform names the environment variables that hold its tokens. Base URLs are configurable so a
staging API, a proxy or a test's fake platform on localhost can stand in for the real one.

    config.channels.telegram.bot_token_env
    # -> 'AISLE_TELEGRAM_BOT_TOKEN'
"""
from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass, field

from agent.config_paths import PATH
from agent.errors import ConfigError

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^(?P<days>[a-z]{3}(?:-[a-z]{3})?(?:,[a-z]{3}(?:-[a-z]{3})?)*)\s+"
                    r"(?P<start>\d{2}:\d{2})-(?P<end>\d{2}:\d{2})$")


@dataclass(frozen=True)
class OutboundConfig:
    """Calls to the platforms' APIs: one HTTP session, these limits for every call."""

    timeout_s: float = field(default=10.0, metadata={"range": (0.5, 300.0)})
    retries: int = field(default=3, metadata={"range": (0, 10)})  # after a 429, a 5xx or a dropped connection
    backoff_s: float = field(default=0.5, metadata={"range": (0.0, 60.0)})  # doubled after each retry
    max_retry_after_s: float = field(default=30.0, metadata={"range": (0.0, 3600.0)})  # longer waits give up
    # calls in flight at once per platform; a call that finds them all taken for timeout_s fails as busy
    max_concurrency: int = field(default=16, metadata={"range": (1, 1024)})


@dataclass(frozen=True)
class TelegramConfig:
    base_url: str = "https://api.telegram.org"
    bot_token_env: str = "AISLE_TELEGRAM_BOT_TOKEN"
    secret_token_env: str = "AISLE_TELEGRAM_SECRET_TOKEN"  # the secret_token given to setWebhook


@dataclass(frozen=True)
class SlackConfig:
    base_url: str = "https://slack.com/api"
    bot_token_env: str = "AISLE_SLACK_BOT_TOKEN"
    signing_secret_env: str = "AISLE_SLACK_SIGNING_SECRET"
    max_age_s: int = field(default=300, metadata={"range": (10, 3600)})  # older signed requests are replays


@dataclass(frozen=True)
class WhatsAppConfig:
    base_url: str = "https://graph.facebook.com"
    api_version: str = "v21.0"
    phone_number_id: str = ""  # the business number that sends the answers
    access_token_env: str = "AISLE_WHATSAPP_ACCESS_TOKEN"
    app_secret_env: str = "AISLE_WHATSAPP_APP_SECRET"  # signs X-Hub-Signature-256
    verify_token_env: str = "AISLE_WHATSAPP_VERIFY_TOKEN"  # answered in the hub.challenge handshake


@dataclass(frozen=True)
class MessengerConfig:
    base_url: str = "https://graph.facebook.com"
    api_version: str = "v21.0"
    page_token_env: str = "AISLE_MESSENGER_PAGE_TOKEN"
    app_secret_env: str = "AISLE_MESSENGER_APP_SECRET"
    verify_token_env: str = "AISLE_MESSENGER_VERIFY_TOKEN"


@dataclass(frozen=True)
class ChatwootConfig:
    base_url: str = ""  # your Chatwoot, e.g. https://app.chatwoot.com
    bot_token_env: str = "AISLE_CHATWOOT_BOT_TOKEN"  # the Agent Bot's access token
    webhook_secret_env: str = "AISLE_CHATWOOT_WEBHOOK_SECRET"  # set: every webhook must be signed with it
    max_age_s: int = field(default=300, metadata={"range": (10, 3600)})


@dataclass(frozen=True)
class HandoffConfig:
    """When people answer, and what the shopper is told while waiting."""

    hours: tuple[str, ...] = ()  # e.g. [mon-fri 09:00-17:00, sat 10:00-14:00]; empty: always open
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        for spec in self.hours:
            parse_hours(spec)
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"channels.handoff.timezone = {self.timezone!r} is not valid: expected an IANA "
                              "time zone such as Europe/Berlin or UTC") from None


@dataclass(frozen=True)
class ConsoleConfig:
    token_env: str = "AISLE_CONSOLE_TOKEN"  # the agent console is served only when this variable is set
    session_hours: int = field(default=12, metadata={"range": (1, 24 * 30)})
    canned_replies: tuple[str, ...] = (
        "Hi, I'm from the customer-service team. Let me look into this for you.",
        "Thanks for waiting. Could you tell me your order number?",
        "Is there anything else I can help you with?",
    )


@dataclass(frozen=True)
class ChannelsConfig:
    enabled: tuple[str, ...] = ()  # channels to serve: telegram, slack, whatsapp, messenger, chatwoot, plug-ins
    public_base_url: str = ""  # Aisle's public address; platforms fetch product images from it
    db: str = field(default="", metadata=PATH)  # delivery log and widget outbox; empty: data_dir/channels.db
    outbound: OutboundConfig = OutboundConfig()
    telegram: TelegramConfig = TelegramConfig()
    slack: SlackConfig = SlackConfig()
    whatsapp: WhatsAppConfig = WhatsAppConfig()
    messenger: MessengerConfig = MessengerConfig()
    chatwoot: ChatwootConfig = ChatwootConfig()
    handoff: HandoffConfig = HandoffConfig()
    console: ConsoleConfig = ConsoleConfig()

    def __post_init__(self) -> None:  # unknown names are refused by the channel registry, which knows plug-ins
        if "chatwoot" in self.enabled and not self.chatwoot.base_url:
            raise ConfigError("channels.chatwoot.base_url is empty: the chatwoot channel needs your Chatwoot's address")
        if "whatsapp" in self.enabled and not self.whatsapp.phone_number_id:
            raise ConfigError("channels.whatsapp.phone_number_id is empty: the whatsapp channel needs the number's id")


def parse_hours(spec: str) -> tuple[frozenset[int], int, int]:
    """`"mon-fri 09:00-17:00"` -> (weekdays 0..6, start minute, end minute); a `ConfigError` names a bad one."""
    match = _HOURS.match(spec.strip().lower())
    bad = ConfigError(f"channels.handoff.hours: {spec!r} is not valid: expected days and times such as "
                      "'mon-fri 09:00-17:00' or 'sat,sun 10:00-14:00'")
    if not match:
        raise bad
    days: set[int] = set()
    for part in match["days"].split(","):
        first, _, last = part.partition("-")
        if first not in _DAYS or (last and last not in _DAYS):
            raise bad
        a, b = _DAYS.index(first), _DAYS.index(last or first)
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    start, end = _minutes(match["start"]), _minutes(match["end"])
    if start is None or end is None or end <= start:
        raise bad
    return frozenset(days), start, end


def _minutes(clock: str) -> int | None:
    hours, minutes = int(clock[:2]), int(clock[3:])
    return hours * 60 + minutes if hours <= 24 and minutes < 60 and hours * 60 + minutes <= 1440 else None
