"""CLI sub-commands, one module per area; each module defines register(subparsers)."""
