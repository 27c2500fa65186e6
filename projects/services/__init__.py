"""The rules of funded projects, one module per record: contracts, tranches, reports, adjustments, acceptance,
closing."""
