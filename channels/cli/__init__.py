"""The `aisle` command line: `main` parses the command and runs it; one module per group of commands.

- `main`: `serve`, `index`, `chat`, and the parser every other module adds its commands to;
- `init`: `aisle init DIR`, a new shop project from the shipped defaults (and the demo shop);
- `training`, `llm`, `generate`: training the NLU and the dialog LLM, generating data and reports;
- `actions`: `aisle actions`, the Rasa custom-action server (`channels.rasa_actions`);
- `llm_serve`: `aisle llm-serve`, the OpenAI-compatible model server (`channels.llm_server`);
- `privacy`: exporting and erasing a shopper's data.

`python -m channels.cli ...` runs the same command as `aisle ...` (the script is `channels.cli.main:main`).
"""
