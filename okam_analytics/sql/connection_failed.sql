-- A sync that failed: its message; the cursor stays where the last loaded sync left it.
-- Params: $connection, $at, $error.
update connections
set last_sync_at = $at,
    last_status = 'failed',
    last_rows = 0,
    last_error = $error
where name = $connection
