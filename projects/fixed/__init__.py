"""Fixed-amount support: batch decisions of a call approving checked applications, and each award's payment."""
