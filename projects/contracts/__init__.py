"""The project record and its contract: the project page, moves and documents; the contract, its annex, products
and tranches."""
