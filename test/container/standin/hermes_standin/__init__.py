"""A stand-in for the Hermes CLI: writes its state files the way the real one does."""
