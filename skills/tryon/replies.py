"""What the try-on skill says. Kept together so the tone stays the same and tests can refer to it."""
from __future__ import annotations

ASK_PHOTO = (
    "Send me a photo of yourself, standing and facing the camera, with the 📎 button (or the camera on "
    "your phone), and I'll show you the {title} on you."
)
ASK_CONSENT = (
    "Before I use your photo: I'll use it only to make try-on pictures for you{service}. It's kept for at "
    "most {keep} and then deleted, and it's never shown to anyone else. Is that OK?"
)
CONSENT_YES = "Yes, use my photo"
CONSENT_NO = "No, thanks"
LATER = "Okay. Whenever you want to see something on you, just ask me to try it on."
DECLINED = "No problem: I won't use your photo, and I've deleted it. Happy browsing!"
WHICH_ONE = "Which one should I try on you? Say, for example, “try the first one on me”."
NOTHING_SHOWN = "Find something to wear first, then ask me to try it on, for example “show me red t-shirts”."
PHOTO_READY = "Got your photo. " + WHICH_ONE
PHOTO_READY_PENDING = "Got your photo. Shall I try the {title} on you now?"
GO_AHEAD = "Yes, try it on"
NOT_NOW = "Not now"
CONSENT_THANKS = "Thank you! " + WHICH_ONE
CONSENT_THANKS_NO_PHOTO = "Thank you! Now send me a photo of yourself with the 📎 button."
PHOTO_EXPIRED = "Your photo has been deleted (I keep photos for at most {keep}). Please send it again."
UNKNOWN_PRODUCT = "I can't find that product any more. Could you pick another one?"
OUT_OF_STOCK = (
    "The {title} is out of stock at the moment, so I won't try it on you. Shall I show you similar ones that are "
    "in stock? If you'd like to see it on you anyway, say “try it on anyway”."
)
AFTER_OUT_OF_STOCK = ("More like this", "Try it on anyway")
NOT_WEARABLE = (
    "I can only try on clothes: tops, bottoms and dresses. The {title} isn't one of those, but I can show "
    "you clothes that go with it."
)
NOT_SUPPORTED = "The try-on service here can only dress {supported}, so I can't try the {title} on you, sorry."
NO_PICTURE = "I don't have a picture of the {title} to try on, sorry."
WORKING = "Working on it, about {eta} s…"
PREVIEW_RESULT = (
    "Here's a quick preview of the {title} on you. It's a rough overlay to show colour and cut, not a "
    "real try-on."
)
RESULT = "Here you are in the {title}!"
FAILED = (
    "Sorry, I couldn't make the try-on picture: the try-on service isn't answering right now. The {title} "
    "is still here for you, and you can ask me to try again in a little while."
)
BAD_RESULT = "Sorry, the try-on picture came back broken. Please try again in a moment."
AFTER_RESULT = ("What shoes go with it?", "Try another one on")
AFTER_FAILURE = ("Try it on again", "Show me similar ones")

CATEGORY_NAMES = {"upper_body": "tops", "lower_body": "trousers, shorts and skirts", "dress": "dresses"}


def duration(seconds: float) -> str:
    """`3600` → "1 hour", `5400` → "90 minutes", `86400` → "24 hours"."""
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = int(seconds // 3600)
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
