"""Product descriptions that state only what the product's attributes back.

`TemplateComposer` writes from the attributes; `GroundingChecker` finds stated facts the
attributes do not back; `DescriptionGenerator` puts an optional LLM writer in front of both;
`DescribeSkill` answers "tell me more about the second one"; `describe_catalog` does a whole
catalog, resumably.
"""

# What other skills may use: the grounding check and product views (ads, product Q&A), product
# references ("the second one"), and the resumable JSON Lines writer of bulk jobs.
__interface__ = ("grounding", "composer", "resolve", "bulk")
