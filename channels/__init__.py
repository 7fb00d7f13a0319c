"""Channels: how shoppers reach the agent, and the web server that serves them.

One aiohttp application (`channels.server.build_app`) serves every channel. A channel is a small
adapter with two directions: inbound, it validates a platform's payload and turns it into a
`UserMessage` for the callback it was given; outbound, it renders the returned `BotMessage`s in the
platform's format through `channels.rendering`, the one place where rich replies (product cards,
images, quick replies) fall back to plain text.

Channels (`channels.registry` lists them apart from the other route groups):

- `channels.rest`: the Rasa-compatible REST webhook, so Rasa web-chat clients work unchanged.
- `channels.webchat`: the website chat widget over a WebSocket, with its page and static files.
- `channels.messaging`: Telegram, Slack, WhatsApp, Messenger and Chatwoot on one base
  (`channels.messaging.base`).

Beside them: the colleagues' `console`, the `admin` API and dashboard, the `handoff` queue, the
`routes` that are not conversations (product pages, media, events, A/B tests), the `cli`, the
`llm_server` and the `rasa_actions` server. The top-level modules are the server's wiring.

    app = build_app(ServerConfig(), open_agent)   # open_agent() -> async context manager
    run_server(app, "127.0.0.1", 8080)
"""
