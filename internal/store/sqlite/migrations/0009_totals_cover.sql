-- The caps rules sum right_totals on every review: an index holding the
-- sums as well as the key answers them without reading the table (the
-- same covering index as PostgreSQL's migration 9).
CREATE INDEX right_totals_cover ON right_totals (kind, main_mineral, status, scale_unit, from_year, rights, scale_micro);
