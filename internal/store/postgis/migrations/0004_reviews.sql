-- Review reports, with the input exactly as submitted.
CREATE TABLE reviews (
    id            text        PRIMARY KEY,
    plan_id       text        NOT NULL,
    plan_revision integer     NOT NULL,
    verdict       text        NOT NULL,
    input         bytea       NOT NULL,
    report        text        NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE TRIGGER reviews_immutable BEFORE UPDATE ON reviews
    FOR EACH ROW EXECUTE FUNCTION mineplan_refuse_change();
