"""Prefect flows that wire storydiff's stages together.

Importing this package sets Prefect's defaults for storydiff before Prefect itself is imported:
no telemetry, a project-local PREFECT_HOME, quiet logs. Anything already set by the user wins.
"""

import os
from pathlib import Path

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_HOME", str(Path.cwd() / ".prefect"))
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the default model is on disk; never wait on a hub
