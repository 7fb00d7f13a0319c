"""Wiring the recommendations: config to settings, the `recommend` skill, and the hint after a search.

    register_recommend_skill(skills, retriever, config)   # in agent.runtime.build_skills
"""
from __future__ import annotations

from collections.abc import Iterable

from agent.config import AisleConfig
from agent.llm.responder import PhrasedSkill
from knowledge.retriever import Retriever
from skills.base import Skill
from skills.recommend import Recommender, RecommendSettings, RecommendSkill, open_recommender
from skills.recommend.blend import Weights
from skills.recommend.search_hook import SearchSuggestion
from skills.registry import SkillRegistry
from skills.search import SearchSkill


def recommend_settings(config: AisleConfig) -> RecommendSettings:
    r = config.recommend
    by_hand = {"weights": Weights(**r.blend_weights())} if r.weights else {}
    return RecommendSettings(results=r.results, half_life_days=r.half_life_days, history_days=r.history_days,
                             refresh_seconds=r.refresh_seconds, relevance_share=1.0 - r.diversity,
                             per_type=r.per_type, model_path=config.recs_model_path, **by_hand)


def register_recommend_skill(skills: SkillRegistry, retriever: Retriever, config: AisleConfig) -> None:
    """Register `recommend` and, where a `search` skill is registered, its suggestion after results."""
    if not config.recommend.enabled:
        return
    demo = 0 if config.catalog.path else config.recommend.demo_shoppers
    recommender = open_recommender(retriever.index, config.events_path, recommend_settings(config), demo)
    skills.register(RecommendSkill(recommender, config.recommend.results))
    search = next((skill for skill in skills if isinstance(skill, SearchSkill)), None)
    if search is not None:
        search.after.append(SearchSuggestion(recommender))


def recommender_of(skills: Iterable[Skill]) -> Recommender | None:
    """The running recommender (for the dashboard and privacy erasure), also where an LLM words its replies."""
    for skill in skills:
        inner = skill.skill if isinstance(skill, PhrasedSkill) else skill
        if isinstance(inner, RecommendSkill):
            return inner.recommender
    return None
