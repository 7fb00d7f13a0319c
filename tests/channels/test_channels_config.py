"""Channel settings that are wrong stop the start with a message that says what to fix."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from agent.config import ServerConfig, load_config
from agent.config_channels import ChannelsConfig
from agent.errors import ConfigError
from channels.handoff.business_hours import BusinessHours
from channels.server import build_app
from channels.testing import serving


def test_the_channels_section_loads_from_the_file_and_the_environment(tmp_path):
    path = tmp_path / "aisle.yml"
    path.write_text("channels:\n  enabled: [telegram]\n  handoff:\n    hours: [mon-fri 09:00-17:00]\n")
    config = load_config(path, environ={"AISLE_CHANNELS__TELEGRAM__BASE_URL": "http://127.0.0.1:9",
                                        "AISLE_TELEGRAM_BOT_TOKEN": "not a config key"})
    assert config.channels.enabled == ("telegram",)
    assert config.channels.telegram.base_url == "http://127.0.0.1:9"
    assert config.channels.handoff.hours == ("mon-fri 09:00-17:00",)


@pytest.mark.parametrize("text, says", [
    ("channels:\n  handoff:\n    hours: [weekdays 9-5]\n", "'weekdays 9-5' is not valid"),
    ("channels:\n  handoff:\n    hours: [mon-fri 17:00-09:00]\n", "mon-fri 09:00-17:00"),
    ("channels:\n  handoff:\n    timezone: Mars/Olympus\n", "IANA time zone"),
    ("channels:\n  enabled: [chatwoot]\n", "channels.chatwoot.base_url is empty"),
    ("channels:\n  enabled: [whatsapp]\n", "phone_number_id"),
    ("channels:\n  outbound:\n    retries: 99\n", "channels.outbound.retries"),
])
def test_bad_values_name_what_is_wrong(tmp_path, text, says):
    path = tmp_path / "aisle.yml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=says):
        load_config(path, environ={})


def test_an_enabled_channel_without_its_secret_or_an_unknown_one_stops_the_start(monkeypatch, fake_agent):
    monkeypatch.delenv("AISLE_SLACK_SIGNING_SECRET", raising=False)
    with pytest.raises(ConfigError, match="AISLE_SLACK_SIGNING_SECRET"):
        build_app(ServerConfig(), serving(fake_agent), platforms=ChannelsConfig(enabled=("slack",)))
    with pytest.raises(ConfigError, match="unknown channel 'fax': choose from .*telegram"):
        build_app(ServerConfig(), serving(fake_agent), platforms=ChannelsConfig(enabled=("fax",)))


def test_business_hours_in_the_shops_time_zone():
    hours = BusinessHours(("mon-fri 09:00-17:00", "sat 10:00-14:00"), "Europe/Berlin")
    assert hours.is_open(datetime(2025, 6, 6, 8, 30, tzinfo=timezone.utc))  # Friday 10:30 in Berlin
    assert not hours.is_open(datetime(2025, 6, 6, 15, 30, tzinfo=timezone.utc))  # Friday 17:30
    saturday_evening = datetime(2025, 6, 7, 18, 0, tzinfo=timezone.utc)
    assert not hours.is_open(saturday_evening)
    assert hours.describe_next(saturday_evening) == "Monday at 09:00"
    assert hours.describe_next(datetime(2025, 6, 6, 15, 30, tzinfo=timezone.utc)) == "tomorrow at 10:00"
    assert BusinessHours().is_open() and BusinessHours().describe_next() == "soon"
