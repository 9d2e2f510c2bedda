"""Command-line account management."""

commands: list = []
