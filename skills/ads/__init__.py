"""Ad copy for merchants, and A/B tests of it.

`AdWriter` writes variants per placement within hard limits, through the `BrandSafety` filter;
`AdsSkill` serves "write 3 ads for product X" to merchants only; `Experiments` runs A/B tests
with a Thompson-sampling bandit over impressions and clicks kept in SQLite (`ABStore`), and
reports CTR per variant with credible intervals and a plot.
"""
