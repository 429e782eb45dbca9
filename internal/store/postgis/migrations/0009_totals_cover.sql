-- The caps rules sum right_totals on every review. A group's row is
-- updated by every append, so its versions lie scattered over the heap
-- (copper's 84 rows sat on 68 pages at 200 000 rights); with the sums in
-- the key's index, the query reads a leaf page or two instead. The
-- primary key moves to the covering index, so ON CONFLICT still finds it.
CREATE UNIQUE INDEX right_totals_cover ON right_totals (kind, main_mineral, status, scale_unit, from_year) INCLUDE (rights, scale_micro);
ALTER TABLE right_totals DROP CONSTRAINT right_totals_pkey, ADD CONSTRAINT right_totals_pkey PRIMARY KEY USING INDEX right_totals_cover;
ANALYZE right_totals;
ANALYZE rights;
