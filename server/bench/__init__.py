"""Benchmarks run against a real `python -m server` process: `python -m server.bench orders`."""
