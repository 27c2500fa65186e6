"""A member's work on each application: the declaration of interests, then the score sheet (draft, submitted,
reopened), and the sheet printed to sign."""
