"""What a shopper writing in a language the assistant does not understand is told, in their language.

    language_reply("de", ("en",)).text
    # -> 'Entschuldigung, ich verstehe noch kein Deutsch. Ich kann dir auf Englisch helfen. Zum Beispiel: …'

Each catalogue entry is written for its own language (not machine-translated at run time) and names
the languages the shop's assistant understands (`nlu.languages`) in the shopper's language. A
language without an entry is answered in English, naming it.
"""
from __future__ import annotations

from collections.abc import Sequence

from skills.base import SkillResult
from skills.smalltalk import EXAMPLES

# the name of each language, written in the language of the reply
NAMES = {
    "en": {"en": "English", "es": "Spanish", "de": "German", "fr": "French", "it": "Italian", "pt": "Portuguese",
           "nl": "Dutch", "pl": "Polish", "sv": "Swedish", "da": "Danish", "fi": "Finnish", "tr": "Turkish",
           "ru": "Russian", "ja": "Japanese", "zh": "Chinese", "ar": "Arabic", "ca": "Catalan", "ro": "Romanian",
           "cs": "Czech", "hu": "Hungarian"},
    "es": {"en": "inglés", "es": "español", "de": "alemán", "fr": "francés", "it": "italiano", "pt": "portugués",
           "nl": "neerlandés"},
    "de": {"en": "Englisch", "es": "Spanisch", "de": "Deutsch", "fr": "Französisch", "it": "Italienisch",
           "pt": "Portugiesisch", "nl": "Niederländisch"},
    "fr": {"en": "anglais", "es": "espagnol", "de": "allemand", "fr": "français", "it": "italien", "pt": "portugais",
           "nl": "néerlandais"},
    "it": {"en": "inglese", "es": "spagnolo", "de": "tedesco", "fr": "francese", "it": "italiano", "pt": "portoghese",
           "nl": "olandese"},
    "pt": {"en": "inglês", "es": "espanhol", "de": "alemão", "fr": "francês", "it": "italiano", "pt": "português",
           "nl": "neerlandês"},
    "nl": {"en": "Engels", "es": "Spaans", "de": "Duits", "fr": "Frans", "it": "Italiaans", "pt": "Portugees",
           "nl": "Nederlands"},
}
# a language's own name, for one that the reply's language has no name for here
ENDONYMS = {"en": "English", "es": "español", "de": "Deutsch", "fr": "français", "it": "italiano", "pt": "português",
            "nl": "Nederlands", "pl": "polski", "sv": "svenska", "da": "dansk", "fi": "suomi", "tr": "Türkçe",
            "ru": "русский", "ja": "日本語", "zh": "中文", "ar": "العربية", "ca": "català", "ro": "română",
            "cs": "čeština", "hu": "magyar"}
AND = {"en": "and", "es": "y", "de": "und", "fr": "et", "it": "e", "pt": "e", "nl": "en"}

# {languages}: the understood languages, named in this language; {example}: a request the shop understands
CATALOGUE = {
    "es": "Lo siento, todavía no entiendo el español. Puedo ayudarte en {languages}. Por ejemplo: “{example}”.",
    "de": "Entschuldigung, ich verstehe noch kein Deutsch. Ich kann dir auf {languages} helfen. "
          "Zum Beispiel: „{example}“.",
    "fr": "Désolé, je ne comprends pas encore le français. Je peux vous aider en {languages}. "
          "Par exemple : « {example} ».",
    "it": "Mi dispiace, non capisco ancora l'italiano. Posso aiutarti in {languages}. Per esempio: “{example}”.",
    "pt": "Desculpe, ainda não entendo português. Posso ajudar em {languages}. Por exemplo: “{example}”.",
    "nl": "Excuses, ik begrijp nog geen Nederlands. Ik kan je helpen in het {languages}. Bijvoorbeeld: ‘{example}’.",
}
FALLBACK = "Sorry, I don't understand {language} yet. I can help you in {languages}. For example: “{example}”."


def language_name(code: str, in_language: str) -> str:
    return NAMES.get(in_language, {}).get(code) or ENDONYMS.get(code) or code


def spoken_list(codes: Sequence[str], in_language: str) -> str:
    """"English", "English and Spanish", "English, Spanish and German", in the reply's language."""
    names = [language_name(code, in_language) for code in codes] or [language_name("en", in_language)]
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} {AND.get(in_language, 'and')} {names[-1]}"


def language_reply(language: str, understood: Sequence[str]) -> SkillResult:
    """The reply, in the shopper's language where the catalogue has it, with example requests to tap."""
    example = EXAMPLES[0]
    if language in CATALOGUE:
        text = CATALOGUE[language].format(languages=spoken_list(understood, language), example=example)
    else:
        text = FALLBACK.format(language=language_name(language, "en"), languages=spoken_list(understood, "en"),
                               example=example)
    return SkillResult(text, quick_replies=EXAMPLES, data={"language": language})
