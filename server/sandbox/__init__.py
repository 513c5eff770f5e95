"""A faithful stand-in for TikTok's Open API and payment webhooks, for development and tests."""
