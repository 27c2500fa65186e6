"""Final acceptance and closing: the final dossier, the acceptance council, its members' ratings and the grade, the
conclusion; result registration, settlement, assets, liquidation, recovery."""
