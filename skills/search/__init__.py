"""Product search: the first step of shopping (`skills.search.skill`)."""
from skills.search.skill import REQUEST_FIELDS, SearchHook, SearchInput, SearchSkill

__all__ = ["REQUEST_FIELDS", "SearchHook", "SearchInput", "SearchSkill"]
