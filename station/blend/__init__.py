"""Client for the Blend REST API (https://docs.byblend.com), paths under ``/api/v1``."""
