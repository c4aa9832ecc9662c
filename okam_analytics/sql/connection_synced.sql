-- A sync that read the API: its cursor and result. Params: $connection, $cursor, $at, $status,
-- $rows, $import_id.
update connections
set cursor = $cursor,
    last_sync_at = $at,
    last_status = $status,
    last_rows = $rows,
    last_error = null,
    last_import_id = coalesce($import_id, last_import_id)
where name = $connection
