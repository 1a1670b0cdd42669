-- NOTIFY inside the appending transaction serialized concurrent commits on
-- the notification queue lock (appends at 8 writers fell to 0.48 of a plain
-- INSERT). The event store now publishes one coalesced notification after
-- commit, outside the writers' transactions, so the trigger goes.
DROP TRIGGER events_notify ON events;
DROP FUNCTION events_notify();
