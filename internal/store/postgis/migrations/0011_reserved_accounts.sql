-- Placeholder for the accounts migration (issue 11), which is numbered 0011
-- on the accounts branch; the web branch's 0012 needs contiguous versions.
-- Dropped when the branches merge (the accounts migration takes its place).
SELECT 1;
