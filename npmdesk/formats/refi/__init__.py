"""REFI-QDA exchange: .qdpx projects and .qdc codebooks, read safely and written to the standard."""
