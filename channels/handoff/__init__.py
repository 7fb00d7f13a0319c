"""The handoff desk: where a conversation waits for a colleague, and how every process hears of it.

- `queue`: the `HandoffDesk` the agent hands conversations to (tickets in the channels' database);
- `ticket`: one waiting conversation, its urgency and its place in the queue;
- `relay`: the queue's changes shared between server processes over Redis;
- `business_hours`: when the team answers, from `channels.handoff.hours`.

The colleagues' side is the console (`channels.console`).
"""
