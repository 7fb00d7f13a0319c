"""Product descriptions that state only what the product's attributes back.

`extract_facts` finds every fact the shop gave (fields, attribute columns, specification strings,
its own description) with its source; `TemplateComposer` writes a product page from them; `GroundingChecker` finds stated facts the
attributes do not back; `DescriptionGenerator` puts an optional LLM writer in front of both;
`DescribeSkill` answers "tell me more about the second one"; `describe_catalog` does a whole
catalog, resumably.
"""

# What other skills may use: the grounding check, the extracted facts, product views and page wording
# (ads, product Q&A), product references ("the second one"), and the resumable JSON Lines writer of bulk jobs.
__interface__ = ("grounding", "facts", "composer", "page_words", "resolve", "bulk")
