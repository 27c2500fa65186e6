"""A call's review council: forming it (members, the composition rule), who sits before which application (conflicts
of interest, reviewers), attendance and quorum, and its moves from forming to released."""
