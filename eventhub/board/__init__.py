"""board domain."""
