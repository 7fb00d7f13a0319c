"""`python -m training.llm` and `python -m training.nlu` take every config field as an option."""
from training.config_options import config_args, config_parser
from training.llm import LLMTrainConfig
from training.nlu import NluTrainConfig


def test_llm_options_parse_numbers_booleans_and_lists_into_the_config():
    parser = config_parser(LLMTrainConfig, "test")
    fields, fresh = config_args(parser, ["--max-steps", "30", "--lora-targets", "q_proj, v_proj", "--fresh",
                                         "--learning-rate", "0.002"])
    config = LLMTrainConfig(**fields)
    assert (config.max_steps, config.lora_targets, config.learning_rate, fresh) == (30, ("q_proj", "v_proj"), 0.002, True)


def test_nlu_options_keep_the_defaults_they_are_not_given():
    fields, fresh = config_args(config_parser(NluTrainConfig, "test"), ["--steps", "12"])
    assert NluTrainConfig(**fields) == NluTrainConfig(steps=12) and not fresh
