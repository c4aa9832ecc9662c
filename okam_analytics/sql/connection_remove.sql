-- Forget a connection (its imports stay, each undoable). Params: $name.
delete from connections where name = $name
