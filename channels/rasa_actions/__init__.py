"""Aisle's skills as Rasa custom actions (`executor`), served by `aisle actions` (`channels.cli.actions`).

Not a shoppers' channel: a team running Rasa calls Aisle's skills from its own stories.
"""
