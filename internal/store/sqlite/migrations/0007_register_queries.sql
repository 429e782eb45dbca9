-- The register pages, filters, counts and sums in SQL. The rights row
-- gains the columns the queries need, taken out of the state JSON: the
-- exact bounding box (the R*Tree rounds its boxes outwards), the validity
-- dates (for the status on a day) and the design scale in millionths of
-- its unit (integer sums are exact). right_states keeps every state a
-- right has had, with the days it is the as-of state on, so the register
-- as of a day is read through an index instead of replaying the log.
-- The program fills the new columns and the history of rows stored
-- before this version right after migrating (a Go backfill: the exact
-- boxes come from the WKB, the states from replaying the events).
ALTER TABLE rights ADD COLUMN min_lon     REAL    NOT NULL DEFAULT 0;
ALTER TABLE rights ADD COLUMN min_lat     REAL    NOT NULL DEFAULT 0;
ALTER TABLE rights ADD COLUMN max_lon     REAL    NOT NULL DEFAULT 0;
ALTER TABLE rights ADD COLUMN max_lat     REAL    NOT NULL DEFAULT 0;
ALTER TABLE rights ADD COLUMN valid_from  TEXT    NOT NULL DEFAULT '';
ALTER TABLE rights ADD COLUMN valid_to    TEXT    NOT NULL DEFAULT '';
ALTER TABLE rights ADD COLUMN scale_unit  TEXT    NOT NULL DEFAULT '';
ALTER TABLE rights ADD COLUMN scale_micro INTEGER NOT NULL DEFAULT 0;

-- Filter indexes end with the ID, so a filtered page is read in ID order
-- from the index and stops at its limit.
DROP INDEX rights_kind_status;
CREATE INDEX rights_kind_status ON rights (kind, status, id);
CREATE INDEX rights_county ON rights (county, kind, status, id);
CREATE INDEX rights_mineral ON rights (main_mineral, kind, status, id);
CREATE INDEX rights_holder_name ON rights (holder_name);
CREATE INDEX rights_holder_code ON rights (holder_code);

-- Maintained totals for the caps rules, kept by every append: per kind,
-- main mineral, status, design-scale unit and first year of validity,
-- the number of rights and the sum of their design scales (millionths),
-- and per kind and status the number of rights.
CREATE TABLE right_totals (
    kind         TEXT    NOT NULL,
    main_mineral TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    scale_unit   TEXT    NOT NULL,
    from_year    TEXT    NOT NULL,
    rights       INTEGER NOT NULL,
    scale_micro  INTEGER NOT NULL,
    PRIMARY KEY (kind, main_mineral, status, scale_unit, from_year)
);
CREATE TABLE right_counts (
    kind   TEXT    NOT NULL,
    status TEXT    NOT NULL,
    rights INTEGER NOT NULL,
    PRIMARY KEY (kind, status)
);

CREATE TABLE right_states (
    right_id       TEXT    NOT NULL REFERENCES rights (id),
    seq            INTEGER NOT NULL,
    from_date      TEXT    NOT NULL, -- first day this is the as-of state
    until_date     TEXT    NOT NULL, -- the next state's from_date, or 9999-12-31
    recorded_at    TEXT    NOT NULL,
    licence_number TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    holder_name    TEXT    NOT NULL,
    holder_code    TEXT    NOT NULL,
    main_mineral   TEXT    NOT NULL,
    county         TEXT    NOT NULL,
    min_lon        REAL    NOT NULL,
    min_lat        REAL    NOT NULL,
    max_lon        REAL    NOT NULL,
    max_lat        REAL    NOT NULL,
    valid_from     TEXT    NOT NULL,
    valid_to       TEXT    NOT NULL,
    scale_unit     TEXT    NOT NULL,
    scale_micro    INTEGER NOT NULL,
    state          TEXT    NOT NULL,
    geom           BLOB    NOT NULL,
    PRIMARY KEY (right_id, seq),
    FOREIGN KEY (right_id, seq) REFERENCES right_events (right_id, seq)
);
CREATE INDEX right_states_days ON right_states (until_date, from_date);
CREATE INDEX right_states_county ON right_states (county, kind, until_date, from_date);
