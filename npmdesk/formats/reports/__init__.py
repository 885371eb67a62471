"""Reports: Word (.docx) and CSV builders over the project's read-only queries."""
