-- What a layer is, for the review: protected_area, red_line or other.
ALTER TABLE layers ADD COLUMN kind text NOT NULL DEFAULT 'other';
