"""The money of a project: its ledger, payments, settlements, recoveries and the final account."""
