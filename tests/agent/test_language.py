"""Other languages: a shopper writing Spanish or German is told, in that language, which languages the
assistant understands; short English messages keep the English path; with a multilingual embedder the
request is routed like an English one."""
from __future__ import annotations

import copy

import numpy as np
import pytest

from agent.config import NluConfig
from agent.defaults import NLU_DATA, shipped
from agent.dialog import DialogPolicy
from agent.errors import ConfigError
from agent.language_replies import CATALOGUE, NAMES, language_reply
from agent.nlu.intent_model import IntentModel
from agent.nlu.language import COMMON, OTHER_LANGUAGE, LanguageDetector, language_detector
from agent.nlu.nlu_data import read_nlu_data
from agent.nlu.router import EmbeddingRouter
from agent.state import DialogState
from tests.agent.conftest import orders_of, say

SHOPPERS = {
    "es": ["hola, busco zapatillas para correr", "¿tienen vestidos rojos de talla M?", "quiero unos vaqueros azules",
           "¿dónde está mi pedido?", "necesito un regalo para mi madre", "quiero hablar con una persona",
           "muéstrame mochilas baratas", "algo más barato, por favor"],
    "de": ["hallo, ich suche Laufschuhe", "habt ihr rote Kleider in Größe M?", "wo ist meine Bestellung?",
           "ich brauche ein Geschenk für meine Mutter", "zeig mir günstige Rucksäcke", "etwas Billigeres bitte",
           "kann ich einen Artikel zurückgeben?", "ich suche eine wasserdichte Jacke"],
    "fr": ["bonjour, je cherche des chaussures de course", "avez-vous des robes rouges en taille M ?",
           "où est ma commande ?", "j'ai besoin d'un cadeau pour ma mère", "je veux parler à une personne",
           "quelque chose de moins cher, s'il vous plaît", "je cherche une veste imperméable", "merci, c'est tout"],
    "it": ["ciao, cerco scarpe da corsa", "avete vestiti rossi in taglia M?", "vorrei dei jeans blu da uomo",
           "dov'è il mio ordine?", "ho bisogno di un regalo per mia madre", "voglio parlare con una persona",
           "qualcosa di più economico, per favore", "cerco una giacca impermeabile"],
    "pt": ["olá, procuro tênis de corrida", "vocês têm vestidos vermelhos no tamanho M?", "onde está o meu pedido?",
           "preciso de um presente para minha mãe", "quero falar com uma pessoa", "algo mais barato, por favor",
           "posso devolver um produto?", "procuro um casaco impermeável"],
    "nl": ["hallo, ik zoek hardloopschoenen", "hebben jullie rode jurken in maat M?", "waar is mijn bestelling?",
           "ik heb een cadeau nodig voor mijn moeder", "ik wil met een mens praten", "iets goedkopers alsjeblieft",
           "kan ik een artikel terugsturen?", "ik zoek een waterdichte jas"],
}
SHORT = ["ok", "hola", "sneakers", "XL", "Nike", "Adidas", "Levi's", "Zara", "gracias", "danke", "merci", "ciao",
         "size 9", "in blue", "cheaper", "the second one", "bolsa", "espresso", "poncho", "kimono", "lol", "nope",
         "M", "40", "hoodie", "jeans", "sandals", "Calvin Klein", "New Balance", "Tommy Hilfiger"]


TYPOED_ENGLISH = ["sneekers in blue", "ok, forget suede, under 150?", "undr 80 dolars", "in blak",
                  "a leathr backpak", "linen dress, no polyester", "noise cancelling headphnes", "any in navy?"]


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector().load()


def test_english_with_typos_and_shorthand_stays_english(detector):
    """The model alone calls some of these Dutch, Danish or Swedish; English is not ruled out, so they stay."""
    assert {text: detector.detect(text).language for text in TYPOED_ENGLISH} == dict.fromkeys(TYPOED_ENGLISH, "en")


def test_requests_in_six_languages_are_recognised(detector):
    found = {lang: [detector.detect(text).language for text in texts] for lang, texts in SHOPPERS.items()}
    right = sum(got == lang for lang, langs in found.items() for got in langs)
    assert right >= 0.9 * sum(map(len, SHOPPERS.values())), found
    assert all(langs.count(lang) >= 6 for lang, langs in found.items()), found  # no language left behind


def test_the_shops_own_english_examples_and_short_words_stay_english(detector):
    english = [example.text for example in read_nlu_data(shipped(NLU_DATA)).examples] + SHORT
    foreign = [(text, detector.detect(text)) for text in english if detector.detect(text).language != "en"]
    assert len(foreign) <= 0.005 * len(english), foreign  # false-foreign rate near 0 (0 of ~600 when written)


def test_short_messages_are_never_called_foreign_whatever_they_look_like(detector):
    for text in ("hola", "gracias", "danke schön", "¿y rojo?", "merci!", "XL", "Nike Air"):
        assert detector.detect(text).confidence == 0.0, text


@pytest.mark.parametrize("language", sorted(CATALOGUE))
def test_each_catalogue_reply_is_in_the_shoppers_language_and_names_the_understood_ones(language, detector):
    reply = language_reply(language, ("en", "fr"))
    english, french = NAMES[language]["en"], NAMES[language]["fr"]
    assert english in reply.text and french in reply.text, reply.text
    assert NAMES[language][language].lower() in reply.text.lower()  # it says which language it does not speak
    assert "can't help" not in reply.text and reply.quick_replies  # something to tap that it understands
    assert detector.detect(reply.text).language == language, reply.text


