-- Who recorded each register event (actor.Actor.String(): "operator:zhang",
-- "system:mineplan"), beside actor, the authority that decided it. Events
-- recorded before this migration have none.
ALTER TABLE right_events ADD COLUMN recorded_by TEXT NOT NULL DEFAULT '';
