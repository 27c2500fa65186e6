"""Following a running project: periodic reports, inspections and their follow-up actions, adjustments."""
