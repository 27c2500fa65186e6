"""A council's results: the arithmetic as pure functions (scoring), the aggregation and ranking of its applications,
the results page, the printed minutes and vote count, and the Excel export."""
