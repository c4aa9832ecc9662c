-- Forget a connection (its imports stay, each undoable). Params: $connection.
delete from connections where name = $connection
