-- Set the pack contacts of one known client (null: none).
update clients
set contacts = $contacts::varchar[]
where client = $client
