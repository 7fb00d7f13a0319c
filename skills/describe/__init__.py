"""Product descriptions that state only what the product's attributes back.

`TemplateComposer` writes from the attributes; `GroundingChecker` finds stated facts the
attributes do not back; `DescriptionGenerator` puts an optional LLM writer in front of both;
`DescribeSkill` answers "tell me more about the second one"; `describe_catalog` does a whole
catalog, resumably.
"""
