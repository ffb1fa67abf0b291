"""Subcommands of the ``scan-station`` command line. Each module defines ``register(subparsers)``."""
