"""Accounts: people, signing in and out, profiles."""
