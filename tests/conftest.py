"""Hypothesis profiles: "default" for quick local runs, "ci" (chosen when CI is set) runs the
property tests with more examples and no deadline."""

import os

from hypothesis import settings

settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")
