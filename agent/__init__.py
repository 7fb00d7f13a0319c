"""The dialog core: message types, configuration, the turn loop, NLU and conversation stores."""