def test_a_language_without_a_catalogue_entry_is_answered_in_english_naming_it():
    reply = language_reply("pl", ("en", "es"))
    assert "Polish" in reply.text and "English and Spanish" in reply.text


def test_languages_are_two_letter_codes():
    with pytest.raises(ConfigError, match="nlu.languages.*'english'"):
        NluConfig(languages=("en", "english"))
    assert language_detector(NluConfig(languages=())) is None
    assert language_detector(NluConfig(languages=("en", "ga"))).languages[:2] == ("en", "ga")


@pytest.fixture
async def spanish_agent(shop, tmp_path):
    router = copy.copy(shop.router)  # the shop's English router, with the language check that serve adds
    router.language = LanguageDetector().load()
    agent = shop.agent(tmp_path, router=router)
    yield agent
    await orders_of(agent).close()
    await agent.store.close()


async def test_a_spanish_or_german_shopper_is_told_in_their_language_what_the_assistant_speaks(spanish_agent):
    reply = await say(spanish_agent, "ana", "hola, ¿tienen zapatillas rojas para correr?")
    assert "inglés" in reply.text and "can't help" not in reply.text and not reply.products
    reply = await say(spanish_agent, "jan", "Ich suche eine wasserdichte Jacke für meinen Mann")
    assert "Englisch" in reply.text and "Deutsch" in reply.text
    # the same conversation goes on in English, on the English path
    reply = await say(spanish_agent, "jan", "waterproof jackets")
    assert reply.products and "Englisch" not in reply.text


async def test_short_english_messages_keep_the_english_path(spanish_agent):
    reply = await say(spanish_agent, "kim", "sneakers")
    assert reply.products and "English" not in reply.text
    reply = await say(spanish_agent, "kim", "hola")
    assert "inglés" not in reply.text


class GlossaryEmbedder:
    """A stand-in for a multilingual sentence encoder (none can be had here without a hub download): Spanish
    words are mapped onto English ones before MiniLM embeds them, so Spanish and English requests land
    close together, as they do with a real multilingual model."""

    GLOSSARY = {"hola": "hello", "busco": "I'm looking for", "zapatillas": "sneakers", "rojas": "red",
                "gracias": "thanks", "dónde": "where", "está": "is", "mi": "my", "pedido": "order",
                "quiero": "I want", "hablar": "to talk", "con": "with", "una": "a", "persona": "person"}

    def __init__(self, minilm):
        self.minilm = minilm
        self.name, self.dim = "glossary-minilm", minilm.dim

    def embed(self, texts, progress=False) -> np.ndarray:
        return self.minilm.embed([" ".join(self.GLOSSARY.get(w.strip("¿?¡!,."), w) for w in t.lower().split())
                                  for t in texts])


def test_with_a_multilingual_embedder_a_spanish_request_is_routed_like_an_english_one(shop, minilm):
    embedder = GlossaryEmbedder(minilm)
    nlu = read_nlu_data(shipped(NLU_DATA))
    head = IntentModel.train(embedder.embed([e.text for e in nlu.examples]), [e.intent for e in nlu.examples])
    router = EmbeddingRouter(embedder, head, shop.router.lexicon, 0.35, language=LanguageDetector().load(),
                             understood=("en", "es"))
    policy = DialogPolicy([], languages=("en", "es"))
    spanish = {"hola, busco zapatillas rojas": "search_products", "¿dónde está mi pedido?": "order_status",
               "quiero hablar con una persona": "human_handoff"}
    for text, intent in spanish.items():
        understanding = router.understand(text)
        assert understanding.intent == intent and understanding.language == "", (text, understanding)
        assert policy.plan(understanding, DialogState()).decision.intent != OTHER_LANGUAGE
    # the same message with an English-only intent model: the shopper is told which languages it understands
    english_only = EmbeddingRouter(embedder, head, shop.router.lexicon, 0.35, language=LanguageDetector().load())
    assert english_only.understand("¿dónde está mi pedido?").intent == OTHER_LANGUAGE


def test_the_default_detector_tells_common_languages_apart():
    assert {"en", "es", "de", "fr", "it", "pt", "nl"} <= set(COMMON)


async def test_with_an_llm_router_the_llm_reads_the_other_language_and_its_failure_still_answers_kindly(shop):
    from agent.errors import BackendUnavailable
    from agent.llm.router import LLMRouter
    from agent.llm.testkit import ScriptedBackend
    from agent.llm.types import ToolCall
    from skills.registry import SkillRegistry
    from skills.search import SearchSkill
    from skills.smalltalk import OutOfScopeSkill, SmalltalkSkill

    registry = SkillRegistry()
    for skill in (SearchSkill(retriever=None), SmalltalkSkill(), OutOfScopeSkill()):
        registry.register(skill)
    embedding = copy.copy(shop.router)
    embedding.language = LanguageDetector().load()
    text = "hola, ¿tienen zapatillas rojas para correr?"
    reads = ScriptedBackend([ToolCall("search", {"query": "red running sneakers", "colour": "red"})])
    understanding = await LLMRouter(reads, embedding, registry.tool_schemas()).aunderstand(text)
    assert understanding.intent == "search_products" and understanding.entities.get("colour") == "red"
    fails = ScriptedBackend([BackendUnavailable("down")])
    understanding = await LLMRouter(fails, embedding, registry.tool_schemas()).aunderstand(text)
    assert (understanding.intent, understanding.language) == (OTHER_LANGUAGE, "es")
