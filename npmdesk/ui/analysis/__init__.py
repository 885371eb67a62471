"""Analysis views: matrices, framework chart, alignment, saturation, and their menu."""
