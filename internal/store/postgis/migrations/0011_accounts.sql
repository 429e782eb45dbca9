-- Accounts (issue 11): users, their password history and failed sign-ins,
-- server-side sessions, one-time recovery codes and API tokens. Personal
-- fields and TOTP secrets are ciphertext (internal/fieldcrypt); passwords
-- are argon2id hashes; sessions, tokens and recovery codes are kept as
-- SHA-256 digests only.
CREATE TABLE users (
    id           bigserial   PRIMARY KEY,
    name         text        NOT NULL UNIQUE,
    display_name text        NOT NULL,
    role         text        NOT NULL,
    county       text        NOT NULL,
    credit_code  text        NOT NULL,
    email        bytea,
    phone        bytea,
    password_hash text       NOT NULL,
    must_change_password boolean NOT NULL,
    totp_secret  bytea,
    totp_enabled boolean     NOT NULL,
    disabled     boolean     NOT NULL,
    illustrative boolean     NOT NULL,
    locked_until timestamptz,
    created_at   timestamptz NOT NULL
);
CREATE INDEX users_role ON users (role, id);

CREATE TABLE password_history (
    user_id bigint      NOT NULL REFERENCES users (id),
    seq     integer     NOT NULL,
    hash    text        NOT NULL,
    at      timestamptz NOT NULL,
    PRIMARY KEY (user_id, seq)
);

CREATE TABLE sign_in_failures (
    user_id bigint      NOT NULL REFERENCES users (id),
    at      timestamptz NOT NULL
);
CREATE INDEX sign_in_failures_user ON sign_in_failures (user_id, at);

CREATE TABLE sessions (
    id         text        PRIMARY KEY,  -- hex SHA-256 of the token
    user_id    bigint      NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL,
    last_seen  timestamptz NOT NULL,
    ended_at   timestamptz,
    end_reason text        NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE ended_at IS NULL;

CREATE TABLE recovery_codes (
    user_id bigint      NOT NULL REFERENCES users (id),
    hash    text        NOT NULL,
    used_at timestamptz,
    PRIMARY KEY (user_id, hash)
);

CREATE TABLE api_tokens (
    id          text        PRIMARY KEY,
    secret_hash text        NOT NULL,
    name        text        NOT NULL,
    user_id     bigint      NOT NULL REFERENCES users (id),
    role        text        NOT NULL,
    county      text        NOT NULL,
    credit_code text        NOT NULL,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, id);
