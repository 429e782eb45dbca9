-- Review reports, with the input exactly as submitted.
CREATE TABLE reviews (
    id            TEXT    PRIMARY KEY,
    plan_id       TEXT    NOT NULL,
    plan_revision INTEGER NOT NULL,
    verdict       TEXT    NOT NULL,
    input         BLOB    NOT NULL,
    report        TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);
CREATE TRIGGER reviews_immutable BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are immutable'); END;
