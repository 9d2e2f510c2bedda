"""rooms domain."""
