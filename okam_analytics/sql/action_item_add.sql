-- One new open action item for $client; returns its row.
insert into action_items (client, text, owner, due_on, status, created_at)
values ($client, $text, $owner, $due_on, 'open', $created_at)
returning id, client, text, owner, due_on, status, created_at, done_at
