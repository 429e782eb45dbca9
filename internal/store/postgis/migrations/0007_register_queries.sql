-- The register pages, filters, counts and sums in SQL. The rights row
-- gains the columns the queries need, taken out of the state JSON: the
-- exact bounding box (&& compares single-precision boxes), the validity
-- dates (for the status on a day) and the design scale in millionths of
-- its unit (integer sums are exact). right_states keeps every state a
-- right has had, with the days it is the as-of state on, so the register
-- as of a day is read through an index instead of replaying the log.
-- The program fills the new columns and the history of rows stored
-- before this version right after migrating (the same Go backfill as
-- SQLite's: the states come from replaying the events).
ALTER TABLE rights
    ADD COLUMN min_lon     double precision NOT NULL DEFAULT 0,
    ADD COLUMN min_lat     double precision NOT NULL DEFAULT 0,
    ADD COLUMN max_lon     double precision NOT NULL DEFAULT 0,
    ADD COLUMN max_lat     double precision NOT NULL DEFAULT 0,
    ADD COLUMN valid_from  text             NOT NULL DEFAULT '',
    ADD COLUMN valid_to    text             NOT NULL DEFAULT '',
    ADD COLUMN scale_unit  text             NOT NULL DEFAULT '',
    ADD COLUMN scale_micro bigint           NOT NULL DEFAULT 0;

-- Keyset paging orders by id in byte order.
CREATE UNIQUE INDEX rights_id_c ON rights (id COLLATE "C");
-- Filter indexes end with the ID, so a filtered page is read in ID order
-- from the index and stops at its limit.
DROP INDEX rights_kind_status;
CREATE INDEX rights_kind_status ON rights (kind, status, id COLLATE "C");
CREATE INDEX rights_county ON rights (county, kind, status, id COLLATE "C");
CREATE INDEX rights_mineral ON rights (main_mineral, kind, status, id COLLATE "C");
CREATE INDEX rights_holder_name ON rights (holder_name);
CREATE INDEX rights_holder_code ON rights (holder_code);

-- Maintained totals for the caps rules, kept by every append: per kind,
-- main mineral, status, design-scale unit and first year of validity,
-- the number of rights and the sum of their design scales (millionths),
-- and per kind and status the number of rights.
CREATE TABLE right_totals (
    kind         text    NOT NULL,
    main_mineral text    NOT NULL,
    status       text    NOT NULL,
    scale_unit   text    NOT NULL,
    from_year    text    NOT NULL,
    rights       bigint NOT NULL,
    scale_micro  bigint NOT NULL,
    PRIMARY KEY (kind, main_mineral, status, scale_unit, from_year)
);
CREATE TABLE right_counts (
    kind   text    NOT NULL,
    status text    NOT NULL,
    rights bigint NOT NULL,
    PRIMARY KEY (kind, status)
);

CREATE TABLE right_states (
    right_id       text             NOT NULL REFERENCES rights (id),
    seq            integer          NOT NULL,
    from_date      text             NOT NULL, -- first day this is the as-of state
    until_date     text             NOT NULL, -- the next state's from_date, or 9999-12-31
    recorded_at    timestamptz      NOT NULL,
    licence_number text             NOT NULL,
    kind           text             NOT NULL,
    status         text             NOT NULL,
    holder_name    text             NOT NULL,
    holder_code    text             NOT NULL,
    main_mineral   text             NOT NULL,
    county         text             NOT NULL,
    min_lon        double precision NOT NULL,
    min_lat        double precision NOT NULL,
    max_lon        double precision NOT NULL,
    max_lat        double precision NOT NULL,
    valid_from     text             NOT NULL,
    valid_to       text             NOT NULL,
    scale_unit     text             NOT NULL,
    scale_micro    bigint           NOT NULL,
    state          text             NOT NULL,
    geom           geometry(MultiPolygon, 4490) NOT NULL,
    PRIMARY KEY (right_id, seq),
    FOREIGN KEY (right_id, seq) REFERENCES right_events (right_id, seq)
);
CREATE INDEX right_states_id_c ON right_states (right_id COLLATE "C", seq);
CREATE INDEX right_states_days ON right_states (until_date, from_date);
CREATE INDEX right_states_county ON right_states (county, kind, until_date, from_date);
CREATE INDEX right_states_geom_gist ON right_states USING gist (geom);
