"""Mermaid flowchart -> design (issue 15, item 3).

parser.py runs Mermaid's own flowchart grammar (node, deadline, size limits)."""
