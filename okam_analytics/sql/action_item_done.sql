-- Mark the open action item $id done at $done_at; returns its row (none when $id is unknown
-- or already done).
update action_items
set status = 'done', done_at = $done_at
where id = $id and status = 'open'
returning id, client, text, owner, due_on, status, created_at, done_at
