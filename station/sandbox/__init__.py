"""A local stand-in for the Blend API (FastAPI and SQLite) with demo data and fault injection.

It serves development, tests and operator training, and is never a replacement for Blend.
"""
