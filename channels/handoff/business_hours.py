"""When the customer-service team answers, from `channels.handoff.hours` in the shop's time zone.

>>> hours = BusinessHours(("mon-fri 09:00-17:00",), "Europe/Berlin")
>>> hours.is_open(datetime(2025, 6, 7, 12, 0, tzinfo=timezone.utc))     # a Saturday
False
>>> hours.describe_next(datetime(2025, 6, 7, 12, 0, tzinfo=timezone.utc))
'Monday at 09:00'
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from agent.config_channels import parse_hours

_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class BusinessHours:
    """No hours configured means always open."""

    def __init__(self, specs: tuple[str, ...] = (), tz: str = "UTC") -> None:
        self.windows = [parse_hours(spec) for spec in specs]
        self.zone = ZoneInfo(tz)

    def is_open(self, when: datetime | None = None) -> bool:
        if not self.windows:
            return True
        local = self._local(when)
        minute = local.hour * 60 + local.minute
        return any(local.weekday() in days and start <= minute < end for days, start, end in self.windows)

    def next_opening(self, when: datetime | None = None) -> datetime | None:
        """The next moment the team is in, in the shop's time zone (None when always open)."""
        if not self.windows:
            return None
        local = self._local(when)
        for ahead in range(8):
            day = (local + timedelta(days=ahead)).date()
            starts = sorted(start for days, start, _ in self.windows if day.weekday() in days)
            for start in starts:
                opening = datetime(day.year, day.month, day.day, start // 60, start % 60, tzinfo=self.zone)
                if opening > local:
                    return opening
        return None

    def describe_next(self, when: datetime | None = None) -> str:
        """"today at 09:00", "tomorrow at 09:00" or "Monday at 09:00"."""
        opening = self.next_opening(when)
        if opening is None:
            return "soon"
        today = self._local(when).date()
        gap = (opening.date() - today).days
        day = "today" if gap == 0 else "tomorrow" if gap == 1 else _DAY_NAMES[opening.weekday()]
        return f"{day} at {opening:%H:%M}"

    def _local(self, when: datetime | None) -> datetime:
        return (when or datetime.now(timezone.utc)).astimezone(self.zone)
