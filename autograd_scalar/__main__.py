"""`python -m autograd_scalar`: the `autograd-scalar` command."""

import sys

from .apps.cli import main

__all__: list[str] = []  # a script: nothing to import from it

if __name__ == "__main__":
    sys.exit(main())
