-- Accounts (issue 11): users, their password history and failed sign-ins,
-- server-side sessions, one-time recovery codes and API tokens. Times are
-- fixed-width UTC text (2006-01-02T15:04:05.000000Z), so text order is
-- time order. Personal fields and TOTP secrets are ciphertext
-- (internal/fieldcrypt); passwords are argon2id hashes; sessions, tokens
-- and recovery codes are kept as SHA-256 digests only.
CREATE TABLE users (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL UNIQUE,
    display_name TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    county       TEXT    NOT NULL,
    credit_code  TEXT    NOT NULL,
    email        BLOB,
    phone        BLOB,
    password_hash TEXT   NOT NULL,
    must_change_password INTEGER NOT NULL,
    totp_secret  BLOB,
    totp_enabled INTEGER NOT NULL,
    disabled     INTEGER NOT NULL,
    illustrative INTEGER NOT NULL,
    locked_until TEXT,
    created_at   TEXT    NOT NULL
);
CREATE INDEX users_role ON users (role, id);

CREATE TABLE password_history (
    user_id INTEGER NOT NULL REFERENCES users (id),
    seq     INTEGER NOT NULL,
    hash    TEXT    NOT NULL,
    at      TEXT    NOT NULL,
    PRIMARY KEY (user_id, seq)
);

CREATE TABLE sign_in_failures (
    user_id INTEGER NOT NULL REFERENCES users (id),
    at      TEXT    NOT NULL
);
CREATE INDEX sign_in_failures_user ON sign_in_failures (user_id, at);

CREATE TABLE sessions (
    id         TEXT    PRIMARY KEY,  -- hex SHA-256 of the token
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT    NOT NULL,
    last_seen  TEXT    NOT NULL,
    ended_at   TEXT,
    end_reason TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE ended_at IS NULL;

CREATE TABLE recovery_codes (
    user_id INTEGER NOT NULL REFERENCES users (id),
    hash    TEXT    NOT NULL,
    used_at TEXT,
    PRIMARY KEY (user_id, hash)
);

CREATE TABLE api_tokens (
    id          TEXT    PRIMARY KEY,
    secret_hash TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    role        TEXT    NOT NULL,
    county      TEXT    NOT NULL,
    credit_code TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);
