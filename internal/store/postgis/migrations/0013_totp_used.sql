-- The last TOTP time step each user signed in with (RFC 6238 §5.2: a code
-- is accepted once). Like sessions, it is short-lived state: backups leave
-- it out.
CREATE TABLE totp_used (
    user_id bigint PRIMARY KEY REFERENCES users (id),
    step    bigint NOT NULL
);
