"""Daily digests: time parsing, due-time computation, rotation, and the delivery run."""
