"""Fuzzing: generated, mutated and hostile posts, and the runner that builds them in batches
through the real command line (``make fuzz``; a fixed-seed slice runs in the test suite)."""
