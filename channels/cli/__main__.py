"""`python -m channels.cli ...`: the `aisle` command without its installed script."""
import sys

from channels.cli.main import main

sys.exit(main())
