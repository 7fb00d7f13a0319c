"""What every messaging platform does the same way: the typed inbound message, the one way a turn is
run and answered, and the fallbacks for what a platform cannot show.

A platform adapter is a `MessagingChannel` that says how to fetch a shopper's photo and how to send
one reply; its webhook verifies the platform's signature and parses a delivery into an
`InboundMessage`. Everything between is shared:

    webhook  -> verify, parse -> InboundMessage --keep--> durable inbox (the 200 goes out)
    inbox    -> run_turn_and_answer: fetch the photo, run the turn (in order, the one catch point)
    replies  -> deliver: fit each reply to what the platform shows, then send it

A reply part the platform cannot show (`shows`) reaches the shopper as text (`channels.rendering.fit_to`):
product cards as numbered lines with their links, an image as its link, quick replies as options.
Outside a turn (a colleague's reply, a queue notice), `send_fields` may hold a message back where the
platform's rules forbid sending it now (WhatsApp's and Messenger's windows).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

from aiohttp import web

from agent.errors import ChannelError
from agent.types import Attachment, BotMessage, UserMessage
from channels.context import CONVERSATION_ID
from channels.rendering import Shows, fit_to
from channels.services import ChannelServices
from channels.webhooks import acknowledged

_LEGACY_SENDER = ("sender", "chat")  # the inbox of an earlier version kept Telegram's chat as "chat"
_LEGACY_PHOTO = ("photo", "media", "image")


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """One shopper message as a platform delivered it, before the turn.

    `sender` is the conversation within the platform (a Telegram chat, a Slack channel and thread, a
    WhatsApp number, ...); `photo` is the platform's reference to the shopper's photo (a file id, a
    media id, a URL), '' for none; `message_id` is the platform's id for the delivery, by which the
    inbox answers it once; `metadata` holds what only that platform needs (a photo's type, the id of
    a pressed button, the conversation's status), JSON values only: the inbox keeps the message.
    """

    sender: str
    text: str = ""
    photo: str = ""
    message_id: str = ""
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        """The message as the durable inbox keeps it (JSON)."""
        return asdict(self) | {"metadata": dict(self.metadata)}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> InboundMessage:
        """The message back from the inbox; a delivery an earlier version kept (flat) reads too."""
        if "metadata" in record:
            return cls(**{key: record[key] for key in ("sender", "text", "photo", "message_id", "metadata")})
        sender = next((str(record[key]) for key in _LEGACY_SENDER if record.get(key)), "")
        photo = next((str(record[key]) for key in _LEGACY_PHOTO if record.get(key)), "")
        rest = {key: value for key, value in record.items() if key not in (*_LEGACY_SENDER, *_LEGACY_PHOTO, "text")}
        return cls(sender, str(record.get("text") or ""), photo, str(record.get("id") or ""), rest)


class MessagingChannel:
    """One messaging platform's adapter. A subclass sets `name` (and `shows` where the platform lacks
    cards, buttons or images) and provides `send`; `fetch_photo` where shoppers can send photos."""

    name: ClassVar[str]
    shows: ClassVar[Shows] = Shows()

    def __init__(self, services: ChannelServices) -> None:
        self.services = services
        services.inbox.register(self.name, self._from_inbox)
        services.postboxes.register(self.name, self.deliver)

    def conversation(self, sender: str) -> str:
        return f"{self.name}:{sender}"

    # -- inbound ---------------------------------------------------------------------------------

    async def keep(self, message: InboundMessage) -> bool:
        """Commit `message` to the durable inbox and start answering it; False when it came before."""
        return await self.services.inbox.accept(self.name, message.message_id, self.conversation(message.sender),
                                                message.to_record())

    async def acknowledge(self, request: web.Request, message: InboundMessage | None) -> web.Response:
        """The end of a webhook that carries at most one message: keep it, then the quick 200."""
        if message is None:
            return acknowledged()
        request[CONVERSATION_ID] = self.conversation(message.sender)
        if not await self.keep(message):
            return acknowledged(duplicate=True)
        return acknowledged()

    async def _from_inbox(self, record: dict[str, Any]) -> None:
        await self.run_turn_and_answer(self.read_record(record))

    def read_record(self, record: Mapping[str, Any]) -> InboundMessage:
        """The message the inbox kept; a platform whose earlier versions kept other fields reads them here."""
        return InboundMessage.from_record(record)

    async def run_turn_and_answer(self, message: InboundMessage) -> None:
        """The one way a platform's message is answered: its photo fetched (the shopper is told when
        that fails), the turn run in order with the conversation's others, the replies sent."""
        if not message.text.strip() and not message.photo:
            return
        text = await self.text_of(message)
        send = lambda replies: self.deliver(message.sender, replies)  # noqa: E731
        attachments: tuple[Attachment, ...] = ()
        if message.photo:
            photo = await self.services.dispatcher.fetch_photo(self.fetch_photo(message), send,
                                                               self.conversation(message.sender))
            if photo is None:
                return
            attachments = (photo,)
        turn = UserMessage(sender_id=message.sender, text=text, channel=self.name, attachments=attachments)
        await self.services.dispatcher.turn(turn, send)

    async def text_of(self, message: InboundMessage) -> str:
        """What the shopper said, as the agent reads it (a platform may first acknowledge a button press)."""
        return message.text

    async def fetch_photo(self, message: InboundMessage) -> Attachment:
        raise ChannelError(f"{self.name} does not take photos")

    # -- outbound --------------------------------------------------------------------------------

    async def deliver(self, sender: str, messages: list[BotMessage], event: dict | None = None) -> None:
        """Send `messages` to `sender`: a turn's answers (`event` None), or, through the postbox, messages
        outside a turn (`event` says what happened: a colleague's reply, a notice) where the platform allows."""
        fields = await self.send_fields(sender, messages, event)
        if fields is None:
            return
        for message in messages:
            await self.send(sender, self.fit(message), fields)

    def fit(self, message: BotMessage) -> BotMessage:
        """`message` with what this platform cannot show written into its text."""
        return fit_to(message, self.shows, self.services.absolute_url)

    async def send_fields(self, sender: str, messages: list[BotMessage], event: dict | None) -> dict[str, Any] | None:
        """Fields every send of this delivery carries; None where the platform's rules forbid sending now."""
        return {}

    async def send(self, sender: str, message: BotMessage, fields: dict[str, Any]) -> None:
        raise NotImplementedError
