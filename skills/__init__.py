"""Skills: typed units of work the agent routes to (search, help, out-of-scope, ...)."""
