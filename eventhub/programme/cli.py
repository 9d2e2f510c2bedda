"""Command-line programme import and export."""

commands: list = []
